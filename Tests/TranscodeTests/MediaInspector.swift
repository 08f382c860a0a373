import Foundation

/// Looks at output files from outside our code: the ffprobe/ffmpeg CLIs and raw MP4 boxes.
enum MediaInspector {
    struct Report: Decodable {
        struct Stream: Decodable {
            var codec_type: String
            var codec_name: String
            var width: Int?
            var height: Int?
            var level: Int?
            var sample_rate: String?
            var channels: Int?
            var sample_aspect_ratio: String?
            var side_data_list: [[String: AnyValue]]?
        }
        struct Format: Decodable {
            var duration: String
            var tags: [String: String]?
        }
        var streams: [Stream]
        var format: Format

        var video: Stream? { streams.first { $0.codec_type == "video" } }
        var hasAudio: Bool { streams.contains { $0.codec_type == "audio" } }
        var durationMs: Int { Int(((Double(format.duration) ?? 0) * 1000).rounded()) }
    }

    /// Any JSON scalar (side data values are numbers or strings).
    struct AnyValue: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    /// `ffprobe -show_streams -show_format` as a value.
    static func probe(_ url: URL) throws -> Report {
        let (status, data) = try Fixtures.capture(
            "/usr/bin/ffprobe", ["-v", "error", "-show_streams", "-show_format", "-of", "json", url.path])
        guard status == 0 else { throw FixtureError(message: "ffprobe failed on \(url.path)") }
        return try JSONDecoder().decode(Report.self, from: data)
    }

    /// Four-character types of the top-level MP4 boxes, in file order.
    static func topLevelBoxes(_ url: URL) throws -> [String] {
        let data = try Data(contentsOf: url)
        var boxes: [String] = []
        var offset = 0
        while offset + 8 <= data.count {
            var size = data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: data[offset + 4..<offset + 8], as: UTF8.self)
            if size == 1, offset + 16 <= data.count {
                size = data[offset + 8..<offset + 16].reduce(0) { $0 << 8 | Int($1) }
            } else if size == 0 {
                size = data.count - offset
            }
            boxes.append(type)
            guard size >= 8 else { break }
            offset += size
        }
        return boxes
    }

    /// One grey 32×32 thumbnail of the frame at `seconds`, as the ffmpeg CLI decodes it
    /// (the CLI applies the display matrix itself, so it is the reference for orientation).
    static func greyThumbnail(_ url: URL, at seconds: Double, width: Int = 32, height: Int = 32) throws -> [UInt8] {
        let (status, data) = try Fixtures.capture(
            "/usr/bin/ffmpeg",
            [
                "-nostdin", "-v", "error", "-ss", String(seconds), "-i", url.path, "-frames:v", "1",
                "-vf", "scale=\(width):\(height),format=gray", "-f", "rawvideo", "-",
            ])
        guard status == 0, data.count == width * height else {
            throw FixtureError(message: "ffmpeg could not extract a frame from \(url.path)")
        }
        return [UInt8](data)
    }

    /// Mean absolute difference of two equally sized grey images (0…255).
    static func meanDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        let total = zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        return Double(total) / Double(max(1, min(a.count, b.count)))
    }
}
