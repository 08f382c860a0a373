import Foundation
import Testing

@testable import Platform

@Suite("Encoding and decoding values")
struct PostgresCodingTests {
    let pool: DatabasePool

    init() async throws {
        pool = try await TestCluster.shared().makePool()
    }

    private struct Payload: Codable, Equatable {
        var name: String
        var sizes: [Int]
        var nested: [String: Bool]
    }

    @Test func everySupportedTypeRoundTripsThroughATable() async throws {
        try await pool.execute(
            """
            CREATE TABLE samples (
                i2 int2, i4 int4, i8 int8, t text, v varchar(40), b bool, f8 float8,
                ts timestamptz, bin bytea, j jsonb, js json, u uuid
            )
            """)
        let date = Date(timeIntervalSince1970: 1_700_000_000.123456)
        let bytes: [UInt8] = [0, 1, 0, 255, 0x5C, 0x78, 0, 0x80]
        let uuid = UUID()
        let payload = Payload(name: "ünï €", sizes: [150, 640, 1080], nested: ["a": true])
        let text = "héllo 🌍 \"quoted\" 'single' \\ back\nnew line\ttab"
        try await pool.query(
            "INSERT INTO samples VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            [
                Int16(-32768), Int32(2_147_483_647), Int64.min, text, "varchar ✓", true, -1.5e-300,
                date, bytes, try PostgresJSON(encoding: payload), #"{"b": 1,  "a": 2}"#, uuid,
            ])
        try await pool.query(
            "INSERT INTO samples VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil])

        let rows = try await pool.query("SELECT * FROM samples ORDER BY i2 NULLS LAST")
        #expect(rows.count == 2)
        let row = rows[0]
        #expect(try row.decode(Int16.self, column: "i2") == -32768)
        #expect(try row.decode(Int.self, column: "i2") == -32768)
        #expect(try row.decode(Int32.self, column: "i4") == 2_147_483_647)
        #expect(try row.decode(Int64.self, column: "i8") == Int64.min)
        #expect(try row["t", as: String.self] == text)
        #expect(try row.decode(String.self, column: "v") == "varchar ✓")
        #expect(try row.decode(Bool.self, column: "b") == true)
        #expect(try row.decode(Double.self, column: "f8") == -1.5e-300)
        let decodedDate = try row.decode(Date.self, column: "ts")
        #expect(abs(decodedDate.timeIntervalSince(date)) < 0.000_001)
        #expect(try row.decode([UInt8].self, column: "bin") == bytes)
        #expect(try row.decode(Data.self, column: "bin") == Data(bytes))
        #expect(try row.decodeJSON(Payload.self, column: "j") == payload)
        // json keeps the text as sent; jsonb (a PostgresJSON parameter) normalises it.
        #expect(try row.decode(PostgresJSON.self, column: "js").text == #"{"b": 1,  "a": 2}"#)
        #expect(try row.decode(PostgresJSON.self, column: "j").text.hasPrefix(#"{"name": "ünï €""#))
        #expect(try row.decode(UUID.self, column: "u") == uuid)

        let nulls = rows[1]
        for index in 0..<nulls.columns.count {
            #expect(nulls.text(at: index) == nil)
            #expect(try nulls.decode(String?.self, at: index) == nil)
        }
        #expect(try nulls.decode(Int64?.self, column: "i8") == nil)
        #expect(try nulls.decode(Date?.self, column: "ts") == nil)
        #expect(try nulls.decode(PostgresJSON?.self, column: "j") == nil)
        #expect(try rows[0].decode(Int64?.self, column: "i8") == Int64.min)
    }

    @Test func parametersTakeTheirDeclaredTypes() async throws {
        let row = try await pool.query(
            "SELECT pg_typeof($1)::text, pg_typeof($2)::text, pg_typeof($3)::text, pg_typeof($4)::text, pg_typeof($5)::text",
            [42, true, 1.5, Date(), Data([1])])[0]
        #expect(try (0..<5).map { try row.decode(String.self, at: $0) }
            == ["bigint", "boolean", "double precision", "timestamp with time zone", "bytea"])
    }

    @Test(arguments: [
        0.0, -0.0, 1.0 / 3.0, 1e308, -Double.leastNonzeroMagnitude, Double.pi, .infinity, -.infinity,
    ])
    func doublesRoundTripExactly(value: Double) async throws {
        let decoded = try await pool.query("SELECT $1::float8", [value])[0].decode(Double.self, at: 0)
        #expect(decoded == value)
        #expect(decoded.sign == value.sign)
    }

    @Test func notANumberRoundTrips() async throws {
        #expect(try await pool.query("SELECT $1::float8", [Double.nan])[0].decode(Double.self, at: 0).isNaN)
    }

    @Test(arguments: [
        -1_000_000_000.25, -0.5, 0, 951_782_400, 1_700_000_000.999999, 253_402_300_799,
    ])
    func timestampsRoundTripToTheMicrosecond(seconds: Double) async throws {
        let date = Date(timeIntervalSince1970: seconds)
        let row = try await pool.query("SELECT $1::timestamptz, extract(epoch FROM $1::timestamptz)::text", [date])[0]
        let decoded = try row.decode(Date.self, at: 0)
        #expect(abs(decoded.timeIntervalSince1970 - seconds) < 0.000_001)
        let serverEpoch = try #require(Double(try row.decode(String.self, at: 1)))
        #expect(abs(serverEpoch - seconds) < 0.000_001)
    }

    @Test func timestampsInOtherZonesDecodeToTheSameInstant() async throws {
        let instants = try await pool.withConnection { connection in
            try connection.execute("SET TimeZone = 'Asia/Kathmandu'")
            let row = try connection.query(
                "SELECT '2024-02-29 12:00:00.5+00'::timestamptz, '2024-02-29 12:00:00.5+00'::timestamptz::text,"
                    + " '2024-02-29'::date, 'infinity'::timestamptz")[0]
            try connection.execute("RESET TimeZone")
            return try (row.decode(Date.self, at: 0), row.decode(String.self, at: 1), row.decode(Date.self, at: 2),
                        row.decode(Date.self, at: 3))
        }
        let expected = Date(timeIntervalSince1970: 1_709_208_000.5)
        #expect(instants.1 == "2024-02-29 17:45:00.5+05:45")
        #expect(instants.0 == expected)
        #expect(instants.2 == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(instants.3 == .distantFuture)
    }

    @Test func decodingTheWrongTypeOrANullThrows() async throws {
        let row = try await pool.query("SELECT 'abc'::text AS t, NULL::int AS n, 7::int AS i")[0]
        let wrongType = #expect(throws: DatabaseError.self) { try row.decode(Int.self, column: "t") }
        #expect(wrongType?.code == .decodingFailed)
        #expect(wrongType?.message.contains("(t)") == true)
        let null = #expect(throws: DatabaseError.self) { try row.decode(Int.self, column: "n") }
        #expect(null?.code == .decodingFailed)
        #expect(throws: DatabaseError.self) { try row.decode(Bool.self, column: "i") }
        #expect(throws: DatabaseError.self) { try row.decode(Int.self, column: "missing") }
        #expect(throws: DatabaseError.self) { try row.decode(Int.self, at: 3) }
        #expect(try row.decode(String.self, column: "i") == "7")
        let sums = try await pool.query("SELECT sum(n)::numeric, 2.5::numeric FROM (VALUES (1::bigint), (2)) AS v(n)")[0]
        #expect(try sums.decode(Int.self, at: 0) == 3)
        #expect(throws: DatabaseError.self) { try sums.decode(Int.self, at: 1) }
        #expect(try sums.decode(Double.self, at: 1) == 2.5)
    }

    @Test func affectedRowsComeFromTheCommandTag() async throws {
        try await pool.execute("CREATE TABLE counted (n int); INSERT INTO counted SELECT generate_series(1, 5)")
        #expect(try await pool.query("UPDATE counted SET n = n + 1 WHERE n > $1", [2]).affectedRows == 3)
        #expect(try await pool.query("SELECT n FROM counted").affectedRows == 5)
        #expect(try await pool.query("CREATE TABLE other (n int)").affectedRows == nil)
    }
}

@Suite("Value formats without a server")
struct PostgresFormatTests {
    @Test func timestampParsingHandlesOffsetsFractionsAndDates() throws {
        #expect(PostgresTimestamp.parse("1970-01-01 00:00:00+00") == Date(timeIntervalSince1970: 0))
        #expect(PostgresTimestamp.parse("1970-01-01 05:30:00.25+05:30") == Date(timeIntervalSince1970: 0.25))
        #expect(PostgresTimestamp.parse("1969-12-31 19:00:00-05") == Date(timeIntervalSince1970: 0))
        #expect(PostgresTimestamp.parse("1970-01-01 00:00:00-00:00:30") == Date(timeIntervalSince1970: 30))
        #expect(PostgresTimestamp.parse("2000-03-01") == Date(timeIntervalSince1970: 951_868_800))
        #expect(PostgresTimestamp.parse("-infinity") == .distantPast)
        for bad in ["", "2024-13-01", "2024-01-01 10:00", "2024-01-01 10:00:00 BC", "yesterday", "2024-01-01T10:00:00Z"] {
            #expect(PostgresTimestamp.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func timestampFormattingIsUTCWithMicroseconds() {
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000+00")
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31 23:59:59.500000+00")
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 1_709_208_000.000_25))
            == "2024-02-29 12:00:00.000250+00")
    }

    @Test func civilDayConversionsAgreeOverCenturies() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let civil = PostgresTimestamp.civil(fromDays: days)
            #expect(PostgresTimestamp.days(fromYear: civil.year, month: civil.month, day: civil.day) == days)
        }
    }

    @Test func byteaHexRejectsMalformedText() {
        #expect(PostgresBytea.bytes(fromHexText: "\\x00ff") == [0, 255])
        #expect(PostgresBytea.bytes(fromHexText: "\\x") == [])
        #expect(PostgresBytea.bytes(fromHexText: "\\x0") == nil)
        #expect(PostgresBytea.bytes(fromHexText: "00ff") == nil)
        #expect(PostgresBytea.bytes(fromHexText: "\\xzz") == nil)
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
