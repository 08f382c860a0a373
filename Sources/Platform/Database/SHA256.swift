/// SHA-256 of an in-memory collection, as lowercase hex: migration checksums, token hashes,
/// content addresses. One implementation serves the module: the store's streaming
/// `SHA256Hasher`, which also hashes multi-gigabyte files chunk by chunk.
enum SHA256 {
    /// The digest of `bytes` as 64 lowercase hex digits.
    static func hex(_ bytes: some Collection<UInt8>) -> String {
        SHA256Hasher.hex(bytes)
    }
}
