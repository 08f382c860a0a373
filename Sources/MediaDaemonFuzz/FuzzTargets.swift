import Foundation
@testable import PlatformWire
@testable import Thumbnail
@testable import Transcode
import WorkerWire

/// Every fuzz target by name, each a thin adapter from libFuzzer's bytes to one parser entry
/// point. When a parser moves or is merged, only its line here changes.
///
/// Besides "never crashes", some targets check a property that must hold for any input (a
/// decoded cursor re-encodes to itself, a valid key stays inside the store, the multipart
/// parser sees the same parts however the body is split); a violation aborts like a crash.
enum FuzzTargets {
    typealias Body = @Sendable (UnsafeBufferPointer<UInt8>) -> Void

    /// The target this run exercises (set once by main before the driver starts).
    nonisolated(unsafe) static var selected: Body = { _ in }

    static let all: [String: Body] = [
        "heif-header": { bytes in _ = HEIFHeader.declaredSize(Array(bytes)) },
        "icc-profile": { bytes in _ = ICCProfile.isSRGB(Array(bytes)) },
        "image-format": { bytes in _ = ImageFormat.sniff(bytes) },
        "media-format": { bytes in _ = MediaFormat.sniff(bytes) },
        "image-probe": { bytes in _ = try? ImageProbe.probe(Data(buffer: bytes)) },
        "video-sniffer": videoSniffer,
        "multipart": MultipartFuzz.run,
        "multipart-boundary": { bytes in
            guard let boundary = MultipartParser.boundary(contentType: text(bytes)) else { return }
            require((1...70).contains(boundary.utf8.count), "boundary of \(boundary.utf8.count) bytes accepted")
        },
        "request-json": requestJSON,
        "cursor": cursor,
        "object-key": objectKey,
        "byte-range": byteRange,
        "video-timestamps": TimestampFuzz.run,
        // serve's decoder of what its (untrusted) worker children send.
        "worker-message": { bytes in
            guard let message = try? WorkerMessage(frame: Data(buffer: bytes)) else { return }
            let again = try? WorkerMessage(frame: message.frame())
            require(again == message, "a decoded worker message does not survive re-framing")
        },
    ]

    /// Aborts the run (libFuzzer saves the input) when a property does not hold.
    static func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
        guard !condition() else { return }
        FileHandle.standardError.write(Data("property failed: \(message())\n".utf8))
        abort()
    }

    static func text(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// FormatSniffer reads the head of a file, as the pipeline hands it one.
    private static let sniffPath = FileManager.default.temporaryDirectory
        .appendingPathComponent("mediadaemon-fuzz-\(getpid()).bin")

    private static func videoSniffer(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard FileManager.default.createFile(atPath: sniffPath.path, contents: Data(buffer: bytes)) else { return }
        _ = try? FormatSniffer.sniff(sniffPath)
    }

    /// The first byte picks the body type, the rest is the body.
    private static func requestJSON(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let selector = bytes.first else { return }
        let body = Data(bytes.dropFirst())
        if selector & 1 == 0 {
            _ = try? JSONRequest.decode(JSONRequest.Credentials.self, from: body)
        } else {
            _ = try? JSONRequest.decode(JSONRequest.NewComment.self, from: body)
        }
    }

    /// A cursor that decodes re-encodes to text that decodes to the same position.
    private static func cursor(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let cursor = try? Cursor(decoding: text(bytes)) else { return }
        require((try? Cursor(decoding: cursor.encoded)) == cursor, "cursor \(cursor) does not round-trip")
    }

    /// A `Range` header against an object size (the first 4 bytes): a resolved range is a
    /// non-empty run of the object's bytes.
    private static func byteRange(_ bytes: UnsafeBufferPointer<UInt8>) {
        let size = bytes.prefix(4).reduce(Int64(0)) { $0 << 8 | Int64($1) }
        guard let range = ByteRange.parse(header: text(bytes.dropFirst(4))),
            let resolved = try? range.resolve(size: size)
        else { return }
        require(resolved.lowerBound >= 0 && resolved.upperBound <= size && !resolved.isEmpty, "\(range) resolved to \(resolved) of \(size)")
    }

    /// An accepted key names a file strictly inside the store: no empty, `.` or `..` segment,
    /// no leading `/`, within the length limits.
    private static func objectKey(_ bytes: UnsafeBufferPointer<UInt8>) {
        let candidate = text(bytes)
        _ = try? ObjectKey.validate(candidate, allowingPartialPrefix: true)
        guard let key = try? ObjectKey(candidate) else { return }
        let parts = key.rawValue.split(separator: "/", omittingEmptySubsequences: false)
        require(!parts.contains { $0.isEmpty || $0 == "." || $0 == ".." }, "key \(key.rawValue.debugDescription) escapes")
        require(key.rawValue.utf8.count <= 1024 && !key.rawValue.contains("\\"), "key \(key.rawValue.debugDescription) accepted")
    }
}
