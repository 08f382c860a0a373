public import Foundation
import CLibCrypto

/// SHA-256 (FIPS 180-4) of an input's bytes, its content address: OpenSSL's libcrypto, which
/// runs its assembly (SHA extensions or AVX2, chosen at run time), the same implementation
/// Platform's store and tokens use. Not for secrets.
///
/// A value type: a copy carries on from the state it was copied at (the C state is a plain
/// struct). Feeding is streaming: the digest holds the 112-byte state, never the content.
public struct SHA256Digest: Sendable {
    private var state = Self.fresh()

    /// A fresh digest.
    public init() {}

    /// The lowercase hex SHA-256 of `data`, in one call.
    public static func hex(of data: Data) -> String {
        var digest = SHA256Digest()
        digest.update(data)
        return digest.finalizeHex()
    }

    /// Feeds more bytes.
    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            _ = SHA256_Update(&state, base, bytes.count)
        }
    }

    /// Returns the 32-byte digest of everything fed so far and starts again from empty.
    public mutating func finalize() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = SHA256_Final(&output, &state)
        state = Self.fresh()
        return output
    }

    /// As `finalize`, as 64 lowercase hex digits.
    public mutating func finalizeHex() -> String {
        Self.hex(finalize())
    }

    private static func fresh() -> SHA256_CTX {
        var state = SHA256_CTX()
        _ = SHA256_Init(&state)
        return state
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
