/// Type OIDs of the built-in PostgreSQL types this module encodes and decodes (`pg_type.oid`).
enum PostgresOID {
    static let unspecified: UInt32 = 0
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let char: UInt32 = 18
    static let name: UInt32 = 19
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let oid: UInt32 = 26
    static let json: UInt32 = 114
    static let float4: UInt32 = 700
    static let float8: UInt32 = 701
    static let unknown: UInt32 = 705
    static let bpchar: UInt32 = 1042
    static let varchar: UInt32 = 1043
    static let date: UInt32 = 1082
    static let timestamp: UInt32 = 1114
    static let timestamptz: UInt32 = 1184
    static let numeric: UInt32 = 1700
    static let uuid: UInt32 = 2950
    static let jsonb: UInt32 = 3802

    /// Array type → element type, for the element types this module encodes.
    static let arrayTypes: [UInt32: UInt32] = [
        1000: bool, 1001: bytea, 1005: int2, 1007: int4, 1016: int8, 1009: text, 1015: varchar,
        1021: float4, 1022: float8, 1115: timestamp, 1182: date, 1185: timestamptz, 2951: uuid,
        199: json, 3807: jsonb, 1028: oid,
    ]

    /// numeric is accepted when its text is a whole number (`sum(bigint)` returns numeric).
    static let integers: Set<UInt32> = [int2, int4, int8, oid, numeric]
    static let floats: Set<UInt32> = [float4, float8, numeric, int2, int4, int8]
    static let timestamps: Set<UInt32> = [timestamptz, timestamp, date]
    static let jsonTypes: Set<UInt32> = [json, jsonb, text, varchar]
}
