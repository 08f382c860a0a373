import CLibCrypto

/// Incremental SHA-256 as lowercase hex: OpenSSL's libcrypto (its assembly, SHA extensions or
/// AVX2 chosen at run time), the one implementation Thumbnail's content addresses use too.
///
/// The store hashes multi-gigabyte files in fixed-size chunks while copying them, so the
/// hasher keeps state between chunks and never holds the whole content; `SHA256.hex` uses it
/// for in-memory values.
struct SHA256Hasher {
    private var state = SHA256_CTX()

    init() {
        _ = SHA256_Init(&state)
    }

    /// Feeds more content.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        _ = SHA256_Update(&state, base, bytes.count)
    }

    /// Feeds more content from any byte collection.
    mutating func update(_ bytes: some Collection<UInt8>) {
        let fed: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if fed == nil { Array(bytes).withUnsafeBytes { update($0) } }
    }

    /// The digest of everything fed so far as 64 lowercase hex digits (computed on a copy of
    /// the state, so feeding may go on after it).
    func finalizeHex() -> String {
        var copy = state
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = SHA256_Final(&digest, &copy)
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The SHA-256 of `bytes` as hex.
    static func hex(_ bytes: some Collection<UInt8>) -> String {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }
}
