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

    /// Records the hooks' calls.
    final class Recorder: Sendable {
        let processing = Mutex<[(Int64, MediaKind)]>([])
        let deletions = Mutex<[Int64]>([])
        let fanOuts = Mutex<[Int64]>([])
    }

    static func make(
        migrate: Bool = true, _ configure: (inout HTTPConfiguration) -> Void = { _ in }
    ) async throws -> HTTPFixture {
        let logger = Logger(label: "http-test")
        let pool = try await TestCluster.shared().makePool(size: 4)
        if migrate { _ = try await Migrator(logger: logger).migrate(pool) }
        let root = NSTemporaryDirectory() + "mdhttp-" + UUID().uuidString.lowercased()
        let store = try ObjectStore(root: root + "/store")
        try FileManager.default.createDirectory(atPath: root + "/spool", withIntermediateDirectories: true)
        // The daemon's sniffer (MediaDaemon's `MediaSniffer.formats`): the media format table.
        let sniffer = MediaSniffer(length: MediaFormat.sniffLength) { head in
            MediaFormat.sniff(head).map { $0.isVideo ? .video : .photo }
        }
        var configuration = HTTPConfiguration(
            mediaSniffer: sniffer, uploadDirectory: root + "/spool", social: SocialConfiguration(celebrityFollowerThreshold: 2, bcryptCost: 4))
        configuration.port = 0  // a free port: every suite talks to a real server over a socket
        configure(&configuration)
        let recorder = Recorder()
        let hooks = PostHooks(
            enqueueProcessing: { id, original in recorder.processing.withLock { $0.append((id, original.kind)) } },
            enqueueDeletion: { id in recorder.deletions.withLock { $0.append(id) } },
            enqueueFanOut: { id in recorder.fanOuts.withLock { $0.append(id) } })
        let api = try HTTPAPI(configuration: configuration, pool: pool, store: store, hooks: hooks, logger: logger)
        return HTTPFixture(api: api, pool: pool, store: store, enqueued: recorder)
    }

    /// Runs `body` against the application served on a free local port, over a real socket.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await api.makeApplication().test(.live) { client in try await body(client) }
    }

    /// A post created through the service (no upload), its media marked ready with a manifest.
    func readyPost(userID: Int64, caption: String = "", ready: Bool = true) async throws -> Int64 {
        let sha = SHA256.hex(Array(UUID().uuidString.utf8))
        let post = try await api.posts.create(
            userID: userID,
            original: StoredOriginal(sha256: sha, kind: .photo, key: "originals/\(sha.prefix(2))/\(sha)", bytes: 10, originalName: nil),
            caption: caption, idempotencyKey: nil)
        let postID = try #require(Int64(post.postID))
        if ready {
            try await pool.query(
                """
                UPDATE media SET status = 'ready', manifest = $2
                WHERE id = (SELECT media_id FROM posts WHERE id = $1)
                """, [postID, PostgresJSON(text: Self.manifest)])
        }
        return postID
    }

    static let manifest = """
        {"kind": "photo", "renditions": [
          {"name": "150", "format": "jpeg", "width": 150, "height": 150, "bytes": 10, "path": "150.jpg"},
          {"name": "640", "format": "webp", "width": 640, "height": 480, "bytes": 20, "path": "640.webp"}]}
        """
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
