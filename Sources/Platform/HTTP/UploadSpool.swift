import Foundation

/// The media part of an upload on its way to the store: written to a temporary file chunk by
/// chunk, hashed (SHA-256) and counted as it arrives, its kind sniffed from the first bytes,
/// and refused (413) as soon as it passes its kind's limit.
struct UploadSpool {
    let path: String
    private let handle: FileHandle
    private var hasher = SHA256Hasher()
    private var head: [UInt8] = []
    private(set) var bytes: Int64 = 0
    private(set) var kind: MediaKind?
    private let limits: (photo: Int64, video: Int64)
    private let sniffer: MediaSniffer

    /// Name prefix of spool files (`LeftoverSweeper` removes old ones a killed daemon left).
    static let filePrefix = "mediadaemon-upload-"

    init(directory: String, limits: (photo: Int64, video: Int64), sniffer: MediaSniffer) throws {
        do { try LeftoverOwner.claim(directory) } catch { throw SpoolError(message: "cannot claim the upload spool directory: \(error)") }
        path = directory + "/" + Self.filePrefix + LeftoverOwner.tag + "-" + UUID().uuidString.lowercased()
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw SpoolError(message: "cannot create the upload spool file")
        }
        self.handle = handle
        self.limits = limits
        self.sniffer = sniffer
    }

    /// Appends a chunk: 400 `unsupported_format` once the first bytes are known and match no
    /// accepted format, 413 `too_large` past the kind's limit.
    mutating func write(_ chunk: [UInt8]) throws {
        bytes += Int64(chunk.count)
        if kind == nil {
            head.append(contentsOf: chunk.prefix(max(0, sniffer.length - head.count)))
            if head.count >= sniffer.length { try sniff() }
        }
        try checkLimit()
        chunk.withUnsafeBytes { hasher.update($0) }
        try handle.write(contentsOf: chunk)
    }

    /// Ends the part; returns the lowercase hex SHA-256 of everything written.
    mutating func finish() throws -> (sha256: String, kind: MediaKind) {
        if kind == nil { try sniff() }
        try checkLimit()
        try handle.close()
        guard let kind else { throw Self.unsupported }
        return (hasher.finalizeHex(), kind)
    }

    /// Removes the spool file (after the store has its copy, or on failure).
    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    private mutating func sniff() throws {
        guard let sniffed = sniffer.kind(head) else { throw Self.unsupported }
        kind = sniffed
    }

    private func checkLimit() throws {
        let limit = kind == .photo ? limits.photo : max(limits.photo, limits.video)
        guard bytes <= limit else {
            throw SocialError(.tooLarge, "too_large", "the \(kind?.rawValue ?? "media") is larger than \(limit) bytes")
        }
    }

    static let unsupported = SocialError(
        .invalid, "unsupported_format", "the media is not a supported photo or video format")
}

/// Spool file trouble: internal, answered with a generic 500.
struct SpoolError: Error {
    var message: String
}
