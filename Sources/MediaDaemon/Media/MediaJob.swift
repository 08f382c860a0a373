import Foundation
import Thumbnail
import Transcode

/// One local file run through the photo or video pipeline, for `process` and `hash`.
///
/// The kind comes from the file's magic bytes, through ``MediaFormat``'s table (the one the
/// HTTP upload and the pipelines use): what it does not accept is refused before any decoding.
struct MediaJob: Sendable {
    enum Kind: String, Sendable {
        case photo, video

        /// The pipeline for a format of ``MediaFormat``'s table.
        init(_ format: MediaFormat) { self = format.isVideo ? .video : .photo }
    }

    /// Presets for both kinds; `--preset` replaces the one of its kind.
    struct Presets: Sendable {
        var photo: PhotoPreset = .photo
        var video: VideoPreset = .default

        /// The largest photo and video upload, in bytes: the presets own these limits, the HTTP
        /// upload refuses (413) anything the pipeline would refuse as too large.
        var uploadByteLimits: (photo: Int64, video: Int64) {
            (Int64(photo.limits.maxBytes), Int64(video.limits.maxBytes))
        }

        /// The built-in presets, replaced by `photo.json` / `video.json` in `directory` when
        /// those files exist (the repository's `jobs/`), checked with ``check()``.
        static func fromDirectory(_ directory: String) throws -> Presets {
            var presets = Presets()
            for name in ["photo.json", "video.json"] where FileManager.default.fileExists(atPath: "\(directory)/\(name)") {
                try presets.load("\(directory)/\(name)")
            }
            try presets.check()
            return presets
        }

        /// Opens every encoder the video preset names with its options
        /// (`VideoPreset.checkEncoders`), so a preset they refuse stops `serve` or `process`
        /// before any job; throws a configuration ``MediaFailure``.
        func check() throws {
            do {
                try video.checkEncoders()
            } catch {
                throw MediaFailure(error)
            }
        }

        /// Loads a preset file of either kind (a video preset has a `video` section) and says
        /// which kind it was.
        @discardableResult
        mutating func load(_ path: String) throws -> Kind {
            let url = URL(fileURLWithPath: path)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw MediaFailure.configuration(code: "invalid_preset", message: "cannot read preset \(path)")
            }
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            do {
                if object?["video"] != nil {
                    video = try VideoPreset.load(from: url)
                    return .video
                }
                photo = try PhotoPreset.load(contentsOf: url)
                return .photo
            } catch {
                // A preset that cannot be read is configuration, whatever the library says.
                let failure = MediaFailure(error)
                throw MediaFailure.configuration(code: failure.code, message: failure.message)
            }
        }
    }

    let input: URL

    func kind() throws -> Kind {
        guard let handle = FileHandle(forReadingAtPath: input.path) else {
            throw MediaFailure.badInput(code: "unreadable", message: "cannot open \(input.path)")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: MediaFormat.sniffLength)) ?? Data()
        guard let format = MediaFormat.sniff(head) else {
            throw MediaFailure.badInput(
                code: "unsupported_format", message: "\(input.lastPathComponent) is neither a supported image nor a video container")
        }
        return Kind(format)
    }

    /// Runs the pipeline, writing into `directory`; returns the manifest as a JSON object.
    /// With `timings`, a photo's per-stage milliseconds go to stderr as one JSON line
    /// (`{"source": …, "timings": {…}}`).
    func process(into directory: URL, presets: Presets, timings: Bool = false) throws -> Data {
        do {
            switch try kind() {
            case .photo:
                var spent = PhotoTimings()
                let manifest = try PhotoPipeline(preset: presets.photo)
                    .process(input: input, outputDirectory: directory, timings: &spent)
                if timings { try Self.report(spent, source: input.path) }
                return try JSONEncoder().encode(manifest)
            case .video:
                let manifest = try VideoPipeline(preset: presets.video, posterPreset: presets.photo)
                    .process(input: input, outputDirectory: directory)
                return try JSONEncoder().encode(manifest)
            }
        } catch {
            throw MediaFailure(error)
        }
    }

    private static func report(_ timings: PhotoTimings, source: String) throws {
        let object: [String: Any] = [
            "source": source,
            "timings": try JSONSerialization.jsonObject(with: JSONEncoder().encode(timings)),
        ]
        let line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        FileHandle.standardError.write(line + Data("\n".utf8))
    }

    /// Computes the hashes without writing renditions.
    func hash(presets: Presets) throws -> Data {
        do {
            switch try kind() {
            case .photo:
                return try JSONEncoder().encode(PhotoPipeline(preset: presets.photo).hash(input: input))
            case .video:
                return try JSONEncoder().encode(VideoPipeline(preset: presets.video).hash(input: input))
            }
        } catch {
            throw MediaFailure(error)
        }
    }
}
