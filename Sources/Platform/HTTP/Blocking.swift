import Foundation

/// Runs blocking file-system work (the object store's synchronous calls) on a dispatch queue,
/// off the cooperative pool's few threads.
enum Blocking {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
