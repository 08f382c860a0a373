public import Foundation
import Crypto

/// SHA-256 (FIPS 180-4) of an input's bytes, its content address: swift-crypto's, which runs
/// BoringSSL's assembly (SHA extensions or AVX2, chosen at run time), the same implementation
/// Platform's store and tokens use. Not for secrets.
///
/// A value type: a copy carries on from the state it was copied at. Feeding is streaming: the
/// digest holds 32 bytes of state, never the content.
public struct SHA256Digest: Sendable {
    private var state = SHA256()

    /// A fresh digest.
    public init() {}

    /// The lowercase hex SHA-256 of `data`, in one call.
    public static func hex(of data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// Feeds more bytes.
    public mutating func update(_ data: Data) {
        state.update(data: data)
    }

    /// Returns the 32-byte digest of everything fed so far and starts again from empty.
    public mutating func finalize() -> [UInt8] {
        defer { state = SHA256() }
        return Array(state.finalize())
    }

    /// As `finalize`, as 64 lowercase hex digits.
    public mutating func finalizeHex() -> String {
        Self.hex(finalize())
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
