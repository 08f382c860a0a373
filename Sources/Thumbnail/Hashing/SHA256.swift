import CCrypto
public import Foundation

/// SHA-256 (FIPS 180-4) through OpenSSL's libcrypto, which picks the CPU's SHA extensions
/// (or AVX2) at run time: a 1 MB photo hashes in well under a millisecond. Used for the
/// input's content address, not for secrets.
///
/// A value type: a copy carries on from the state it was copied at.
public struct SHA256Digest: Sendable {
    private var context: DigestContext

    /// A fresh digest.
    public init() {
        context = DigestContext()
    }

    /// The lowercase hex SHA-256 of `data`, in one call.
    public static func hex(of data: Data) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = data.withUnsafeBytes { bytes in
            EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, DigestContext.algorithm, nil)
        }
        precondition(status == 1 && length == 32, "libcrypto failed to compute SHA-256")
        return hex(digest.prefix(32))
    }

    /// Feeds more bytes.
    public mutating func update(_ data: Data) {
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
        data.withUnsafeBytes { bytes in context.update(bytes) }
    }

    /// Returns the 32-byte digest of everything fed so far and starts again from empty.
    public mutating func finalize() -> [UInt8] {
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
        return context.finalize()
    }

    /// As `finalize`, as 64 lowercase hex digits.
    public mutating func finalizeHex() -> String {
        Self.hex(finalize())
    }

    private static func hex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// One libcrypto digest context, owned; `SHA256Digest` copies it before changing a shared one.
///
/// `@unchecked Sendable`: the context is only mutated through a uniquely referenced box (the
/// digest copies first otherwise), so no two threads ever touch one context.
private final class DigestContext: @unchecked Sendable {
    /// SHA-256, fetched from the default provider once (`EVP_sha256()` makes libcrypto look
    /// it up on every call). libcrypto's algorithm objects are safe to share between threads.
    nonisolated(unsafe) static let algorithm: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()

    private let pointer: OpaquePointer

    init() {
        guard let made = EVP_MD_CTX_new() else { fatalError("libcrypto could not allocate a digest context") }
        pointer = made
        start()
    }

    private init(copying other: DigestContext) {
        guard let made = EVP_MD_CTX_new(), EVP_MD_CTX_copy_ex(made, other.pointer) == 1 else {
            fatalError("libcrypto could not copy a digest context")
        }
        pointer = made
    }

    deinit {
        EVP_MD_CTX_free(pointer)
    }

    func copy() -> DigestContext {
        DigestContext(copying: self)
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        precondition(EVP_DigestUpdate(pointer, bytes.baseAddress, bytes.count) == 1, "libcrypto failed to update SHA-256")
    }

    func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(pointer, &digest, &length) == 1 && length == 32, "libcrypto failed to finish SHA-256")
        start()
        return Array(digest.prefix(32))
    }

    private func start() {
        precondition(EVP_DigestInit_ex(pointer, Self.algorithm, nil) == 1, "libcrypto failed to start SHA-256")
    }
}
