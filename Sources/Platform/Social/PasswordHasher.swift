import Foundation
import HummingbirdBcrypt

/// bcrypt through hummingbird-auth, run on its own `BcryptPool`: a hash takes tens to hundreds
/// of milliseconds of CPU and must not hold a thread of the cooperative pool or the store's.
struct PasswordHasher: Sendable {
    let cost: UInt8
    let pool: BcryptPool

    /// A bcrypt hash that `verify` accepts; passwords are at most 72 bytes (bcrypt's limit).
    /// Throws 429 `busy` when the pool's queue is full.
    func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await pool.run { Bcrypt.hash(password, cost: cost) }
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
        try await pool.run { Bcrypt.verify(password, hash: hash) }
    }
}
