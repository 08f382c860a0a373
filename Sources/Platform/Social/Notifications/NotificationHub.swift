public import Logging
import Synchronization

/// This daemon's end of live notifications: one LISTEN connection for the whole daemon, the
/// streams open here by user, and the notification folder's loop.
///
/// A NOTIFY on `notifications` (sent by whichever daemon folded or marked read, at commit)
/// wakes the recipient's streams here, which then read their changes from the database. The
/// folder is woken by `foldSoon()` after this daemon's own social writes, by a NOTIFY on
/// `notification_events` (media completions), and by its poll. Nothing that matters lives only here:
/// streams resume from change numbers stored in PostgreSQL, and a NOTIFY lost while the
/// listener reconnects is made up for by waking every stream and the folder once, by the
/// folder's poll and by each stream's re-read on its heartbeat.
public final class NotificationHub: Sendable {
    /// Why a stream wakes.
    enum Signal: Sendable {
        case changed
        case heartbeat
    }

    /// An open stream's place: its signals, and the key to give the place back.
    struct Subscription: Sendable {
        let userID: Int64
        let id: UInt64
        let signals: AsyncStream<Signal>
    }

    private struct State {
        var streams: [Int64: [UInt64: AsyncStream<Signal>.Continuation]] = [:]
        var count = 0
        var nextID: UInt64 = 0
        var closed = false
    }

    let configuration: NotificationConfiguration
    let folder: NotificationFolder
    private let pool: DatabasePool
    private let logger: Logger
    private let state = Mutex(State())
    private let folderWake: AsyncStream<Void>.Continuation
    private let folderSignals: AsyncStream<Void>
    private let listening = Atomic<Bool>(false)

    /// A hub listening through a connection to `pool`'s server.
    public init(pool: DatabasePool, configuration: NotificationConfiguration, logger: Logger) {
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
        folder = NotificationFolder(pool: pool, configuration: configuration, logger: logger)
        (folderSignals, folderWake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Streams open now on this daemon.
    var openStreams: Int { state.withLock { $0.count } }

    /// True once the LISTEN connection is up (tests wait for it before writing).
    public var isListening: Bool { listening.load(ordering: .acquiring) }

    /// Asks this daemon's folder to run now: called after a write that recorded notification
    /// events has committed (likes, comments, follows and mentions send no NOTIFY, see
    /// `InsertNotificationEvent`). Other daemons' folders find the events by polling.
    public func foldSoon() {
        folderWake.yield()
    }

    /// Takes a stream place for `userID`: 429 `too_many_streams` past the per-user or the
    /// daemon's stream cap, 503-like 429 once the hub has stopped.
    func subscribe(userID: Int64) throws(SocialError) -> Subscription {
        let (signals, continuation) = AsyncStream.makeStream(of: Signal.self, bufferingPolicy: .bufferingNewest(1))
        let limits = (configuration.streamsPerUser, configuration.maximumStreams)
        let id: UInt64? = state.withLock { state in
            guard !state.closed, state.count < limits.1, state.streams[userID, default: [:]].count < limits.0 else { return nil }
            state.nextID += 1
            state.count += 1
            state.streams[userID, default: [:]][state.nextID] = continuation
            return state.nextID
        }
        guard let id else {
            throw SocialError(
                .rateLimited(retryAfterSeconds: 5), "too_many_streams", "too many notification streams are open")
        }
        return Subscription(userID: userID, id: id, signals: signals)
    }

    /// Gives a stream's place back and ends its signals.
    func unsubscribe(_ subscription: Subscription) {
        let continuation: AsyncStream<Signal>.Continuation? = state.withLock { state in
            guard let removed = state.streams[subscription.userID]?.removeValue(forKey: subscription.id) else { return nil }
            if state.streams[subscription.userID]?.isEmpty == true { state.streams[subscription.userID] = nil }
            state.count -= 1
            return removed
        }
        continuation?.finish()
    }

    /// Listens, folds and beats until the task is cancelled; then ends every open stream (so
    /// the HTTP server's graceful shutdown is not held up by them).
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen() }
            group.addTask { await self.tick(every: self.configuration.heartbeatInterval) { self.signalAll(.heartbeat) } }
            group.addTask { await self.tick(every: self.configuration.pollInterval) { self.folderWake.yield() } }
            group.addTask { await self.foldLoop() }
            await group.next()
            group.cancelAll()
        }
        let open = state.withLock { state in
            state.closed = true
            defer { state.streams = [:] }
            return state.streams.values.flatMap(\.values)
        }
        for continuation in open { continuation.finish() }
        folderWake.finish()
    }

    private func listen() async {
        while !Task.isCancelled {
            do {
                let listener = try await DatabaseListener(
                    configuration: pool.configuration, channels: ["notifications", "notification_events"], logger: logger)
                listening.store(true, ordering: .releasing)
                // A wake for everyone: anything sent before the LISTEN was missed.
                signalAll(.changed)
                folderWake.yield()
                do {
                    try await listener.dispatch { [self] notification in
                        if notification.channel == "notification_events" {
                            folderWake.yield()
                        } else if let userID = Int64(notification.payload) {
                            signal(userID: userID)
                        }
                    } afterInterruption: { [self] in
                        signalAll(.changed)
                        folderWake.yield()
                    }
                } catch {
                    if !Task.isCancelled { logger.warning("notification listener stopped", metadata: ["error": "\(error)"]) }
                }
                await listener.close()
            } catch {
                if Task.isCancelled { return }
                logger.warning("notification listener cannot connect; retrying", metadata: ["error": "\(error)"])
            }
            listening.store(false, ordering: .releasing)
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
        }
    }

    private func foldLoop() async {
        for await _ in folderSignals {
            if Task.isCancelled { return }
            do {
                try await folder.runOnce()
            } catch {
                if Task.isCancelled { return }
                logger.warning("notification fold failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func tick(every interval: Duration, _ action: @escaping @Sendable () -> Void) async {
        while true {
            do { try await Task.sleep(for: interval) } catch { return }
            action()
        }
    }

    private func signal(userID: Int64) {
        let targets = state.withLock { $0.streams[userID].map { Array($0.values) } ?? [] }
        for continuation in targets { continuation.yield(.changed) }
    }

    private func signalAll(_ signal: Signal) {
        let targets = state.withLock { $0.streams.values.flatMap(\.values) }
        for continuation in targets { continuation.yield(signal) }
    }
}
