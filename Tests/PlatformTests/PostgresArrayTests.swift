import Foundation
import Testing

@testable import Platform

@Suite("Arrays")
struct PostgresArrayTests {
    let pool: DatabasePool

    init() async throws {
        pool = try await TestCluster.shared().makePool()
    }

    @Test func textArraysRoundTripAwkwardElements() async throws {
        let values = ["plain", "with space", "comma,inside", #"quote " and \ backslash"#, "", "NULL", "{braces}", "ünï 🌍"]
        let rows = try await pool.query(
            "SELECT $1::text[], array_length($1::text[], 1), ($1::text[])[6] IS NULL", [PostgresArray(values)])
        #expect(try rows[0].decode(PostgresArray<String>.self, at: 0).elements == values)
        #expect(try rows[0].decode(Int.self, at: 1) == values.count)
        // The string "NULL" stays a string.
        #expect(try rows[0].decode(Bool.self, at: 2) == false)
    }

    @Test func typedArraysBindForAny() async throws {
        try await pool.execute("CREATE TABLE jobs (id bigint PRIMARY KEY, key uuid NOT NULL)")
        let keys = (0..<5).map { _ in UUID() }
        for (id, key) in keys.enumerated() {
            try await pool.query("INSERT INTO jobs VALUES ($1, $2)", [id, key])
        }
        let byID = try await pool.query("SELECT id FROM jobs WHERE id = ANY($1) ORDER BY id", [PostgresArray([1, 3, 99])])
        #expect(try byID.map { try $0.decode(Int.self, at: 0) } == [1, 3])
        let byKey = try await pool.query(
            "SELECT array_agg(id ORDER BY id) FROM jobs WHERE key = ANY($1)", [PostgresArray([keys[0], keys[4]])])
        #expect(try byKey[0].decode(PostgresArray<Int64>.self, at: 0).elements == [0, 4])
        let names = try await pool.query(
            "SELECT count(*) FROM unnest($1::text[]) AS name WHERE name = ANY($2)",
            [PostgresArray(["a", "b", "c"]), PostgresArray(["b", "c", "d"])])
        #expect(try names[0].decode(Int.self, at: 0) == 2)
    }

    @Test func nullElementsNeedAnOptionalElementType() async throws {
        let row = try await pool.query("SELECT ARRAY[1, NULL, 3]::int4[], '{}'::int8[], '[0:1]={7,8}'::int4[]")[0]
        #expect(try row.decode(PostgresArray<Int32?>.self, at: 0).elements == [1, nil, 3])
        #expect(throws: DatabaseError.self) { try row.decode(PostgresArray<Int32>.self, at: 0) }
        #expect(try row.decode(PostgresArray<Int>.self, at: 1).elements == [])
        #expect(try row.decode(PostgresArray<Int>.self, at: 2).elements == [7, 8])
    }

    @Test func otherElementTypesRoundTrip() async throws {
        let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_700_000_000.5)]
        let row = try await pool.query(
            "SELECT $1::timestamptz[], $2::bool[], $3::float8[], $4::bytea[]",
            [PostgresArray(dates), PostgresArray([true, false]), PostgresArray([1.5, -0.25]),
             PostgresArray([Data([0, 1]), Data()])])[0]
        #expect(try row.decode(PostgresArray<Date>.self, at: 0).elements == dates)
        #expect(try row.decode(PostgresArray<Bool>.self, at: 1).elements == [true, false])
        #expect(try row.decode(PostgresArray<Double>.self, at: 2).elements == [1.5, -0.25])
        #expect(try row.decode(PostgresArray<Data>.self, at: 3).elements == [Data([0, 1]), Data()])
    }

    @Test func binaryArraysRoundTripThroughTheServer() async throws {
        // What the server received, printed back as text by the server itself.
        let texts = ["plain", "", "ünï 🌍", #"quote " and \ backslash"#, "NULL", "{braces},"]
        let row = try await pool.query(
            """
            SELECT $1::int2[], $2::int4[], $3::int8[], $4::text[], $5::jsonb[], $6::uuid[],
                   pg_typeof($1)::text, pg_typeof($4)::text, array_length($4, 1), ($4)[5] IS NULL
            """,
            [PostgresArray<Int16>([-32768, 0, 32767]), PostgresArray<Int32>([.min, -1, .max]), PostgresArray<Int64>([.min, 42, .max]),
             PostgresArray(texts), PostgresArray([PostgresJSON(text: #"{"é": [1, 2.5, null]}"#), PostgresJSON(text: "[]")]),
             PostgresArray([UUID(uuidString: "00112233-4455-6677-8899-AABBCCDDEEFF")!])])[0]
        #expect(try row.decode(PostgresArray<Int16>.self, at: 0).elements == [-32768, 0, 32767])
        #expect(try row.decode(PostgresArray<Int32>.self, at: 1).elements == [.min, -1, .max])
        #expect(try row.decode(PostgresArray<Int64>.self, at: 2).elements == [.min, 42, .max])
        #expect(try row.decode(PostgresArray<String>.self, at: 3).elements == texts)
        #expect(try row.decode(PostgresArray<String>.self, at: 4).elements == [#"{"é": [1, 2.5, null]}"#, "[]"])
        #expect(try row.decode(PostgresArray<UUID>.self, at: 5).elements == [UUID(uuidString: "00112233-4455-6677-8899-AABBCCDDEEFF")!])
        #expect(try row.decode(String.self, at: 6) == "smallint[]")
        #expect(try row.decode(String.self, at: 7) == "text[]")
        #expect(try row.decode(Int.self, at: 8) == texts.count)
        #expect(try row.decode(Bool.self, at: 9) == false)
    }

    @Test func nullElementsEmptyArraysAndNullParametersTravelInBinary() async throws {
        let dates: [Date?] = [Date(timeIntervalSince1970: 1_700_000_000.123456), nil, Date(timeIntervalSince1970: -86_400.5)]
        let row = try await pool.query(
            """
            SELECT $1::timestamptz[], $2::text[], array_position($2, NULL), $3::int4[], cardinality($3),
                   $4::text IS NULL, $5::int8, $6::int4[] IS NULL, $7::text[] = '{}'
            """,
            [PostgresNullableArray(dates), PostgresNullableArray<String>([nil, "ß", nil]), PostgresArray<Int32>([]),
             nil, Int64(7), nil, PostgresNullableArray<String>([])])[0]
        #expect(try row.decode(PostgresArray<Date?>.self, at: 0).elements == dates)
        #expect(try row.decode(PostgresArray<String?>.self, at: 1).elements == [nil, "ß", nil])
        #expect(try row.decode(Int.self, at: 2) == 1)
        #expect(try row.decode(PostgresArray<Int32>.self, at: 3).elements == [])
        #expect(try row.decode(Int.self, at: 4) == 0)
        #expect(try row.decode(Bool.self, at: 5))
        #expect(try row.decode(Int64.self, at: 6) == 7)
        #expect(try row.decode(Bool.self, at: 7))
        #expect(try row.decode(Bool.self, at: 8))
    }

    @Test func scalarsInBinaryMatchTheirTextForm() async throws {
        let date = Date(timeIntervalSince1970: 1_234_567_890.000_001)
        let json = PostgresJSON(text: #"{"name": "Zoë", "n": [1, -2]}"#)
        let values: [(any PostgresEncodable)?] = [
            Int16(-7), Int32(123_456), Int64.min, 99, true, 2.5, Float(-0.125), date, json,
            Data([0, 255, 16]), [UInt8]([1, 2]), UUID(uuidString: "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0")!,
        ]
        // The server compares each binary parameter with the same value parsed from its text form.
        let comparisons = values.indices.map { index in
            let oid = type(of: values[index]!).postgresTypeOID
            return "$\(index + 1) = $\(index + 1 + values.count)::text::\(Self.typeName(oid))"
        }
        let texts: [(any PostgresEncodable)?] = values.map { $0!.postgresText }
        let row = try await pool.query("SELECT " + comparisons.joined(separator: ", "), values + texts)[0]
        for index in values.indices {
            #expect(try row.decode(Bool.self, at: index), "parameter \(index + 1): \(values[index]!)")
        }
        #expect(values.allSatisfy { $0!.sendsPostgresBinary })
        #expect(!"text".sendsPostgresBinary)
    }

    @Test func preparedStatementsSendBinaryOnlyForTheTypesTheyWerePreparedWith() async throws {
        let results = try await pool.withConnection { connection in
            let sql = "SELECT coalesce($1::timestamptz, 'epoch'), cardinality($2::jsonb[])"
            // Prepared with a NULL first parameter: the server inferred its type, so later dates
            // go as text; the array was declared jsonb[] and goes in binary.
            let first = try connection.queryPrepared(sql, [nil, PostgresArray([PostgresJSON(text: "1")])])
            let second = try connection.queryPrepared(
                sql, [Date(timeIntervalSince1970: 86_400), PostgresArray([PostgresJSON(text: "1"), PostgresJSON(text: #""x""#)])])
            return try [first, second].map { try ($0[0].decode(Date.self, at: 0), $0[0].decode(Int.self, at: 1)) }
        }
        #expect(results[0].0 == Date(timeIntervalSince1970: 0) && results[0].1 == 1)
        #expect(results[1].0 == Date(timeIntervalSince1970: 86_400) && results[1].1 == 2)
    }

    @Test func textThatIsNotValidForTheServerIsRefusedWithAClearError() async throws {
        let error = await #expect(throws: DatabaseError.self) {
            try await pool.query("SELECT $1::text[]", [PostgresArray(["nul \u{0} inside"])])
        }
        #expect(error?.code == .queryFailed)
    }

    private static func typeName(_ oid: UInt32) -> String {
        switch oid {
        case PostgresOID.int2: "int2"
        case PostgresOID.int4: "int4"
        case PostgresOID.int8: "int8"
        case PostgresOID.bool: "bool"
        case PostgresOID.float4: "float4"
        case PostgresOID.float8: "float8"
        case PostgresOID.timestamptz: "timestamptz"
        case PostgresOID.jsonb: "jsonb"
        case PostgresOID.bytea: "bytea"
        case PostgresOID.uuid: "uuid"
        default: "unknown"
        }
    }

    @Test func malformedArrayTextIsRefused() {
        for text in ["", "{", "{1,2", "1,2}", "{{1,2},{3,4}}", #"{"unterminated}"#, "{1,,2}"] {
            #expect(PostgresArrayParser.parse(text) == nil, "\(text)")
        }
        #expect(PostgresArrayParser.parse(#"{a,"b\"c",NULL,"NULL"}"#) == ["a", #"b"c"#, nil, "NULL"])
    }
}
