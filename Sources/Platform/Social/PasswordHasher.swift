import Foundation
import HummingbirdBcrypt

/// bcrypt through hummingbird-auth, run on a dispatch queue: a hash takes tens to hundreds of
/// milliseconds of CPU and must not hold a thread of the cooperative pool.
struct PasswordHasher: Sendable {
    let cost: UInt8

    /// A bcrypt hash that `verify` accepts; passwords are at most 72 bytes (bcrypt's limit).
    func hash(_ password: String) async -> String {
        let cost = cost
        return await Self.offload { Bcrypt.hash(password, cost: cost) }
    }

    /// A well-formed bcrypt hash at this cost with a random salt and digest: `verify` against
    /// it does a full bcrypt and never matches. Built, not computed, so it costs nothing.
    func unmatchableHash() -> String {
        let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let saltAndDigest = String((0..<53).map { _ in alphabet.randomElement()! })
        return "$2b$" + (cost < 10 ? "0" : "") + "\(cost)$" + saltAndDigest
    }

    func verify(_ password: String, hash: String) async -> Bool {
        await Self.offload { Bcrypt.verify(password, hash: hash) }
    }

    private static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
