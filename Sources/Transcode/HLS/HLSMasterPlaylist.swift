/// The HLS master playlist: one `#EXT-X-STREAM-INF` per rung, pointing at its media playlist.
struct HLSMasterPlaylist {
    struct Variant {
        /// Peak bit rate (the rung's maxrate plus audio), bit/s.
        var bandwidth: Int
        /// Measured average bit rate, bit/s.
        var averageBandwidth: Int
        var width: Int
        var height: Int
        var frameRate: Double
        /// Video codec string, e.g. `avc1.64001f`.
        var videoCodec: String
        var hasAudio: Bool
        /// Media playlist, relative to the master (`720.m3u8`).
        var uri: String
    }

    var variants: [Variant]

    /// The playlist text (RFC 8216), variants in ladder order.
    var text: String {
        var lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
        for variant in variants {
            let codecs = variant.hasAudio ? "\(variant.videoCodec),mp4a.40.2" : variant.videoCodec
            var attributes = [
                "BANDWIDTH=\(variant.bandwidth)",
                "AVERAGE-BANDWIDTH=\(variant.averageBandwidth)",
                "RESOLUTION=\(variant.width)x\(variant.height)",
            ]
            if variant.frameRate > 0 {
                let thousandths = Int((variant.frameRate * 1000).rounded())
                let fraction = String(thousandths % 1000)
                attributes.append(
                    "FRAME-RATE=\(thousandths / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)")
            }
            attributes.append("CODECS=\"\(codecs)\"")
            lines.append("#EXT-X-STREAM-INF:" + attributes.joined(separator: ","))
            lines.append(variant.uri)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
