import Foundation
import Testing

/// The whole daemon over HTTP: `serve` on a free port with its embedded cluster, workers and
/// store, driven with curl. Router-level cases (validation, counts, cursors) live in
/// PlatformTests; this checks that the pieces work together.
@Suite("serve answers the HTTP API end to end", .serialized)
struct ServeAPITests {
    private let directory: URL
    private var data: String { directory.appendingPathComponent("state").path }

    init() throws {
        directory = URL(fileURLWithPath: "/tmp/md-api-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    /// One curl request; `arguments` are curl's (method, headers, body, URL).
    private func curl(_ arguments: [String]) async throws -> Reply {
        let name = UUID().uuidString.prefix(8)
        let body = directory.appendingPathComponent("body-\(name)").path
        let head = directory.appendingPathComponent("head-\(name)").path
        let result = try await ChildProcess(
            "/usr/bin/curl", ["-sS", "--max-time", "60", "-o", body, "-D", head, "-w", "%{http_code}"] + arguments,
            directory: directory
        ).waitForExit()
        #expect(result.status == 0, "curl \(arguments): \(result.stderr)")
        // The last header block (after any 100 Continue).
        let blocks = (try? String(contentsOfFile: head, encoding: .utf8))?.components(separatedBy: "\r\n\r\n")
            .filter { !$0.isEmpty } ?? []
        var headers: [String: String] = [:]
        for line in (blocks.last ?? "").components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: body))) ?? Data()
        try? FileManager.default.removeItem(atPath: body)
        try? FileManager.default.removeItem(atPath: head)
        return Reply(status: Int(result.stdout) ?? 0, headers: headers, body: bytes)
    }

    private func generate(_ name: String, _ arguments: [String]) async throws -> String {
        try await ChildProcess.ffmpeg(making: name, in: directory, arguments)
    }

    /// Starts `serve` on a free port with `options`; returns it and its base URL.
    private func startServer(_ options: [String] = []) async throws -> (daemon: ChildProcess, base: String) {
        let daemon = try DaemonProcess.start(["serve", "--data", data, "--port", "0"] + options, directory: directory)
        #expect(await daemon.waitForStderr(containing: "Server started and listening on"), "\(daemon.stderr)")
        let line = try #require(daemon.stderr.components(separatedBy: "\n").first { $0.contains("Server started and listening on") })
        let port = try #require(line.components(separatedBy: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        return (daemon, "http://127.0.0.1:\(port)")
    }

    private func json(_ base: String, _ method: String, _ path: String, token: String? = nil, _ body: String? = nil) async throws -> Reply {
        var arguments = ["-X", method]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        return try await curl(arguments + [base + path])
    }

    /// Registers `name` and logs in: its id and bearer token.
    private func user(_ base: String, _ name: String) async throws -> (id: String, token: String) {
        let credentials = #"{"username": "\#(name)", "password": "a long passphrase"}"#
        #expect(try await json(base, "POST", "/api/v1/users", credentials).status == 201)
        let session = try await json(base, "POST", "/api/v1/sessions", credentials)
        #expect(session.status == 201)
        return (try #require(session.json["user_id"] as? String), try #require(session.json["token"] as? String))
    }

    private func upload(_ base: String, _ file: String, token: String, key: String? = nil) async throws -> Reply {
        var arguments = ["-H", "Authorization: Bearer \(token)", "-F", "media=@\(file)", "-F", "caption=from \(file)"]
        if let key { arguments += ["-H", "Idempotency-Key: \(key)"] }
        return try await curl(arguments + [base + "/api/v1/posts"])
    }

    /// The post once it is no longer processing (or after five minutes).
    private func ready(_ base: String, _ postID: String) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(300)
        while true {
            let post = try await json(base, "GET", "/api/v1/posts/\(postID)").json
            if post["status"] as? String != "processing" || ContinuousClock.now > deadline { return post }
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    /// The bytes the store holds for a `/media/…` URL.
    private func stored(_ url: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: "\(data)/store/\(url.dropFirst("/media/".count))"))
    }

    @Test func avatarsAndAccountDeletionRunAsJobs() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let photo = try await generate("photo.jpg", ["-f", "lavfi", "-i", "testsrc2=size=900x600", "-frames:v", "1", "-q:v", "3"])
        let face = try await generate("face.jpg", ["-f", "lavfi", "-i", "testsrc2=size=500x700", "-frames:v", "1", "-q:v", "3"])
        let (daemon, base) = try await startServer(["--username-grace", "3600"])
        defer { daemon.signal(SIGTERM) }
        let alice = try await user(base, "alice")
        let posted = try await upload(base, photo, token: alice.token)
        let postID = try #require(posted.json["post_id"] as? String)
        let post = try await ready(base, postID)
        #expect(post["status"] as? String == "ready", "\(post)")
        let renditions = try #require((post["media"] as? [String: Any])?["renditions"] as? [[String: Any]])
        let mediaURL = try #require(renditions.first?["url"] as? String)

        // The avatar goes through the photo pipeline in a worker child (the user.avatar job).
        let avatar = try await curl(["-X", "PUT", "-H", "Authorization: Bearer \(alice.token)", "-F", "avatar=@\(face)", base + "/api/v1/users/me/avatar"])
        #expect(avatar.status == 202, "\(String(decoding: avatar.body, as: UTF8.self))")
        var urls: [String: Any] = [:]
        let deadline = ContinuousClock.now + .seconds(300)
        while urls.isEmpty, ContinuousClock.now < deadline {
            urls = try await json(base, "GET", "/api/v1/users/\(alice.id)").json["avatar"] as? [String: Any] ?? [:]
            if urls.isEmpty { try await Task.sleep(for: .milliseconds(300)) }
        }
        let small = try #require(urls["url150"] as? String)
        let smallReply = try await curl([base + small])
        #expect(smallReply.status == 200)
        #expect(smallReply.body.prefix(2) == Data([0xFF, 0xD8]))
        #expect(try await curl([base + (try #require(urls["webp320"] as? String))]).status == 200)
        #expect(try await json(base, "GET", "/api/v1/posts/\(postID)").json["author_avatar_url"] as? String == small)

        // Deletion: 202, then the job removes everything; its progress reaches `jobs show`.
        let deleted = try await json(base, "DELETE", "/api/v1/users/me", token: alice.token, #"{"password": "a long passphrase"}"#)
        #expect(deleted.status == 202)
        #expect(try await json(base, "GET", "/api/v1/feed", token: alice.token).status == 401)
        var gone = false
        while !gone, ContinuousClock.now < deadline {
            gone = try await json(base, "GET", "/api/v1/posts/\(postID)").status == 404
                && !FileManager.default.fileExists(atPath: "\(data)/store/\(small.dropFirst("/media/".count))")
                && !FileManager.default.fileExists(atPath: "\(data)/store/\(mediaURL.dropFirst("/media/".count))")
            if !gone { try await Task.sleep(for: .milliseconds(300)) }
        }
        #expect(gone)
        let listed = try await DaemonProcess.run(["jobs", "list", "--data", data, "--kind", "user.delete", "--json"], directory: directory)
        let jobs = (try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))) as? [[String: Any]] ?? []
        let jobID = try #require(jobs.first?["id"].map { "\($0)" })
        var shown = ""
        while !shown.contains("state:     succeeded"), ContinuousClock.now < deadline {
            shown = try await DaemonProcess.run(["jobs", "show", jobID, "--data", data], directory: directory).stdout
            if !shown.contains("state:     succeeded") { try await Task.sleep(for: .milliseconds(300)) }
        }
        #expect(shown.contains("state:     succeeded"), "\(shown)")
        #expect(shown.contains("progress:  100%"), "\(shown)")
        #expect(try await json(base, "POST", "/api/v1/users", #"{"username": "alice", "password": "a long passphrase"}"#).status == 409)
    }

    @Test func uploadsBecomeReadyAndServeThroughTheFeed() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let photo = try await generate("photo.jpg", ["-f", "lavfi", "-i", "testsrc2=size=1200x800", "-frames:v", "1", "-q:v", "3"])
        let video = try await generate(
            "clip.mp4",
            ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
             "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"])

        // Uploads: 8 at once, then 1 a minute, so carol's twelfth attempt below is refused however
        // slowly the machine sends them (the default refills one every two seconds).
        let (daemon, base) = try await startServer(["--celebrity-followers", "2", "--upload-limit", "8,1"])
        defer { daemon.signal(SIGTERM) }
        func json(_ method: String, _ path: String, token: String? = nil, _ body: String? = nil) async throws -> Reply {
            try await self.json(base, method, path, token: token, body)
        }
        func user(_ name: String) async throws -> (id: String, token: String) { try await self.user(base, name) }
        func upload(_ file: String, token: String, key: String? = nil) async throws -> Reply {
            try await self.upload(base, file, token: token, key: key)
        }
        func ready(_ postID: String) async throws -> [String: Any] { try await self.ready(base, postID) }

        let alice = try await user("alice")
        let bob = try await user("bob")
        let carol = try await user("carol")
        // Two followers: alice is at the threshold, so her posts reach feeds by the pull path.
        #expect(try await json("POST", "/api/v1/users/\(alice.id)/follow", token: bob.token).status == 200)
        #expect(try await json("POST", "/api/v1/users/\(alice.id)/follow", token: carol.token).status == 200)
        #expect(try await json("POST", "/api/v1/users/\(carol.id)/follow", token: bob.token).status == 200)

        // Photo: 201 processing at once, then ready with renditions that serve the stored bytes.
        let created = try await upload(photo, token: alice.token, key: "photo-1")
        #expect(created.status == 201)
        #expect(created.json["status"] as? String == "processing")
        let photoPost = try #require(created.json["post_id"] as? String)
        let retried = try await upload(photo, token: alice.token, key: "photo-1")
        #expect(retried.json["post_id"] as? String == photoPost)
        let photoView = try await ready(photoPost)
        #expect(photoView["status"] as? String == "ready", "\(photoView)")
        let renditions = try #require((photoView["media"] as? [String: Any])?["renditions"] as? [[String: Any]])
        #expect(renditions.count >= 3)
        for rendition in renditions {
            let url = try #require(rendition["url"] as? String)
            let full = try await curl([base + url])
            #expect(full.status == 200)
            #expect(full.body == (try stored(url)), "\(url)")
            let range = try await curl(["-H", "Range: bytes=10-109", base + url])
            #expect(range.status == 206)
            #expect(range.body == full.body[10..<110])
            let head = try await curl(["-I", base + url])
            #expect(head.status == 200)
            #expect(head.headers["content-length"] == "\(full.body.count)")
            #expect(head.headers["etag"] == full.headers["etag"])
        }

        // Video: ladder renditions and an HLS playlist that serve.
        let clip = try await upload(video, token: carol.token)
        #expect(clip.status == 201)
        let videoPost = try #require(clip.json["post_id"] as? String)
        let videoView = try await ready(videoPost)
        #expect(videoView["status"] as? String == "ready", "\(videoView)")
        let videoMedia = try #require(videoView["media"] as? [String: Any])
        let hls = try #require(videoMedia["hls_url"] as? String)
        let playlist = try await curl([base + hls])
        #expect(playlist.status == 200)
        #expect(String(decoding: playlist.body, as: UTF8.self).hasPrefix("#EXTM3U"))
        let ladder = try #require(videoMedia["renditions"] as? [[String: Any]])
        let mp4 = try #require(ladder.first { ($0["url"] as? String)?.hasSuffix(".mp4") == true }?["url"] as? String)
        let movie = try await curl([base + mp4])
        #expect(movie.status == 200)
        #expect(movie.body == (try stored(mp4)))

        // Bob's feed: carol's video (fanned out) above alice's photo (pulled), newest first.
        let feed = try await json("GET", "/api/v1/feed", token: bob.token)
        #expect(feed.status == 200)
        let ids = (feed.json["posts"] as? [[String: Any]] ?? []).compactMap { $0["post_id"] as? String }
        #expect(ids == [videoPost, photoPost], "\(feed.json)")

        // Likes, authorisation, limits.
        #expect(try await json("POST", "/api/v1/posts/\(photoPost)/likes", token: bob.token).status == 201)
        #expect(try await json("POST", "/api/v1/posts/\(photoPost)/likes", token: bob.token).status == 409)
        #expect(try await json("DELETE", "/api/v1/posts/\(photoPost)", token: bob.token).status == 403)
        // Declares 200 MB and sends a few bytes: the answer comes before any body is read.
        let oversize = try await curl(
            ["-H", "Authorization: Bearer \(alice.token)", "-H", "Content-Type: multipart/form-data; boundary=x",
             "-H", "Content-Length: 200000000", "--data-binary", "--x\r\n", base + "/api/v1/posts"])
        #expect(oversize.status == 413)
        var limited: Reply?
        for _ in 0..<12 where limited == nil {
            let reply = try await curl(
                ["-H", "Authorization: Bearer \(carol.token)", "-H", "Content-Type: text/plain", "--data-binary", "x",
                 base + "/api/v1/posts"])
            if reply.status == 429 { limited = reply }
        }
        #expect(limited?.headers["retry-after"].flatMap(Int.init).map { $0 >= 1 } == true)

        // Log out: the token stops working; the daemon still answers.
        #expect(try await json("DELETE", "/api/v1/sessions", token: bob.token).status == 204)
        #expect(try await json("GET", "/api/v1/feed", token: bob.token).status == 401)
        #expect(try await json("GET", "/healthz").status == 200)

        daemon.signal(SIGTERM)
        let exit = await daemon.waitForExit()
        #expect(exit.status == 0, "\(exit.stderr)")
    }

    /// `mediadaemon media show ID` against the running daemon's database.
    private func media(_ id: Int) async throws -> [String: Any] {
        let result = try await DaemonProcess.run(["media", "show", "\(id)", "--data", data], directory: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// The media id in a rendition URL (`/media/media/<id>/…`).
    private func mediaID(_ post: [String: Any]) throws -> Int {
        let renditions = try #require((post["media"] as? [String: Any])?["renditions"] as? [[String: Any]])
        let url = try #require(renditions.first?["url"] as? String)
        let parts = url.split(separator: "/")
        #expect(parts.count > 3 && parts[0] == "media" && parts[1] == "media", "\(url)")
        return try #require(Int(parts[2]))
    }

    /// Files the store holds under `media/<id>/`.
    private func storedFiles(media id: Int) -> [String] {
        let root = "\(data)/store/media/\(id)"
        let walker = FileManager.default.enumerator(atPath: root)
        return (walker?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(root)/\($0)", isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    @Test func deletedMediaReleaseTheirBytesAndHashes() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let photo = try await generate("photo.jpg", ["-f", "lavfi", "-i", "testsrc2=size=1200x800", "-frames:v", "1", "-q:v", "3"])
        let copy = try await generate(
            "reencoded.jpg", ["-f", "lavfi", "-i", "testsrc2=size=900x600", "-frames:v", "1", "-q:v", "12"])
        let (daemon, base) = try await startServer()
        defer { daemon.signal(SIGTERM) }
        let alice = try await user(base, "alice")

        // Uploaded, processed, then deleted: the delete job removes every rendition and the original.
        let first = try await upload(base, photo, token: alice.token)
        #expect(first.status == 201)
        let firstPost = try #require(first.json["post_id"] as? String)
        let firstView = try await ready(base, firstPost)
        #expect(firstView["status"] as? String == "ready", "\(firstView)")
        let deletedID = try mediaID(firstView)
        #expect(!storedFiles(media: deletedID).isEmpty)
        // The original is stored but never served.
        let sha = try #require(try await media(deletedID)["sha256"] as? String)
        let original = "originals/\(sha.prefix(2))/\(sha)"
        #expect(FileManager.default.fileExists(atPath: "\(data)/store/\(original)"))
        #expect(try await curl([base + "/media/" + original]).status == 404)
        #expect(try await json(base, "DELETE", "/api/v1/posts/\(firstPost)", token: alice.token).status == 204)
        #expect(try await json(base, "GET", "/api/v1/posts/\(firstPost)").status == 404)
        let deadline = ContinuousClock.now + .seconds(120)
        while !storedFiles(media: deletedID).isEmpty || FileManager.default.fileExists(atPath: "\(data)/store/\(original)"),
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(storedFiles(media: deletedID).isEmpty)
        // No live media holds the bytes any more: the original went with the renditions.
        #expect(!FileManager.default.fileExists(atPath: "\(data)/store/\(original)"))
        let deleted = try await media(deletedID)
        #expect(deleted["status"] as? String == "deleted", "\(deleted)")
        #expect(deleted["pdq"] == nil || deleted["pdq"] is NSNull, "\(deleted)")

        // A near-duplicate of the deleted photo is not linked to it: its hashes left the index.
        let near = try await upload(base, copy, token: alice.token)
        let nearView = try await ready(base, try #require(near.json["post_id"] as? String))
        #expect(nearView["status"] as? String == "ready", "\(nearView)")
        let nearID = try mediaID(nearView)
        let nearMedia = try await media(nearID)
        #expect(nearMedia["duplicate_of"] == nil || nearMedia["duplicate_of"] is NSNull, "\(nearMedia)")

        // The same bytes again: a new media, processed again, whose renditions are stored and served.
        let again = try await upload(base, photo, token: alice.token)
        #expect(again.status == 201)
        #expect(again.json["status"] as? String == "processing", "\(again.json)")
        let againPost = try #require(again.json["post_id"] as? String)
        let againView = try await ready(base, againPost)
        #expect(againView["status"] as? String == "ready", "\(againView)")
        let againID = try mediaID(againView)
        #expect(againID != deletedID)
        let revived = try await media(againID)
        #expect(revived["sha256"] as? String == deleted["sha256"] as? String)
        #expect(FileManager.default.fileExists(atPath: "\(data)/store/\(original)"))
        // Near-duplicate of the live copy, never of the deleted media.
        #expect(revived["duplicate_of"] as? Int == nearID, "\(revived)")
        let renditions = try #require((againView["media"] as? [String: Any])?["renditions"] as? [[String: Any]])
        #expect(renditions.count >= 3)
        #expect(storedFiles(media: againID).count >= renditions.count)
        for rendition in renditions {
            let url = try #require(rendition["url"] as? String)
            let served = try await curl([base + url])
            #expect(served.status == 200, "\(url)")
            #expect(served.body == (try stored(url)), "\(url)")
        }

        daemon.signal(SIGTERM)
        let exit = await daemon.waitForExit()
        #expect(exit.status == 0, "\(exit.stderr)")
    }
}
