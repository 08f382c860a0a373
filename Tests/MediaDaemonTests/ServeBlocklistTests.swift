import Foundation
import Testing

/// Hash-list moderation end to end: `serve` with its workers, `blocklist import` from the CLI,
/// uploads over HTTP. The listed hashes are computed with `mediadaemon hash` on the originals;
/// what is uploaded are transformed copies (rotated, re-encoded, resized; a video re-encoded at
/// another bitrate), so matching goes through the dihedral variants and the vPDQ rule.
@Suite("serve blocks media on the hash list", .serialized)
struct ServeBlocklistTests {
    private let harness: ServeHarness
    private var directory: URL { harness.directory }
    private var data: String { harness.data }

    init() throws {
        harness = try ServeHarness(prefix: "md-hashlist")
    }

    private func ffmpeg(_ name: String, _ arguments: [String]) async throws -> String {
        try await ChildProcess.ffmpeg(making: name, in: directory, arguments)
    }

    private func cli(_ arguments: [String]) async throws -> ChildProcess.Result {
        let result = try await DaemonProcess.run(arguments + ["--data", data], directory: directory)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result
    }

    /// `mediadaemon hash FILE` as JSON: the project's own hasher.
    private func hash(_ path: String) async throws -> [String: Any] {
        let result = try await DaemonProcess.run(["hash", path], directory: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// Imports `text` as a list file; the first entry id it reports.
    private func importList(_ text: String, source: String) async throws -> (entry: Int64, output: String) {
        let file = directory.appendingPathComponent("list-\(UUID().uuidString.prefix(6)).txt")
        try Data(text.utf8).write(to: file)
        let result = try await cli(["blocklist", "import", "--source", source, file.path])
        let entry = result.stdout.split(separator: "(").dropFirst().first.flatMap { part in
            part.split(separator: " ").dropFirst().first.flatMap { Int64($0.prefix { $0.isNumber }) }
        }
        return (try #require(entry, "\(result.stdout)"), result.stdout)
    }

    /// Every media row (`media list`) by its original's file name.
    private func mediaByName() async throws -> [String: [String: Any]] {
        let result = try await cli(["media", "list"])
        var rows: [String: [String: Any]] = [:]
        for line in result.stdout.split(separator: "\n") {
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let name = row["original_name"] as? String { rows[name] = row }
        }
        return rows
    }

    /// Files the store holds under a media's rendition prefix.
    private func storedRenditions(_ mediaID: Int) -> [String] {
        let root = "\(data)/store/media/\(mediaID)"
        return (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    private func json(_ reply: (status: Int, body: Data)) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
    }

    private func user(_ base: String, _ name: String) async throws -> (id: String, token: String) {
        let credentials = #"{"username": "\#(name)", "password": "a long passphrase"}"#
        let post = ["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", credentials]
        #expect(try await harness.curl(post + [base + "/api/v1/users"]).status == 201)
        let session = json(try await harness.curl(post + [base + "/api/v1/sessions"]))
        return (try #require(session["user_id"] as? String), try #require(session["token"] as? String))
    }

    private func upload(_ base: String, _ file: String, token: String) async throws -> String {
        let reply = try await harness.curl([
            "-H", "Authorization: Bearer \(token)", "-F", "media=@\(file)", "-F", "caption=#hashlist \(file)",
            base + "/api/v1/posts",
        ])
        #expect(reply.status == 202 || reply.status == 201, "\(String(decoding: reply.body, as: UTF8.self))")
        return try #require(json(reply)["post_id"] as? String)
    }

    /// The media named `names` once none of them is processing.
    private func settled(_ names: [String]) async throws -> [String: [String: Any]] {
        var rows: [String: [String: Any]] = [:]
        let done = try await harness.eventually(within: 300) {
            rows = try await mediaByName()
            return names.allSatisfy { name in rows[name].map { $0["status"] as? String != "processing" } ?? false }
        }
        #expect(done, "still processing: \(rows)")
        return rows
    }

    /// Post ids on the author's profile and the tag page.
    private func listed(_ base: String, authorID: String) async throws -> (profile: [String], tag: [String]) {
        func ids(_ path: String) async throws -> [String] {
            let page = json(try await harness.curl([base + path]))
            return (page["posts"] as? [[String: Any]] ?? []).compactMap { $0["post_id"] as? String }
        }
        return (try await ids("/api/v1/users/\(authorID)/posts"), try await ids("/api/v1/tags/hashlist/posts"))
    }

    @Test func listedCopiesAreNeverPublishedAndAnImportTakesDownWhatWas() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        // The listed image, and the copy uploaded: rotated 90°, resized to 0.7×, JPEG quality ~70.
        let original = try await ffmpeg("original.png", ["-f", "lavfi", "-i", "testsrc2=size=800x600", "-frames:v", "1"])
        let copy = try await ffmpeg(
            "copy.jpg", ["-i", original, "-vf", "transpose=1,scale=420:560", "-q:v", "8", "-frames:v", "1"])
        let unrelated = try await ffmpeg("unrelated.jpg", ["-f", "lavfi", "-i", "mandelbrot=size=640x480", "-frames:v", "1", "-q:v", "3"])
        let later = try await ffmpeg("later.jpg", ["-f", "lavfi", "-i", "testsrc=size=640x480", "-frames:v", "1", "-q:v", "3"])
        // The listed clip, and the copy uploaded: the same clip re-encoded at a quarter of the bitrate.
        let clip = try await ffmpeg(
            "clip.mp4", ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=6", "-c:v", "libx264", "-b:v", "800k", "-pix_fmt", "yuv420p"])
        let reencoded = try await ffmpeg("reencoded.mp4", ["-i", clip, "-c:v", "libx264", "-b:v", "200k", "-pix_fmt", "yuv420p"])

        let listedPDQ = try #require(try await hash(original)["pdq"] as? String)
        let photoList = try await importList("# test list\n\(listedPDQ),100\n", source: "photo-list")
        #expect(photoList.output.contains("1 photo entries"))
        let frames = try #require(try await hash(clip)["frames"] as? [[String: Any]])
        #expect(frames.count >= 5)
        let vpdq = try frames.enumerated().map { index, frame in
            let pdq = try #require(frame["pdq"] as? String)
            let quality = try #require(frame["quality"] as? Int)
            let ms = try #require(frame["t_ms"] as? Int)
            return "\(index * 25),\(quality),\(pdq),\(String(format: "%.3f", Double(ms) / 1000))"
        }.joined(separator: "\n")
        let videoList = try await importList(vpdq + "\n", source: "video-list")
        #expect(videoList.output.contains("1 video entries"))

        let (daemon, port) = try await harness.start()
        defer { daemon.signal(SIGTERM) }
        let base = "http://127.0.0.1:\(port)"
        let author = try await user(base, "uploader")
        let follower = try await user(base, "follower")
        #expect(try await harness.curl(["-X", "POST", "-H", "Authorization: Bearer \(follower.token)", base + "/api/v1/users/\(author.id)/follow"]).status < 300)

        let copyPost = try await upload(base, copy, token: author.token)
        let unrelatedPost = try await upload(base, unrelated, token: author.token)
        let videoPost = try await upload(base, reencoded, token: author.token)
        let laterPost = try await upload(base, later, token: author.token)
        let rows = try await settled(["copy.jpg", "unrelated.jpg", "reencoded.mp4", "later.jpg"])

        // The copy: blocked, nothing under its rendition prefix, its post gone from every read.
        let copyMedia = try #require(rows["copy.jpg"]?["id"] as? Int)
        #expect(rows["copy.jpg"]?["status"] as? String == "blocked")
        #expect(storedRenditions(copyMedia).isEmpty)
        #expect(try await harness.curl([base + "/api/v1/posts/\(copyPost)"]).status == 404)
        // The unrelated image and the later one are published as usual.
        #expect(rows["unrelated.jpg"]?["status"] as? String == "ready")
        #expect(rows["later.jpg"]?["status"] as? String == "ready")
        let laterMedia = try #require(rows["later.jpg"]?["id"] as? Int)
        #expect(!storedRenditions(laterMedia).isEmpty)
        let unrelatedView = json(try await harness.curl([base + "/api/v1/posts/\(unrelatedPost)"]))
        let renditions = (unrelatedView["media"] as? [String: Any])?["renditions"] as? [[String: Any]] ?? []
        let url = try #require(renditions.first?["url"] as? String)
        #expect(try await harness.curl([base + url]).status == 200)
        // The re-encoded video: blocked by the vPDQ rule, nothing published.
        let videoMedia = try #require(rows["reencoded.mp4"]?["id"] as? Int)
        #expect(rows["reencoded.mp4"]?["status"] as? String == "blocked")
        #expect(storedRenditions(videoMedia).isEmpty)
        #expect(try await harness.curl([base + "/api/v1/posts/\(videoPost)"]).status == 404)

        // An import of the later image's hash takes it down: renditions removed, post hidden.
        let laterView = json(try await harness.curl([base + "/api/v1/posts/\(laterPost)"]))
        let laterURL = try #require(((laterView["media"] as? [String: Any])?["renditions"] as? [[String: Any]])?.first?["url"] as? String)
        let laterPDQ = try #require(try await hash(later)["pdq"] as? String)
        let takedown = try await importList("\(laterPDQ)\n", source: "later-list")
        #expect(takedown.output.contains("1 taken down (media \(laterMedia))"), "\(takedown.output)")
        #expect(storedRenditions(laterMedia).isEmpty)
        #expect(try await harness.curl([base + laterURL]).status == 404)
        #expect(try await harness.curl([base + "/api/v1/posts/\(laterPost)"]).status == 404)
        #expect(try await mediaByName()["later.jpg"]?["status"] as? String == "blocked")

        let (profile, tag) = try await listed(base, authorID: author.id)
        #expect(profile == [unrelatedPost] && tag == [unrelatedPost], "\(profile) \(tag)")
        let feed = json(try await harness.curl(["-H", "Authorization: Bearer \(follower.token)", base + "/api/v1/feed"]))
        #expect((feed["posts"] as? [[String: Any]] ?? []).compactMap { $0["post_id"] as? String } == [unrelatedPost])

        // The operator's records: each match with its entry and distance.
        let matches = try await cli(["blocklist", "matches"]).stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        func match(_ mediaID: Int) -> [String: Any]? { matches.first { $0["media_id"] as? Int == mediaID } }
        #expect(match(copyMedia)?["entry_id"] as? Int == Int(photoList.entry))
        #expect((match(copyMedia)?["distance"] as? Int).map { $0 <= 31 } == true)
        #expect(match(copyMedia)?["post_id"] as? Int == Int(copyPost))
        #expect(match(copyMedia)?["found_by"] as? String == "processing")
        #expect(match(videoMedia)?["entry_id"] as? Int == Int(videoList.entry))
        #expect(match(videoMedia)?["source"] as? String == "video-list")
        #expect(match(laterMedia)?["entry_id"] as? Int == Int(takedown.entry))
        #expect(match(laterMedia)?["found_by"] as? String == "import")
        #expect(matches.count == 3)
        // Stopped before the directory goes (the deferred removal would race its shutdown).
        daemon.signal(SIGTERM)
        _ = await daemon.waitForExit()
    }

    @Test func listedAvatarsAreNeverPublishedAndAnImportTakesDownAPublishedOne() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        // The listed image, and the copy uploaded as an avatar: rotated 90°, resized, JPEG ~70.
        let original = try await ffmpeg("face.png", ["-f", "lavfi", "-i", "testsrc2=size=800x600", "-frames:v", "1"])
        let copy = try await ffmpeg("face-copy.jpg", ["-i", original, "-vf", "transpose=1,scale=420:560", "-q:v", "8", "-frames:v", "1"])
        let unlisted = try await ffmpeg("other.jpg", ["-f", "lavfi", "-i", "mandelbrot=size=640x480", "-frames:v", "1", "-q:v", "3"])
        let listedPDQ = try #require(try await hash(original)["pdq"] as? String)
        let list = try await importList("\(listedPDQ),100\n", source: "avatar-list")

        let (daemon, port) = try await harness.start()
        defer { daemon.signal(SIGTERM) }
        let base = "http://127.0.0.1:\(port)"
        let owner = try await user(base, "portrait")
        func putAvatar(_ file: String) async throws -> Int {
            let reply = try await harness.curl([
                "-X", "PUT", "-H", "Authorization: Bearer \(owner.token)", "-F", "avatar=@\(file)", base + "/api/v1/users/me/avatar",
            ])
            #expect(reply.status == 202, "\(String(decoding: reply.body, as: UTF8.self))")
            return try #require((json(reply)["avatar_id"] as? String).flatMap { Int($0) })
        }
        func avatarURL() async throws -> String? {
            (json(try await harness.curl([base + "/api/v1/users/\(owner.id)"]))["avatar"] as? [String: Any])?["url150"] as? String
        }
        func matches() async throws -> [[String: Any]] {
            try await cli(["blocklist", "matches"]).stdout.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        func avatarFiles(_ id: Int) -> [String] {
            (FileManager.default.enumerator(atPath: "\(data)/store/avatars/\(id)")?.allObjects as? [String]) ?? []
        }

        // The listed copy: refused before publishing, with a record naming the avatar.
        let blocked = try await putAvatar(copy)
        var records: [[String: Any]] = []
        #expect(try await harness.eventually(within: 300) {
            records = try await matches()
            return records.contains { $0["avatar_id"] as? Int == blocked }
        })
        let record = try #require(records.first { $0["avatar_id"] as? Int == blocked })
        #expect(record["media_id"] == nil)
        #expect(record["entry_id"] as? Int == Int(list.entry))
        #expect((record["distance"] as? Int).map { $0 <= 31 } == true, "\(record)")
        #expect(record["user_id"] as? Int == Int(owner.id))
        #expect(record["found_by"] as? String == "processing")
        #expect(avatarFiles(blocked).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "\(data)/store/avatar-uploads/\(blocked)"))
        #expect(try await avatarURL() == nil)

        // An unlisted avatar is published as before; a listed one later leaves it in place.
        let kept = try await putAvatar(unlisted)
        var url: String?
        #expect(try await harness.eventually(within: 300) {
            url = try await avatarURL()
            return url != nil
        })
        let current = try #require(url)
        #expect(current.contains("avatars/\(kept)/"))
        #expect(try await harness.curl([base + current]).status == 200)
        let again = try await putAvatar(copy)
        #expect(try await harness.eventually(within: 300) {
            try await matches().contains { $0["avatar_id"] as? Int == again }
        })
        #expect(avatarFiles(again).isEmpty)
        #expect(try await avatarURL() == current)
        #expect(try await harness.curl([base + current]).status == 200)

        // An import of the published avatar's hash takes it down: files gone, profile without it.
        let keptPDQ = try #require(try await hash(unlisted)["pdq"] as? String)
        let takedown = try await importList("\(keptPDQ)\n", source: "later-avatar-list")
        #expect(takedown.output.contains("1 taken down (avatars \(kept))"), "\(takedown.output)")
        #expect(avatarFiles(kept).isEmpty)
        #expect(try await harness.curl([base + current]).status == 404)
        #expect(try await avatarURL() == nil)
        let found = try #require(try await matches().first { $0["avatar_id"] as? Int == kept })
        #expect(found["entry_id"] as? Int == Int(takedown.entry) && found["found_by"] as? String == "import")
        #expect((found["distance"] as? Int).map { $0 <= 31 } == true && found["user_id"] as? Int == Int(owner.id))
        daemon.signal(SIGTERM)
        _ = await daemon.waitForExit()
    }
}
