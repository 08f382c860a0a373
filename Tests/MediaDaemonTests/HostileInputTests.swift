import Foundation
import Testing

/// `mediadaemon process` on the damaged, lying and over-limit files `fixtures/make-hostile.sh`
/// makes: each bad one exits 2 with its categorised error and leaves no output behind; nothing
/// crashes, and memory stays bounded.
@Suite("hostile inputs")
struct HostileInputTests {
    /// What one generated file must give.
    enum Outcome: Sendable, CustomStringConvertible {
        /// Exit 2 with `{"error": {"code": code}}` and no output files.
        case refused(String)
        /// Processed as a photo of this format and size (the damage is harmless or only the name lies).
        case photo(format: String, width: Int, height: Int)
        /// Processed as a video of this size and duration (nil: the container's lie leaves it
        /// unknown); the lie is in a field the pipeline does not need.
        case video(width: Int, height: Int, durationMs: Int?)

        var description: String {
            switch self {
            case .refused(let code): "refused \(code)"
            case .photo(let format, let width, let height): "photo \(format) \(width)×\(height)"
            case .video(let width, let height, let durationMs): "video \(width)×\(height) \(durationMs.map(String.init) ?? "?") ms"
            }
        }
    }

    /// Every file the script makes, with the outcome it must have.
    static let expected: [(name: String, outcome: Outcome)] = [
        ("photo-truncated.jpg", .refused("corrupt")),
        ("photo-truncated.png", .refused("corrupt")),
        ("photo-truncated.webp", .refused("corrupt")),
        ("photo-empty.jpg", .refused("unsupported_format")),
        ("photo-random.jpg", .refused("unsupported_format")),
        ("photo-huge-header.png", .refused("too_many_pixels")),
        ("photo-many-frames.gif", .refused("too_many_frames")),
        // The pixels are fine: a broken EXIF block is dropped (no orientation), never copied out.
        ("photo-corrupt-exif.jpg", .photo(format: "jpeg", width: 640, height: 480)),
        ("video-truncated.mp4", .refused("corrupt")),
        ("video-no-moov.mp4", .refused("corrupt")),
        ("video-audio-only.mp4", .refused("no_video_stream")),
        ("video-random.mp4", .refused("unsupported_format")),
        ("video-ten-hours.mp4", .refused("too_long")),
        // Matroska cut to a third: the clusters end long before the declared duration.
        ("video-truncated.mkv", .refused("corrupt")),
        // No duration in the headers: decoding stops at the limit (60 s of 120).
        ("video-no-duration.mkv", .refused("too_long")),
        // FFV1 is not on the decoder list.
        ("video-ffv1.mkv", .refused("unsupported_format")),
        // A 100:1 sample aspect ratio would make renditions 32000 pixels wide: a lie, refused.
        ("video-sar-100-to-1.mp4", .refused("unsupported_format")),
        // The kind comes from the magic bytes, not the name (DESIGN.md): a PNG is a photo.
        ("video-png-renamed.mp4", .photo(format: "png", width: 640, height: 480)),
    ] + headerFiles

    /// The files `fixtures/make-hostile-headers.py` makes: size, count and time fields that lie.
    static let headerFiles: [(name: String, outcome: Outcome)] = [
        // HEIF boxes whose sizes overflow an offset (the first two crashed the daemon): the box
        // reader stops, libheif refuses the file.
        ("heif-box-size-max-int64.heic", .refused("corrupt")),
        ("heif-box-size-max-uint64.heic", .refused("corrupt")),
        ("heif-nested-size-max.heic", .refused("corrupt")),
        ("heif-box-size-below-header.heic", .refused("corrupt")),
        ("heif-meta-size-past-end.heic", .refused("corrupt")),
        ("heif-meta-nested-64.heic", .refused("corrupt")),
        ("heif-ftyp-only.heic", .refused("corrupt")),
        ("avif-ftyp-only.avif", .refused("corrupt")),
        // Declared sizes refused by the pixel limit before libheif decodes anything; the last
        // compares one overflowing area with another (it crashed the daemon).
        ("heif-ispe-100000x100000.heic", .refused("too_many_pixels")),
        ("heif-ispe-max-by-max.heic", .refused("too_many_pixels")),
        ("heif-two-ispe-overflow.heic", .refused("too_many_pixels")),
        ("avif-ispe-100000x100000.avif", .refused("too_many_pixels")),
        // Broken ICC profiles are not sRGB, so the pixels go through the colour transform.
        ("photo-icc-tag-count-max.jpg", .photo(format: "jpeg", width: 640, height: 480)),
        ("photo-icc-tags-out-of-range.jpg", .photo(format: "jpeg", width: 640, height: 480)),
        ("photo-icc-curve-count-max.jpg", .photo(format: "jpeg", width: 640, height: 480)),
        ("photo-icc-size-lies.jpg", .photo(format: "jpeg", width: 640, height: 480)),
        ("photo-icc-tag-count-max.png", .photo(format: "png", width: 640, height: 480)),
        // JPEG metadata: 21 maximal EXIF segments and an IFD loop are dropped, not followed.
        ("photo-exif-huge.jpg", .photo(format: "jpeg", width: 640, height: 480)),
        ("photo-exif-ifd-loop.jpg", .photo(format: "jpeg", width: 640, height: 480)),
        ("photo-jpeg-segment-length-1.jpg", .refused("corrupt")),
        ("photo-jpeg-segment-past-end.jpg", .refused("corrupt")),
        ("photo-jpeg-60000x60000.jpg", .refused("too_many_pixels")),
        ("photo-jpeg-65535x65535.jpg", .refused("corrupt")),  // past libjpeg's 65500 ceiling
        ("photo-jpeg-0x0.jpg", .refused("corrupt")),
        ("photo-jpeg-magic-only.jpg", .refused("corrupt")),
        // PNG chunk lengths of 2^31 and 2^32 - 1, and lying IHDRs.
        ("photo-png-chunk-length-2e31.png", .refused("corrupt")),
        ("photo-png-chunk-length-max.png", .refused("corrupt")),
        ("photo-png-idat-length-2e31.png", .refused("corrupt")),
        ("photo-png-width-2e31.png", .refused("corrupt")),
        ("photo-png-0x0.png", .refused("corrupt")),
        ("photo-png-bad-ihdr-crc.png", .refused("corrupt")),
        ("photo-png-signature-only.png", .refused("corrupt")),
        ("photo-gif-65535x65535.gif", .refused("too_many_pixels")),
        ("photo-gif-header-only.gif", .refused("corrupt")),
        ("photo-webp-canvas-16384.webp", .refused("corrupt")),  // a canvas with no frame in it
        ("photo-webp-riff-size-max.webp", .refused("corrupt")),
        // Nothing, or the wrong magic, whatever the name says.
        ("photo-empty.png", .refused("unsupported_format")),
        ("photo-empty.heic", .refused("unsupported_format")),
        ("photo-text.jpg", .refused("unsupported_format")),
        ("photo-pdf.jpg", .refused("unsupported_format")),
        ("photo-svg.png", .refused("unsupported_format")),
        ("photo-elf.gif", .refused("unsupported_format")),
        ("video-empty.mp4", .refused("unsupported_format")),
        ("video-text.mkv", .refused("unsupported_format")),
        // Matroska by its magic (the format table), so FFmpeg's Matroska demuxer opens it and finds nothing.
        ("video-ebml-magic-only.mkv", .refused("corrupt")),
        // ISO BMFF: 64-bit sizes and decode times near ±2^63.
        ("video-box-size-max.mp4", .refused("no_video_stream")),
        ("video-ftyp-only.mp4", .refused("corrupt")),
        ("video-tfdt-max.mp4", .refused("corrupt")),
        ("video-tfdt-near-max.mp4", .refused("too_long")),
        // Decode times from -2^63 + 2^20: the frames still rise, so the clip is made; FFmpeg
        // works out no duration from such fragments, so the manifest has the decoded one
        // (50 frames at 25 fps), not 0.
        ("video-tfdt-near-min.mp4", .video(width: 320, height: 240, durationMs: 2000)),
        // The media header claims 2^63 - 1 ticks; the movie header and the samples say 2 s.
        ("video-mdhd-duration-max.mp4", .video(width: 320, height: 240, durationMs: 2000)),
    ]

    static let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The script's output folder, made once per test run.
    private static let generated = Task<URL, any Error> {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("md-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = repositoryRoot.appendingPathComponent("fixtures/make-hostile.sh")
        let result = try await ChildProcess("/bin/sh", [script.path, directory.path], directory: directory).waitForExit()
        guard result.status == 0 else {
            throw ScriptFailure(message: "make-hostile.sh exited with \(result.status): \(result.stderr)")
        }
        return directory
    }

    struct ScriptFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private static func input(_ name: String) async throws -> URL {
        try await generated.value.appendingPathComponent(name)
    }

    /// A fresh output folder (not created: the command must make it itself).
    private static func outputDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("md-hostile-out-\(UUID().uuidString)")
    }

    /// Regular files under `directory`, relative paths; empty when it does not exist.
    private static func files(under directory: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var found: [String] = []
        while let path = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                found.append(path)
            }
        }
        return found.sorted()
    }

    private static func objects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not JSON: \($0)")
        }
    }

    @Test func theScriptMakesEveryFileNamedHere() async throws {
        let directory = try await Self.generated.value
        let made = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(made == Self.expected.map(\.name).sorted())
    }

    @Test(arguments: HostileInputTests.expected.map(\.name))
    func eachFileGivesItsOutcome(name: String) async throws {
        let outcome = try #require(Self.expected.first { $0.name == name }?.outcome)
        let input = try await Self.input(name)
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }

        // Isolated, as serve runs them: a decoder crash would fail the file, not the command.
        let result = try await DaemonProcess.run(
            ["process", "--isolated", "--out", out.path, input.path], directory: out.deletingLastPathComponent())
        let lines = try Self.objects(result.stdout)
        #expect(lines.count == 1, "\(name): \(result.stdout)\n\(result.stderr)")
        let line = try #require(lines.first)
        #expect(line["source"] as? String == input.path)

        switch outcome {
        case .refused(let code):
            #expect(result.status == 2, "\(name): exit \(result.status)\n\(result.stdout)\n\(result.stderr)")
            let error = line["error"] as? [String: Any]
            #expect(error?["code"] as? String == code, "\(name): \(result.stdout)")
            let message = error?["message"] as? String ?? ""
            #expect(message.isEmpty == false, "\(name): no message")
            #expect(Self.files(under: out) == [], "\(name) left partial output")
        case .photo(let format, let width, let height):
            #expect(result.status == 0, "\(name): exit \(result.status)\n\(result.stdout)\n\(result.stderr)")
            #expect(line["kind"] as? String == "photo", "\(name): \(result.stdout)")
            let described = line["input"] as? [String: Any]
            #expect(described?["format"] as? String == format)
            #expect(described?["width"] as? Int == width && described?["height"] as? Int == height, "\(name): \(result.stdout)")
            #expect(described?["orientation"] as? Int == 1, "\(name): \(result.stdout)")
            let renditions = try #require(line["renditions"] as? [[String: Any]])
            #expect(!renditions.isEmpty)
            for rendition in renditions {
                let path = try #require(rendition["path"] as? String)
                let data = try Data(contentsOf: out.appendingPathComponent(path))
                #expect(data.count == rendition["bytes"] as? Int, "\(name) \(path)")
                // Landscape in, landscape (or square) out: the garbage orientation was not applied.
                let w = try #require(rendition["width"] as? Int)
                let h = try #require(rendition["height"] as? Int)
                #expect(w >= h, "\(name) \(path) is \(w)×\(h)")
                // No EXIF block in any output (a JPEG APP1 "Exif" segment, a WebP "EXIF" chunk).
                #expect(data.range(of: Data("Exif\0\0".utf8)) == nil, "\(name) \(path) carries EXIF")
                if path.hasSuffix(".webp") {
                    #expect(data.range(of: Data("EXIF".utf8)) == nil, "\(name) \(path) carries an EXIF chunk")
                }
            }
        case .video(let width, let height, let durationMs):
            #expect(result.status == 0, "\(name): exit \(result.status)\n\(result.stdout)\n\(result.stderr)")
            #expect(line["kind"] as? String == "video", "\(name): \(result.stdout)")
            let described = line["input"] as? [String: Any]
            #expect(described?["width"] as? Int == width && described?["height"] as? Int == height, "\(name): \(result.stdout)")
            if let durationMs {
                #expect(described?["duration_ms"] as? Int == durationMs, "\(name): \(result.stdout)")
            }
            let renditions = try #require(line["renditions"] as? [[String: Any]])
            #expect(!renditions.isEmpty, "\(name): no rendition")
        }
    }

    /// All files in one run with two isolated workers: the good ones still process, each bad one
    /// gets its own error line and an empty folder, and the peak RSS of every process of the run
    /// (the command and each worker child it reaps) stays far below what any decoded bomb would
    /// need (10 G pixels for the lying PNG header).
    @Test func allAtOnceWithBoundedMemory() async throws {
        let inputs = try await Self.expected.asyncMap { try await Self.input($0.name) }
        let out = Self.outputDirectory()
        defer { try? FileManager.default.removeItem(at: out) }

        // python3 reports the peak RSS (KB) of the largest process among its waited-for
        // descendants: the command and every worker child the command reaped (RUSAGE_CHILDREN
        // covers grandchildren once their parent waited for them, and the command reaps each
        // child it starts before it exits).
        let measure = """
            import os, resource, subprocess, sys
            child = subprocess.Popen(sys.argv[1:])
            _, status, _ = os.wait4(child.pid, 0)
            print("peak_rss_kb", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
            sys.exit(os.waitstatus_to_exitcode(status))
            """
        let result = try await ChildProcess(
            "/usr/bin/env",
            ["python3", "-c", measure, DaemonProcess.binary, "process", "--isolated", "--workers", "2", "--out", out.path]
                + inputs.map(\.path),
            directory: out.deletingLastPathComponent()
        ).waitForExit()
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")

        let bySource = Dictionary(try Self.objects(result.stdout).map { ($0["source"] as? String ?? "", $0) }) { first, _ in first }
        #expect(bySource.count == inputs.count, "\(result.stdout)")
        for ((name, outcome), input) in zip(Self.expected, inputs) {
            let line = bySource[input.path]
            switch outcome {
            case .refused(let code):
                #expect((line?["error"] as? [String: Any])?["code"] as? String == code, "\(name): \(String(describing: line))")
                #expect(Self.files(under: out.appendingPathComponent(name)) == [], "\(name) left partial output")
            case .photo, .video:
                let kind = if case .photo = outcome { "photo" } else { "video" }
                #expect(line?["kind"] as? String == kind, "\(name): \(String(describing: line))")
                #expect(!Self.files(under: out.appendingPathComponent(name)).isEmpty, "\(name) wrote nothing")
            }
        }

        let report = try #require(result.stderr.split(separator: "\n").last { $0.hasPrefix("peak_rss_kb ") })
        let peakKB = try #require(Int(report.split(separator: " ")[1]))
        #expect(peakKB > 0)
        #expect(peakKB < 512 * 1024, "peak RSS \(peakKB) KB for the hostile set")
    }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
