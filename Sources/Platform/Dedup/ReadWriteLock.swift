import Glibc

/// A `pthread_rwlock_t`: many concurrent readers or one writer.
///
/// `Synchronization.Mutex` would serialise queries; the index wants queries (milliseconds
/// each) to run in parallel and appends to take the lock only briefly. glibc's default rwlock
/// prefers readers, so a long reader never starves behind a waiting writer.
final class ReadWriteLock: @unchecked Sendable {
    // @unchecked: the pthread lock lives at a stable heap address and is itself the
    // synchronisation primitive; it is only touched through pthread calls.
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        precondition(pthread_rwlock_init(lock, nil) == 0, "pthread_rwlock_init failed")
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func withReadLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    func withWriteLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
