import Foundation
import CAVFormat
import Thumbnail

/// Classifies a file with ``MediaFormat``'s table and hands FFmpeg the one demuxer it names.
///
/// The demuxer is passed to `avformat_open_input`, so FFmpeg never probes by itself and cannot
/// pick a demuxer we did not accept (playlists, image sequences, network formats).
enum FormatSniffer {
    /// The first name of a demuxer's name list (`mov,mp4,m4a,…` → `mov`).
    static func family(of format: UnsafePointer<AVInputFormat>) -> String {
        String(String(cString: format.pointee.name).prefix { $0 != "," })
    }

    /// The table's verdict on `url`'s first bytes; throws `unsupported_format` for an image or
    /// anything the table does not accept, `io` when unreadable.
    static func videoFormat(_ url: URL) throws(TranscodeError) -> MediaFormat {
        let head: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            head = try handle.read(upToCount: MediaFormat.sniffLength) ?? Data()
        } catch {
            throw TranscodeError(.io, "cannot read \(url.path): \(error.localizedDescription)")
        }
        guard !head.isEmpty else {
            throw TranscodeError(.unsupportedFormat, "\(url.path) is empty")
        }
        guard let format = MediaFormat.sniff(head), format.isVideo else {
            throw TranscodeError(.unsupportedFormat, "\(url.path) is not a recognised video container")
        }
        return format
    }

    /// Returns the demuxer for `url`, or throws `unsupported_format` (or `io`).
    static func sniff(_ url: URL) throws(TranscodeError) -> UnsafePointer<AVInputFormat> {
        let format = try videoFormat(url)
        guard let name = demuxerName(format), let demuxer = av_find_input_format(name) else {
            throw TranscodeError(.unsupportedFormat, "this FFmpeg has no \(format.rawValue) demuxer (\(url.path))")
        }
        return demuxer
    }

    /// FFmpeg's short name for the demuxer of a video format; nil for an image.
    private static func demuxerName(_ format: MediaFormat) -> String? {
        switch format {
        case .mp4: "mov"
        case .matroska: "matroska"
        case .avi: "avi"
        case .mpegts: "mpegts"
        case .flv: "flv"
        case .jpeg, .png, .webp, .gif, .heic, .avif: nil
        }
    }
}
