import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import Platform

@Suite("Account deletion")
struct AccountDeletionTests {
    /// Every row of every table in the schema that names the user: by id in a column that holds
    /// user ids (found by name in information_schema, so a table added later is checked too),
    /// or by username in any text or JSON column.
    static func mentions(of userID: Int64, username: String, pool: DatabasePool) async throws -> [String] {
        let columns = try await pool.query(
            """
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema()
              AND table_name IN (SELECT table_name FROM information_schema.tables
                                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE')
            ORDER BY table_name, column_name
            """)
        var found: [String] = []
        var idColumns = 0
        for column in columns {
            let table = try column["table_name", as: String.self]
            let name = try column["column_name", as: String.self]
            let type = try column["data_type", as: String.self]
            let sql: String
            let parameter: any PostgresEncodable
            if ["user_id", "follower_id", "followee_id", "blocker_id", "blocked_id", "muter_id", "muted_id",
                "recipient_id", "actor_id", "author_id"].contains(name) || (table == "users" && name == "id") {
                idColumns += 1
                (sql, parameter) = ("SELECT count(*)::int8 AS n FROM \(table) WHERE \(name)::int8 = $1", userID)
            } else if type == "ARRAY" {
                (sql, parameter) = ("SELECT count(*)::int8 AS n FROM \(table) WHERE $1 = ANY(\(name)::text[])", String(userID))
            } else if ["text", "jsonb", "json"].contains(type) {
                (sql, parameter) = ("SELECT count(*)::int8 AS n FROM \(table) WHERE position($1::text IN \(name)::text) > 0", username)
            } else {
                continue
            }
            let rows = try await pool.query(sql, [parameter])
            if try rows[0]["n", as: Int64.self] > 0 { found.append("\(table).\(name)") }
        }
        #expect(idColumns >= 15)
        return found
    }

    /// Stores an original and a rendition for the media of `postID`, as processing would.
    static func storeFiles(_ fixture: HTTPFixture, postID: Int64) async throws -> [ObjectKey] {
        let row = try await fixture.pool.query(
            "SELECT m.id, m.original_key FROM posts p JOIN media m ON m.id = p.media_id WHERE p.id = $1", [postID])[0]
        let original = try ObjectKey(try row["original_key", as: String.self])
        let rendition = try ObjectKey(ObjectKey.mediaPrefix(mediaID: try row["id", as: Int64.self]) + "photo-v1/150.jpg")
        for key in [original, rendition] { _ = try fixture.store.put(key, data: Data("bytes of \(key)".utf8)) }
        return [original, rendition]
    }

    @Test("after the job no row names the user but its tombstone; counts others see are exact; unshared files are gone, shared ones stay")
    func complete() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let doomed = try await client.user("doomed_user")
            let bob = try await client.user("bob")
            let carol = try await client.user("carol")
            let own = try await fixture.readyPost(userID: doomed.id, caption: "hi @bob #farewell")
            let ownFiles = try await Self.storeFiles(fixture, postID: own)
            // A post of doomed whose bytes a live post of Carol's shares: its files stay.
            let shared = try await fixture.readyPost(userID: doomed.id)
            let sharedFiles = try await Self.storeFiles(fixture, postID: shared)
            let media = try await fixture.pool.query("SELECT m.sha256, m.original_key FROM posts p JOIN media m ON m.id = p.media_id WHERE p.id = $1", [shared])[0]
            let sha = try media["sha256", as: String.self]
            _ = try await fixture.api.posts.create(
                userID: carol.id,
                original: StoredOriginal(sha256: sha, kind: .photo, key: try media["original_key", as: String.self], bytes: 10, originalName: nil),
                caption: "#Farewell too", idempotencyKey: nil)
            let bobPost = try await fixture.readyPost(userID: bob.id)
            for user in [doomed, carol] {
                #expect(try await client.send(.post, "/api/v1/posts/\(bobPost)/likes", token: user.token).status == .created)
                #expect(try await client.send(.post, "/api/v1/posts/\(bobPost)/comments", token: user.token, json: #"{"text": "nice"}"#).status == .created)
            }
            #expect(try await client.send(.post, "/api/v1/posts/\(own)/likes", token: bob.token).status == .created)
            #expect(try await client.send(.post, "/api/v1/users/\(bob.id)/follow", token: doomed.token).status == .ok)
            #expect(try await client.send(.post, "/api/v1/users/\(doomed.id)/follow", token: carol.token).status == .ok)
            #expect(try await client.send(.put, "/api/v1/users/\(carol.id)/mute", token: doomed.token).status == .ok)
            #expect(try await client.send(.put, "/api/v1/users/\(doomed.id)/block", token: bob.token).status == .ok)
            #expect(try await client.send(.get, "/api/v1/feed", token: doomed.token).status == .ok)
            try await awaitCondition("doomed's like is in Bob's notifications") {
                try await !fixture.pool.query("SELECT 1 FROM notification_actors WHERE actor_id = $1", [doomed.id]).isEmpty
            }
            #expect(try await client.send(.delete, "/api/v1/users/me", token: doomed.token, json: #"{"password": "wrong-one"}"#).status == .forbidden)
            // Nobody deletes another account: the route has no id, and Bob's token deletes Bob.
            #expect(try await client.send(.delete, "/api/v1/users/\(doomed.id)", token: bob.token).status == .methodNotAllowed)
            let deleted = try await client.send(.delete, "/api/v1/users/me", token: doomed.token, json: #"{"password": "password123"}"#)
            #expect(deleted.status == .accepted)
            // At once: no session, no log-in, no profile, no new account under the name.
            #expect(try await client.send(.get, "/api/v1/feed", token: doomed.token).status == .unauthorized)
            #expect(try await client.send(.post, "/api/v1/sessions", json: #"{"username": "doomed_user", "password": "password123"}"#).status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/users/\(doomed.id)").status == .notFound)
            let again = try await client.send(.post, "/api/v1/users", json: #"{"username": "doomed_user", "password": "password123"}"#)
            #expect(again.status == .conflict)
            let jobs = try await fixture.pool.query("SELECT payload FROM jobs WHERE kind = 'user.delete'")
            #expect(jobs.count == 1)

            let heard = ProgressLog()
            #expect(try await fixture.api.accountDeletion.run(userID: doomed.id, progress: { heard.append($1) }))
            #expect(heard.stages == AccountDeletion.Step.allCases.map(\.rawValue) + ["done"])
            _ = try await LikeDeltaFolder(pool: fixture.pool, logger: Logger(label: "test")).runOnce()

            let left = try await Self.mentions(of: doomed.id, username: "doomed_user", pool: fixture.pool)
            #expect(left == ["username_tombstones.username"])
            let bobRow = try await fixture.pool.query("SELECT follower_count, following_count FROM users WHERE id = $1", [bob.id])[0]
            #expect(try bobRow["follower_count", as: Int64.self] == 0)
            let carolRow = try await fixture.pool.query("SELECT following_count FROM users WHERE id = $1", [carol.id])[0]
            #expect(try carolRow["following_count", as: Int64.self] == 0)
            let post = try await client.send(.get, "/api/v1/posts/\(bobPost)").object()
            #expect(post["like_count"] as? Int == 1)
            #expect(post["comment_count"] as? Int == 1)
            // The tag both posted under counts Carol's post alone.
            let tag = try await fixture.pool.query("SELECT post_count FROM tags WHERE name = 'farewell'")
            #expect(try tag.first?["post_count", as: Int64.self] == 1)
            for key in ownFiles { #expect(!(try fixture.store.exists(key))) }
            for key in sharedFiles { #expect(try fixture.store.exists(key)) }
            // Running it again finds nothing to do.
            #expect(try await !fixture.api.accountDeletion.run(userID: doomed.id))
        }
    }

    @Test("a run stopped after some steps is finished by the next run")
    func resumes() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let doomed = try await client.user("doomed_user")
            let bob = try await client.user("bob")
            var bobPosts: [Int64] = []
            for _ in 0..<5 { bobPosts.append(try await fixture.readyPost(userID: bob.id)) }
            for post in bobPosts {
                #expect(try await client.send(.post, "/api/v1/posts/\(post)/likes", token: doomed.token).status == .created)
            }
            let own = try await fixture.readyPost(userID: doomed.id)
            let files = try await Self.storeFiles(fixture, postID: own)
            #expect(try await client.send(.post, "/api/v1/users/\(bob.id)/follow", token: doomed.token).status == .ok)
            #expect(try await client.send(.delete, "/api/v1/users/me", token: doomed.token, json: #"{"password": "password123"}"#).status == .accepted)
            // A small batch, and a run that stops partway through the likes (as a crash would).
            let deletion = AccountDeletion(pool: fixture.pool, store: fixture.store, batch: 2, enqueueMediaDeletion: { _, _ in })
            let calls = ProgressLog()
            await #expect(throws: CancellationError.self) {
                // Checked before the step and after each batch: stops after the first batch of likes.
                try await deletion.run(
                    userID: doomed.id, progress: { calls.append($1) },
                    isCancelled: {
                        guard calls.stages.contains("likes") else { return false }
                        calls.append("check")
                        return calls.stages.filter { $0 == "check" }.count > 1
                    })
            }
            let likesLeft = try await fixture.pool.query("SELECT count(*)::int8 AS n FROM likes WHERE user_id = $1", [doomed.id])[0]["n", as: Int64.self]
            #expect(likesLeft == 3)
            #expect(try await !fixture.pool.query("SELECT 1 FROM users WHERE id = $1", [doomed.id]).isEmpty)
            #expect(try await deletion.run(userID: doomed.id))
            _ = try await LikeDeltaFolder(pool: fixture.pool, logger: Logger(label: "test")).runOnce()
            for post in bobPosts {
                #expect(try await client.send(.get, "/api/v1/posts/\(post)").object()["like_count"] as? Int == 0)
            }
            #expect(try await client.send(.get, "/api/v1/users/\(bob.id)").object()["follower_count"] as? Int == 0)
            #expect(try await Self.mentions(of: doomed.id, username: "doomed_user", pool: fixture.pool) == ["username_tombstones.username"])
            for key in files { #expect(!(try fixture.store.exists(key))) }
        }
    }

    @Test("a tombstone holds the username for the grace period; the sweep then deletes it and the name is free")
    func tombstone() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let doomed = try await client.user("doomed_user")
            #expect(try await client.send(.delete, "/api/v1/users/me", token: doomed.token, json: #"{"password": "password123"}"#).status == .accepted)
            #expect(try await fixture.api.accountDeletion.run(userID: doomed.id))
            let taken = try await client.send(.post, "/api/v1/users", json: #"{"username": "doomed_user", "password": "password123"}"#)
            #expect(taken.status == .conflict)
            // The sweep keeps it until the grace period (30 days by default) ends, then it goes.
            let sweeper = try SessionSweeper(pool: fixture.pool, social: SocialConfiguration(), logger: Logger(label: "test"))
            #expect(try await sweeper.runOnce(now: Date().addingTimeInterval(29 * 86_400)).tombstones == 0)
            #expect(try await sweeper.runOnce(now: Date().addingTimeInterval(31 * 86_400)).tombstones == 1)
            #expect(try await fixture.pool.query("SELECT 1 FROM username_tombstones").isEmpty)
            let free = try await client.send(.post, "/api/v1/users", json: #"{"username": "doomed_user", "password": "password123"}"#)
            #expect(free.status == .created)
        }
    }

    @Test("reports about a deleted account and its posts stay as moderation records for the retention, then the sweep deletes them; others' stay")
    func moderationRetention() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let doomed = try await client.user("doomed_user")
            let other = try await client.user("other")
            let reporter = try await client.user("reporter")
            let doomedPost = try await fixture.readyPost(userID: doomed.id)
            let otherPost = try await fixture.readyPost(userID: other.id)
            for (path, reason) in [
                ("/api/v1/posts/\(doomedPost)/reports", "spam"), ("/api/v1/users/\(doomed.id)/reports", "harassment"),
                ("/api/v1/posts/\(otherPost)/reports", "spam"),
            ] {
                let sent = try await client.send(.post, path, token: reporter.token, json: #"{"reason": "\#(reason)"}"#)
                #expect(sent.status == .noContent)
            }
            #expect(try await client.send(.delete, "/api/v1/users/me", token: doomed.token, json: #"{"password": "password123"}"#).status == .accepted)
            #expect(try await fixture.api.accountDeletion.run(userID: doomed.id))
            func reported() async throws -> [String] {
                try await fixture.pool.query("SELECT target_kind || ' ' || target_id AS target FROM reports ORDER BY id")
                    .map { try $0["target", as: String.self] }
            }
            let all = ["post \(doomedPost)", "user \(doomed.id)", "post \(otherPost)"]
            #expect(try await reported() == all)

            var social = SocialConfiguration()
            social.moderationRetention = .seconds(90 * 86_400)
            let sweeper = try SessionSweeper(pool: fixture.pool, social: social, logger: Logger(label: "test"))
            #expect(try await sweeper.runOnce(now: Date().addingTimeInterval(89 * 86_400)).moderationRecords == 0)
            #expect(try await reported() == all)
            #expect(try await sweeper.runOnce(now: Date().addingTimeInterval(91 * 86_400)).moderationRecords == 2)
            #expect(try await reported() == ["post \(otherPost)"])
        }
    }
}

/// Progress stages heard from a run.
final class ProgressLog: Sendable {
    private let log = Mutex<[String]>([])
    func append(_ stage: String) { log.withLock { $0.append(stage) } }
    var stages: [String] { log.withLock { $0 } }
}
