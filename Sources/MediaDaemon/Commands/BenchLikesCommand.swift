import ArgumentParser
import Foundation
import Synchronization

/// `mediadaemon bench likes`: likes through a running `serve` from many connections, on one
/// hot post or spread over many, then a final pass in which every user likes the measured post
/// once while its author's notification stream is open. Prints one JSON line. The data
/// (users with `benchToken` sessions, posts) is seeded by `scripts/bench likes`.
struct BenchLikesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "likes", abstract: "Likes/s and latency through serve: one hot post or many (needs seeded data).")

    @Option(help: "Port of the running serve on 127.0.0.1.")
    var port: Int

    @Option(help: "Users 1…N like (their tokens are seeded).")
    var users = 1000

    @Option(help: "Posts 1…N; `spread` picks one of them at random per like.")
    var posts = 1000

    @Option(help: "hot: every like on post 1; spread: a random post each time.")
    var mode = "hot"

    @Option(help: "Connections sending at once.")
    var connections = 64

    @Option(help: "Seconds of likes and unlikes (each user alternates).")
    var seconds = 10

    @Option(help: "The author of post 1 (its stream receives the final pass's notification).")
    var author: Int

    private struct Report: Encodable {
        var mode: String
        var connections: Int
        var requests_per_s: Double
        var errors: Int
        var latency: LatencySummary
        var final_likes_ok: Int
        var notification_actor_count: Int
        var notification_events: Int
    }

    func validate() throws {
        guard ["hot", "spread"].contains(mode), users >= connections, connections >= 1, posts >= 1, seconds >= 1 else {
            throw ValidationError("--mode hot|spread, users ≥ connections ≥ 1, posts ≥ 1, seconds ≥ 1")
        }
    }

    func run() async throws {
        let (port, users, posts, spread, connections) = (port, users, posts, mode == "spread", connections)
        let tally = BenchTally()
        let clock = ContinuousClock()
        let end = clock.now + .seconds(seconds)
        let started = clock.now
        await onThreads(connections) { lane in
            guard let connection = try? BenchHTTPConnection(port: port) else {
                tally.errors.add(1, ordering: .relaxed)
                return
            }
            var mine: [Duration] = []
            var generator = SystemRandomNumberGenerator()
            let own = Array(stride(from: lane + 1, through: users, by: connections))
            outer: while true {
                for user in own {
                    // Like then unlike, so every pass leaves no like behind.
                    if clock.now >= end { break outer }
                    let post = spread ? Int.random(in: 1...posts, using: &generator) : 1
                    for method in ["POST", "DELETE"] {
                        let start = clock.now
                        let status = connection.request(method, "/api/v1/posts/\(post)/likes", token: benchToken(user))
                        mine.append(clock.now - start)
                        if status != (method == "POST" ? 201 : 204) { tally.errors.add(1, ordering: .relaxed) }
                    }
                }
            }
            tally.samples.withLock { $0 += mine }
        }
        let elapsed = clock.now - started
        let measured = tally.samples.withLock { $0 }

        // Final pass: every user likes post 1 once, with its author's stream open.
        let listener = Task.detached {
            await onThreads(1) { _ in
                guard let stream = try? BenchHTTPConnection(port: port) else { return }
                stream.stream(token: benchToken(author), connected: { tally.connected.store(1, ordering: .releasing) }) { data in
                    guard let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any],
                        object["kind"] as? String == "like", object["post_id"] as? String == "1"
                    else { return true }
                    let count = object["actor_count"] as? Int ?? 0
                    tally.seen.withLock { $0 = (max($0.count, count), $0.events + 1) }
                    return count < users
                }
            }
        }
        while tally.connected.load(ordering: .acquiring) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        await onThreads(connections) { lane in
            guard let connection = try? BenchHTTPConnection(port: port) else { return }
            for user in stride(from: lane + 1, through: users, by: connections)
            where connection.request("POST", "/api/v1/posts/1/likes", token: benchToken(user)) == 201 {
                tally.succeeded.add(1, ordering: .relaxed)
            }
        }
        // The stream ends once it has shown every like (or after a minute, then reported short).
        let deadline = clock.now + .seconds(60)
        while tally.seen.withLock({ $0.count }) < users, clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        listener.cancel()
        let notification = tally.seen.withLock { $0 }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let report = Report(
            mode: mode, connections: connections, requests_per_s: (Double(measured.count) / seconds).rounded(),
            errors: tally.errors.load(ordering: .relaxed), latency: LatencySummary(measured),
            final_likes_ok: tally.succeeded.load(ordering: .relaxed), notification_actor_count: notification.count,
            notification_events: notification.events)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}
