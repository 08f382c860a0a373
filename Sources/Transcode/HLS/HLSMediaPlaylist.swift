import Foundation

/// Reads back a media playlist the HLS muxer wrote, to measure what the master must declare.
struct HLSMediaPlaylist {
    struct Segment {
        var uri: String
        var seconds: Double
    }

    let segments: [Segment]

    /// Parses `#EXTINF:<seconds>,` lines and the URI line after each.
    init(text: String) {
        var segments: [Segment] = []
        var pending: Double?
        for line in text.split(whereSeparator: \.isNewline).map(String.init) {
            if line.hasPrefix("#EXTINF:") {
                let value = line.dropFirst("#EXTINF:".count).prefix { $0 != "," }
                pending = Double(value)
            } else if !line.hasPrefix("#"), !line.isEmpty, let seconds = pending {
                segments.append(Segment(uri: line, seconds: seconds))
                pending = nil
            }
        }
        self.segments = segments
    }

    /// The highest bit rate of any segment (bytes on disk over its duration), in bit/s: the
    /// `BANDWIDTH` a master playlist must declare.
    ///
    /// A final segment much shorter than `segmentSeconds` (one keyframe left over) is ignored:
    /// its rate says nothing about sustained throughput and would inflate the figure tenfold.
    static func peakBitrate(playlist url: URL, segmentSeconds: Double) throws(TranscodeError) -> Int {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw TranscodeError(.io, "cannot read \(url.path): \(error.localizedDescription)")
        }
        let folder = url.deletingLastPathComponent()
        var peak = 0.0
        let all = HLSMediaPlaylist(text: text).segments.filter { $0.seconds > 0 }
        let full = all.filter { $0.seconds >= segmentSeconds / 2 }
        for segment in full.isEmpty ? all : full {
            let path = folder.appendingPathComponent(segment.uri).path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let bytes = (attributes[.size] as? NSNumber)?.doubleValue
            else {
                throw TranscodeError(.internal, "HLS segment \(path) listed in \(url.path) is missing")
            }
            peak = max(peak, bytes * 8 / segment.seconds)
        }
        return Int(peak.rounded(.up))
    }
}
