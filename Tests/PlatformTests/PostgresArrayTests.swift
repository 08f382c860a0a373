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

    @Test func malformedArrayTextIsRefused() {
        for text in ["", "{", "{1,2", "1,2}", "{{1,2},{3,4}}", #"{"unterminated}"#, "{1,,2}"] {
            #expect(PostgresArrayParser.parse(text) == nil, "\(text)")
        }
        #expect(PostgresArrayParser.parse(#"{a,"b\"c",NULL,"NULL"}"#) == ["a", #"b"c"#, nil, "NULL"])
    }
}
