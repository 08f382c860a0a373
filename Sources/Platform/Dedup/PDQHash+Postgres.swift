/// A PDQ hash column (`text`, 64 lowercase hex digits, as the schema's CHECK constraints
/// require) read as a hash: text that is not a hash throws `DatabaseError` with code
/// `.decodingFailed` rather than being skipped.
extension PDQHash: PostgresDecodable {
    public init(postgresText text: String, typeOID: UInt32) throws {
        guard let hash = PDQHash(hex: text) else { throw decodingError(text, typeOID, as: PDQHash.self) }
        self = hash
    }
}
