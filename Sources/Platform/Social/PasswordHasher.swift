import Foundation
import HummingbirdBcrypt

/// bcrypt through hummingbird-auth, run on its own `BcryptPool`: a hash takes tens to hundreds
/// of milliseconds of CPU and must not hold a thread of the cooperative pool or the store's.
struct PasswordHasher: Sendable {
    let cost: UInt8
    let pool: BcryptPool

    /// A bcrypt hash that `verify` accepts. Throws 429 `busy` when the pool's queue is full.
    func hash(_ password: String) async throws -> String {
        let (cost, input) = (cost, Self.bcryptInput(password))
        return try await pool.run { Bcrypt.hash(input, cost: cost) }
    }

    /// What bcrypt is given: the password itself when it fits bcrypt's 72 bytes, otherwise
    /// `sha256:` and its SHA-256 in hex (71 bytes), so that every byte of a long password
    /// counts instead of bcrypt silently ignoring those past the 72nd. Passwords of up to 72
    /// bytes hash as they always did.
    static func bcryptInput(_ password: String) -> String {
        password.utf8.count <= 72 ? password : "sha256:" + SHA256.hex(Array(password.utf8))
    }

    /// A well-formed bcrypt hash at this cost with a random salt and digest: `verify` against
    /// it does a full bcrypt and never matches. Built, not computed, so it costs nothing.
    func unmatchableHash() -> String {
        let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let saltAndDigest = String((0..<53).map { _ in alphabet.randomElement()! })
        return "$2b$" + (cost < 10 ? "0" : "") + "\(cost)$" + saltAndDigest
    }

    /// Throws 429 `busy` when the pool's queue is full.
    func verify(_ password: String, hash: String) async throws -> Bool {
        let input = Self.bcryptInput(password)
        return try await pool.run { Bcrypt.verify(input, hash: hash) }
    }
}
