public import Foundation
public import Thumbnail
public import Transcode

/// One message between `serve` and a worker child (see `WorkerChannel` for the framing).
///
/// Parent → child: `job` (the input travels beside it as a descriptor), `cancel`.
/// Child → parent: `ready` once after start-up, `progress`, then one `result` or `failure` per job.
public enum WorkerMessage: Codable, Sendable, Equatable {
    /// Start-up is over and the sandbox is in place: the child takes jobs.
    case ready
    case job(WorkerJob)
    case cancel
    case progress(fraction: Double, stage: String)
    /// The pipeline's manifest (`PhotoManifest` or `VideoManifest` as JSON): it declares every
    /// output written into the scratch directory. `pdqDihedral` carries a photo's dihedral PDQ
    /// variants, which the manifest's JSON leaves out.
    case result(manifest: Data, pdqDihedral: [String]?)
    case failure(WorkerFailure)
}

/// A job handed to a child: which pipeline, its presets and where to write.
public struct WorkerJob: Codable, Sendable, Equatable {
    /// `photo` or `video`.
    public var kind: String
    public var photoPreset: PhotoPreset
    public var videoPreset: VideoPreset
    /// An empty directory the parent created; the child writes only here.
    public var scratchDirectory: String

    /// A job for the `kind` pipeline, writing into `scratchDirectory`.
    public init(kind: String, photoPreset: PhotoPreset, videoPreset: VideoPreset, scratchDirectory: String) {
        (self.kind, self.photoPreset, self.videoPreset, self.scratchDirectory) = (kind, photoPreset, videoPreset, scratchDirectory)
    }
}

/// A job the child finished without outputs: the child's `MediaFailure`, disposition included,
/// so the parent acts on it exactly as on a failure in its own process.
public struct WorkerFailure: Codable, Sendable, Equatable {
    public var code: String
    public var message: String
    public var disposition: FailureDisposition

    /// A failure with its code, message and disposition.
    public init(code: String, message: String, disposition: FailureDisposition) {
        (self.code, self.message, self.disposition) = (code, message, disposition)
    }
}

/// A frame that breaks the protocol (size, version, length, JSON): the other side is not
/// speaking it, or not well.
public struct WorkerFrameError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

extension WorkerMessage {
    /// The protocol version, the first byte of every frame.
    public static let version: UInt8 = 1
    /// The largest frame either side accepts (a video manifest is a few KiB).
    public static let maximumFrame = 1 << 20

    /// `[version][UInt32 big-endian length][JSON]`.
    public func frame() throws -> Data {
        let body = try JSONEncoder().encode(self)
        guard body.count + 5 <= Self.maximumFrame else {
            throw WorkerFrameError(description: "worker message of \(body.count) bytes exceeds the frame limit")
        }
        var frame = Data([Self.version])
        let length = UInt32(body.count)
        frame.append(contentsOf: [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)])
        frame.append(body)
        return frame
    }

    /// Decodes one frame; throws on a wrong version, a length that disagrees with the frame,
    /// or a frame over `maximumFrame`.
    public init(frame: Data) throws {
        let bytes = [UInt8](frame)
        guard bytes.count >= 5, bytes.count <= Self.maximumFrame else {
            throw WorkerFrameError(description: "worker frame of \(bytes.count) bytes is malformed")
        }
        guard bytes[0] == Self.version else {
            throw WorkerFrameError(description: "worker protocol version \(bytes[0]), expected \(Self.version)")
        }
        let length = Int(bytes[1]) << 24 | Int(bytes[2]) << 16 | Int(bytes[3]) << 8 | Int(bytes[4])
        guard length == bytes.count - 5 else {
            throw WorkerFrameError(description: "worker frame declares \(length) bytes, carries \(bytes.count - 5)")
        }
        do {
            self = try JSONDecoder().decode(WorkerMessage.self, from: Data(bytes[5...]))
        } catch {
            throw WorkerFrameError(description: "worker frame's message does not decode: \(error)")
        }
    }
}
