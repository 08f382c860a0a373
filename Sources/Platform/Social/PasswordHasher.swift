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

    /// `hash` on the calling thread, for one-off set-up (not per request).
    func hashNow(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
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
