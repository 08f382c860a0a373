import Synchronization

/// Captures GLib messages from libvips (warnings such as "premature end of JPEG file") instead
/// of letting them reach stderr. The C callback cannot capture state, so the sink is a global
/// behind a `Mutex`; the most recent messages are kept, bounded. They serve as context for the
/// error a failing call reports (`VipsCall`); nothing else reads or logs them.
enum VipsLog {
    /// One captured message.
    struct Entry: Sendable, Equatable {
        /// Position in the process-wide sequence of messages.
        let sequence: Int
        /// The GLib log level flags.
        let level: Int
        let message: String
    }

    private static let capacity = 256
    private static let sink = Mutex<(next: Int, entries: [Entry])>((0, []))

    /// Called from the C log handler (any thread).
    static func record(level: Int, message: String) {
        sink.withLock { state in
            if state.entries.count >= capacity {
                state.entries.removeFirst(state.entries.count - capacity + 1)
            }
            state.entries.append(Entry(sequence: state.next, level: level, message: message))
            state.next += 1
        }
    }

    /// The sequence number the next message will get: a mark to read messages after.
    static var mark: Int {
        sink.withLock { $0.next }
    }

    /// Messages recorded since `mark`, oldest first. Other threads' messages may be among
    /// them (GLib logging is process-wide): use them as context, not as the verdict.
    static func entries(since mark: Int) -> [Entry] {
        sink.withLock { state in state.entries.filter { $0.sequence >= mark } }
    }
}
