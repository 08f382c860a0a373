import ArgumentParser
import Foundation
import Synchronization

/// `mediadaemon bench notify`: end-to-end latency of live notifications through a running
/// `serve`: streams open for the authors of posts 1…S, then likes of those posts (on a fixed
/// schedule of `rate` a second, so a burst's queue is not what is measured), each timed
/// from its request (and from its 201, which follows the commit) to the stream event that
/// shows it. A stream event with `actor_count` n shows the recipient's first n likes (they are
/// sent one after another per recipient). Prints one JSON line. Data from `scripts/bench notify`.
struct BenchNotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "Like-to-stream latency p50/p99 through serve (needs seeded data).")

    @Option(help: "Port of the running serve on 127.0.0.1.")
    var port: Int

    @Option(help: "Streams: the authors of posts 1…N, users --first-author…")
    var streams = 100

    @Option(help: "User id of the author of post 1 (post p is by first-author + p - 1).")
    var firstAuthor: Int

    @Option(help: "Likes, by users 1…N, of posts 1…streams in turn.")
    var likes = 1000

    @Option(help: "Connections sending likes.")
    var connections = 8

    @Option(help: "Likes per second, all connections together, on a fixed schedule (0: as fast as they go).")
    var rate = 200

    private struct Report: Encodable {
        var rate: Int
        var streams: Int
        var likes: Int
        var delivered: Int
        var from_request: LatencySummary
        var from_ack: LatencySummary
    }

    /// Per recipient: when each of its likes was sent and acknowledged, and when shown.
    private final class Timeline: Sendable {
        let sent: Mutex<[ContinuousClock.Instant?]>
        let acked: Mutex<[ContinuousClock.Instant?]>
        let shown: Mutex<[ContinuousClock.Instant?]>

        init(_ count: Int) {
            sent = Mutex(Array(repeating: nil, count: count))
            acked = Mutex(Array(repeating: nil, count: count))
            shown = Mutex(Array(repeating: nil, count: count))
        }
    }

    func validate() throws {
        guard streams >= 1, likes >= streams, connections >= 1, connections <= streams, rate >= 0 else {
            throw ValidationError("likes ≥ streams ≥ connections ≥ 1, rate ≥ 0")
        }
    }

    func run() async throws {
        let (port, streams, likes, connections, firstAuthor, rate) = (port, streams, likes, connections, firstAuthor, rate)
        let perRecipient = (0..<streams).map { r in (likes - r + streams - 1) / streams }
        let timelines = perRecipient.map(Timeline.init)
        let tally = BenchTally()
        let clock = ContinuousClock()
        let listeners = Task.detached {
            await onThreads(streams) { r in
                guard let stream = try? BenchHTTPConnection(port: port) else { return }
                let post = String(r + 1)
                stream.stream(token: benchToken(firstAuthor + r), connected: { tally.connected.add(1, ordering: .releasing) }) {
                    data in
                    guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any],
                        object["kind"] as? String == "like", object["post_id"] as? String == post
                    else { return true }
                    let count = min(object["actor_count"] as? Int ?? 0, perRecipient[r])
                    let now = clock.now
                    timelines[r].shown.withLock { shown in
                        for index in 0..<count where shown[index] == nil { shown[index] = now }
                    }
                    return count < perRecipient[r]
                }
            }
        }
        while tally.connected.load(ordering: .acquiring) < streams { try await Task.sleep(for: .milliseconds(10)) }
        let start = clock.now
        await onThreads(connections) { lane in
            guard let connection = try? BenchHTTPConnection(port: port) else { return }
            // Like k is by user k + 1 of post (k mod streams) + 1; a recipient's likes go in order.
            for k in 0..<likes where (k % streams) % connections == lane {
                let (r, index) = (k % streams, k / streams)
                // Like k is due at k / rate seconds: latency, not a queue built by a burst.
                if rate > 0 {
                    let due = start + .microseconds(Int64(k) * 1_000_000 / Int64(rate))
                    let wait = clock.now.duration(to: due)
                    if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.attoseconds) / 1e18 + Double(wait.components.seconds)) }
                }
                timelines[r].sent.withLock { $0[index] = clock.now }
                let status = connection.request("POST", "/api/v1/posts/\(r + 1)/likes", token: benchToken(k + 1))
                timelines[r].acked.withLock { $0[index] = clock.now }
                if status != 201 { tally.errors.add(1, ordering: .relaxed) }
            }
        }
        let deadline = clock.now + .seconds(60)
        func delivered() -> Int { timelines.reduce(0) { $0 + $1.shown.withLock { $0.compactMap { $0 }.count } } }
        while delivered() < likes, clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        listeners.cancel()
        var fromRequest: [Duration] = []
        var fromAck: [Duration] = []
        for timeline in timelines {
            let (sent, acked, shown) = (timeline.sent.withLock { $0 }, timeline.acked.withLock { $0 }, timeline.shown.withLock { $0 })
            for index in shown.indices {
                guard let shownAt = shown[index], let sentAt = sent[index], let ackedAt = acked[index] else { continue }
                fromRequest.append(shownAt - sentAt)
                fromAck.append(max(.zero, shownAt - ackedAt))
            }
        }
        let report = Report(
            rate: rate, streams: streams, likes: likes, delivered: fromRequest.count, from_request: LatencySummary(fromRequest),
            from_ack: LatencySummary(fromAck))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}
