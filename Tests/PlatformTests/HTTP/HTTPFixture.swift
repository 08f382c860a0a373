import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import Thumbnail

@testable import Platform

/// A migrated database, a temporary object store and an `HTTPAPI` for one test, with
/// test-sized settings (bcrypt cost 4, celebrity threshold 2, small upload limits on demand).
struct HTTPFixture {
    let api: HTTPAPI
    let pool: DatabasePool
    let store: ObjectStore
    let enqueued: Recorder
    /// Whether the database has the schema: migrated here, or shared with a fixture's.
    let hasSchema: Bool

    /// Records the hooks' calls, which then enqueue the daemon's jobs (`PostHooks.jobQueue`)
    /// in the caller's transaction, or fail while `failing` is set.
    final class Recorder: Sendable {
        let processing = Mutex<[(Int64, MediaKind)]>([])
        let deletions = Mutex<[Int64]>([])
        let fanOuts = Mutex<[Int64]>([])
        let failing = Mutex(false)

        struct EnqueueFailed: Error {}

        func check() throws {
            if failing.withLock({ $0 }) { throw EnqueueFailed() }
        }
    }

    /// `sharing` another fixture: a second daemon on the same database.
    static func make(
        migrate: Bool = true, sharing other: HTTPFixture? = nil, store given: ObjectStore? = nil,
        _ configure: (inout HTTPConfiguration) -> Void = { _ in }
    ) async throws -> HTTPFixture {
        let logger = Logger(label: "http-test")
        let pool =
            if let other {
                try DatabasePool(url: other.pool.configuration.url, size: 4, logger: logger)
            } else {
                try await TestCluster.shared().makePool(size: 4, migrated: migrate)
            }
        // A copy of the migrated template has nothing to apply; a shared database may.
        if migrate { _ = try await Migrator(logger: logger).migrate(pool) }
        let root = NSTemporaryDirectory() + "mdhttp-" + UUID().uuidString.lowercased()
        let store = try given ?? ObjectStore(root: root + "/store")
        try FileManager.default.createDirectory(atPath: root + "/spool", withIntermediateDirectories: true)
        // The daemon's sniffer (MediaDaemon's `MediaSniffer.formats`): the media format table.
        let sniffer = MediaSniffer(length: MediaFormat.sniffLength) { head in
            MediaFormat.sniff(head).map { $0.isVideo ? .video : .photo }
        }
        var configuration = HTTPConfiguration(
            mediaSniffer: sniffer, maximumPhotoBytes: 20_000_000, maximumVideoBytes: 100 * 1024 * 1024,
            uploadDirectory: root + "/spool", social: SocialConfiguration(celebrityFollowerThreshold: 2, bcryptCost: 4))
        configuration.port = 0  // a free port: every suite talks to a real server over a socket
        // Every test client registers and logs in from 127.0.0.1; tests of these limits lower them.
        configuration.registerLimit = RateLimit(burst: 10_000, perMinute: 10_000)
        configuration.loginLimit = RateLimit(burst: 10_000, perMinute: 10_000)
        configuration.followLimit = RateLimit(burst: 10_000, perMinute: 10_000)
        configure(&configuration)
        let recorder = Recorder()
        let queue = PostHooks.jobQueue
        let hooks = PostHooks(
            enqueueProcessing: { id, original, connection in
                try recorder.check()
                try queue.enqueueProcessing(id, original, connection)
                recorder.processing.withLock { $0.append((id, original.kind)) }
            },
            enqueueDeletion: { id, connection in
                try recorder.check()
                try queue.enqueueDeletion(id, connection)
                recorder.deletions.withLock { $0.append(id) }
            },
            enqueueFanOut: { id, connection in
                try recorder.check()
                try queue.enqueueFanOut(id, connection)
                recorder.fanOuts.withLock { $0.append(id) }
            })
        let api = try HTTPAPI(configuration: configuration, pool: pool, store: store, hooks: hooks, logger: logger)
        return HTTPFixture(api: api, pool: pool, store: store, enqueued: recorder, hasSchema: migrate || other != nil)
    }

    /// Runs `body` against the application served on a free local port, over a real socket.
    /// The notification hub (listener, folder, heartbeats) runs beside it, listening before
    /// `body` starts, as `serve` runs it; not on a database without the schema (media-only
    /// tests), where its folder would only log failures.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let hub = api.hub
        let running = Task { if hasSchema { await hub.run() } }
        defer { running.cancel() }
        if hasSchema { try await awaitCondition("the notification hub listens") { hub.isListening } }
        // The hub stops before the server: it ends open streams, which a graceful shutdown awaits.
        try await LiveServer.run(api) { client in
            defer { running.cancel() }
            try await body(client)
        }
    }

    /// A post created through the service (no upload), its media marked ready the way a photo
    /// job does: `fixtures/expected/orient-6.jpg.json`, a manifest the photo pipeline wrote,
    /// published for the media by `PublishedManifest` and recorded by `MediaCompletion.markReady`.
    func readyPost(userID: Int64, caption: String = "", ready: Bool = true) async throws -> Int64 {
        let sha = SHA256.hex(Array(UUID().uuidString.utf8))
        let post = try await api.posts.create(
            userID: userID,
            original: StoredOriginal(sha256: sha, kind: .photo, key: "originals/\(sha.prefix(2))/\(sha)", bytes: 10, originalName: nil),
            caption: caption, idempotencyKey: nil)
        let postID = try #require(Int64(post.postID))
        if ready {
            let mediaID = try await pool.query("SELECT media_id FROM posts WHERE id = $1", [postID])[0]["media_id", as: Int64.self]
            let golden = try Self.goldenManifest()
            let manifest = PublishedManifest(
                golden, mediaID: mediaID, presetName: golden.preset.name, presetVersion: golden.preset.version)
            let outcome = MediaCompletion.Outcome(
                mediaID: mediaID, manifestJSON: try manifest.json(), inputJSON: "{}", presetName: golden.preset.name,
                presetVersion: golden.preset.version, pdq: nil, pdqQuality: nil, pdqVariants: [], phash: nil, frames: [])
            let completion = MediaCompletion()
            let recorded = try await pool.transaction { connection in try completion.markReady(outcome, on: connection) }
            #expect(recorded)
        }
        return postID
    }

    /// The photo pipeline's manifest of `fixtures/inputs/orient-6.jpg`, as the golden fixtures
    /// keep it (the fields the API shows).
    static func goldenManifest() throws -> GoldenPhotoManifest {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("fixtures/expected/orient-6.jpg.json"))
        return try JSONDecoder().decode(GoldenPhotoManifest.self, from: data)
    }
}

/// The fields of a photo manifest the API shows, decoded from a golden fixture.
struct GoldenPhotoManifest: Codable, Sendable {
    struct Preset: Codable, Sendable {
        var name: String
        var version: Int
    }
    struct Rendition: Codable, Sendable {
        var name: String
        var format: String
        var width: Int
        var height: Int
        var bytes: Int
        var path: String
    }
    var kind: String
    var preset: Preset
    var renditions: [Rendition]
}

/// A registered, logged-in user.
struct TestUser {
    let id: Int64
    let token: String
    var auth: HTTPFields { [.authorization: "Bearer \(token)"] }
}

extension TestClientProtocol {
    /// Sends a request with an optional JSON body text.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await executeRequest(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Registers `name` (password `password123`) and logs in.
    func user(_ name: String) async throws -> TestUser {
        let created = try await send(.post, "/api/v1/users", json: #"{"username": "\#(name)", "password": "password123"}"#)
        #expect(created.status == .created)
        let session = try await send(.post, "/api/v1/sessions", json: #"{"username": "\#(name)", "password": "password123"}"#)
        #expect(session.status == .created)
        let object = try session.object()
        return TestUser(id: try #require(Int64(object["user_id"] as? String ?? "")), token: try #require(object["token"] as? String))
    }
}

extension TestResponse {
    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
    }

    var text: String { String(decoding: body.readableBytesView, as: UTF8.self) }

    /// Checks the API error shape and returns its code.
    func errorCode() throws -> String {
        let error = try #require(try object()["error"] as? [String: Any])
        #expect(error["message"] is String)
        return try #require(error["code"] as? String)
    }
}
