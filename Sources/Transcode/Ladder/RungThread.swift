import Dispatch
import Foundation
import Synchronization

/// One rung's writer on a thread of its own, fed through a short queue.
///
/// The rungs form a chain, largest first: the decode thread hands each decoded frame and each
/// encoded audio packet to the largest rung; every rung scales, rotates, encodes and muxes what
/// it gets, and hands the item on to the next smaller rung together with its own picture of
/// the frame (which that rung scales from) as soon as that picture exists. So scaling,
/// libx264's per-frame work on the calling thread (copying the picture in, its half-size copy,
/// adaptive-quantisation statistics) and muxing run for all rungs at once instead of one after
/// another on the decode thread, and each rung's files receive packets in the same order as
/// from a single thread.
///
/// Pictures are reference-counted `AVFrame`s: a rung reads a picture a larger rung made while
/// that rung already scales the next frame into another buffer (see ``RungWriter``).
///
/// `@unchecked Sendable` because the thread it starts must hold it. Its mutable state (the
/// queue) is only touched under `condition`'s lock; the writer only by its own thread, from
/// the start of the thread to ``wait()`` returning (FFmpeg's contexts are not tied to a thread,
/// only unsafe to share, and the lock orders the hand-over); frames and packets in an item are
/// only read once sent, and their buffers are reference-counted atomically.
final class RungThread: @unchecked Sendable {
    /// What travels down the chain, in decode order.
    enum Item {
        /// A decoded frame (`pts` in the source time base) and the pictures of it the larger
        /// rungs made, largest first.
        case video(Frame, made: [Frame])
        /// An encoded audio packet (audio encoder's time base), written into every rung's files.
        case audio(Packet)
    }

    /// The first error of any thread of a chain; once set, every rung drops what it is given.
    final class Failure: Sendable {
        private let error = Mutex<TranscodeError?>(nil)

        /// Keeps `error` unless an earlier one is already kept.
        func record(_ error: TranscodeError) {
            self.error.withLock { if $0 == nil { $0 = error } }
        }

        var isSet: Bool { error.withLock { $0 != nil } }

        /// Throws the kept error, if any.
        func check() throws(TranscodeError) {
            if let error = error.withLock({ $0 }) { throw error }
        }
    }

    /// How many items may wait for a rung: enough to ride out one slow frame, few enough that
    /// the decoded frames held for it stay a few megabytes.
    static let capacity = 4

    private let writer: RungWriter
    private let next: RungThread?
    private let failure: Failure
    private let condition = NSCondition()
    private var waiting: [Item] = []
    private var ended = false
    private let finished = DispatchSemaphore(value: 0)

    /// Starts a thread that feeds `writer` and hands every item on to `next`; at the end of
    /// the input it ends `next` and flushes `writer` (unless the chain failed).
    init(writer: RungWriter, next: RungThread?, failure: Failure) {
        self.writer = writer
        self.next = next
        self.failure = failure
        let thread = Thread { [self] in
            work()
            finished.signal()
        }
        thread.name = "rung-\(writer.settings.height)"
        thread.start()
    }

    /// Queues `item`, waiting while the queue is full. Called by one thread only: the decode
    /// thread for the largest rung, the next larger rung's thread for the others.
    func send(_ item: Item) {
        condition.lock()
        while waiting.count >= Self.capacity { condition.wait() }
        waiting.append(item)
        condition.signal()
        condition.unlock()
    }

    /// Marks the end of the input: the thread works off what is queued, then finishes.
    func end() {
        condition.lock()
        ended = true
        condition.signal()
        condition.unlock()
    }

    /// Waits until this rung and every smaller one have finished their files (or given up).
    func wait() {
        finished.wait()
        next?.wait()
    }

    private func receive() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty && !ended { condition.wait() }
        if waiting.isEmpty { return nil }
        let item = waiting.removeFirst()
        condition.signal()
        return item
    }

    private func work() {
        while let item = receive() {
            // After a failure items are still taken, so no sender waits forever, but dropped.
            if failure.isSet { continue }
            do throws(TranscodeError) {
                switch item {
                case .video(let frame, var made):
                    let source = writer.scalingSource(among: made)
                    let picture = try writer.picture(of: frame, scalingFrom: source)
                    // Handed on before encoding: the smaller rungs scale from the picture while
                    // libx264 reads it here, and do not wait for this rung's encoder. A picture
                    // this rung scaled is new to them; else it is `frame` or `source` itself.
                    if let next {
                        if picture !== frame && picture !== source { made.append(try picture.reference()) }
                        next.send(.video(frame, made: made))
                    }
                    try writer.encode(picture: picture)
                case .audio(let packet):
                    try writer.write(audio: packet)
                    next?.send(item)
                }
            } catch {
                failure.record(error)
            }
        }
        next?.end()
        guard !failure.isSet else { return }
        do throws(TranscodeError) {
            try writer.finish()
        } catch {
            failure.record(error)
        }
    }
}
