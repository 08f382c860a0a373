/// SHA-256 of an in-memory collection, as lowercase hex: migration checksums, token hashes,
/// content addresses. Computed by the store's streaming `SHA256Hasher` (libcrypto), the
/// module's one way to hash.
enum SHA256 {
    /// The digest of `bytes` as 64 lowercase hex digits.
    static func hex(_ bytes: some Collection<UInt8>) -> String {
        SHA256Hasher.hex(bytes)
    }
}
