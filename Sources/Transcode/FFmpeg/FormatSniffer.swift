import Foundation
import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// Identifies a file's container from its first bytes (never its name) and allow-lists it.
///
/// The demuxer it returns is passed to `avformat_open_input`, so FFmpeg does not probe again
/// and cannot pick a demuxer we did not accept (playlists, image sequences, network formats).
enum FormatSniffer {
    /// Demuxers we accept, by FFmpeg's short name list.
    static let accepted: Set<String> = ["mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", "mpegts", "flv"]

    /// Bytes read for sniffing; MPEG-TS needs several 188-byte packets.
    static let sniffBytes = 256 * 1024

    /// The first name of a demuxer's name list (`mov,mp4,m4a,…` → `mov`).
    static func family(of format: UnsafePointer<AVInputFormat>) -> String {
        String(String(cString: format.pointee.name).prefix { $0 != "," })
    }

    /// Returns the demuxer for `url`, or throws `unsupported_format` (or `io`).
    static func sniff(_ url: URL) throws(TranscodeError) -> UnsafePointer<AVInputFormat> {
        let head: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            head = try handle.read(upToCount: sniffBytes) ?? Data()
        } catch {
            throw TranscodeError(.io, "cannot read \(url.path): \(error.localizedDescription)")
        }
        guard !head.isEmpty else {
            throw TranscodeError(.unsupportedFormat, "\(url.path) is empty")
        }
        // libavformat requires zeroed padding after the probe buffer.
        var buffer = [UInt8](head)
        buffer.append(contentsOf: repeatElement(0, count: Int(AVPROBE_PADDING_SIZE)))
        let format: UnsafePointer<AVInputFormat>? = buffer.withUnsafeMutableBufferPointer { bytes in
            "".withCString { emptyName in
                var probe = AVProbeData()
                probe.filename = emptyName
                probe.buf = bytes.baseAddress
                probe.buf_size = Int32(head.count)
                var score = AVPROBE_SCORE_RETRY
                return av_probe_input_format2(&probe, 1, &score)
            }
        }
        guard let format else {
            throw TranscodeError(.unsupportedFormat, "\(url.path) is not a recognised video container")
        }
        let name = String(cString: format.pointee.name)
        guard accepted.contains(name) else {
            throw TranscodeError(.unsupportedFormat, "container \(name) is not accepted (\(url.path))")
        }
        return format
    }
}
