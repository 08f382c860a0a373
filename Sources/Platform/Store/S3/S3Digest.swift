import CLibCrypto
import Foundation

/// The digests S3 requests carry: HMAC-SHA256 for Signature V4, SHA-256 for payload hashes,
/// MD5 for `Content-MD5` (S3 refuses a body whose MD5 differs: a part damaged in transit is
/// rejected, not stored). libcrypto, like `SHA256Hasher`.
enum S3Digest {
    /// HMAC-SHA256 of `message` under `key`.
    static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                HMAC(
                    EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                    messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count, &output, &length)
            }
        }
        return Array(output.prefix(Int(length)))
    }

    /// HMAC-SHA256 of a UTF-8 string.
    static func hmacSHA256(key: [UInt8], _ message: String) -> [UInt8] {
        hmacSHA256(key: key, Array(message.utf8))
    }

    /// SHA-256 as lowercase hex.
    static func sha256Hex(_ bytes: some Collection<UInt8>) -> String {
        SHA256Hasher.hex(bytes)
    }

    /// MD5 as base64, the form of `Content-MD5`.
    static func md5Base64(_ bytes: UnsafeRawBufferPointer) -> String {
        var digest = [UInt8](repeating: 0, count: Int(MD5_DIGEST_LENGTH))
        _ = MD5(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, &digest)
        return Data(digest).base64EncodedString()
    }

    /// Lowercase hex of raw bytes.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
