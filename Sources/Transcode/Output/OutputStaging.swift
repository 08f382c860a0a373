public import Foundation

/// Where a job's files are written while in progress, and how they become visible.
///
/// Everything is written under hidden partial names in the output directory; ``commit()``
/// renames them into place (rename(2) is atomic within a file system) and ``discard()``
/// removes them, so a failed or cancelled job leaves nothing behind.
struct OutputStaging {
    let directory: URL
    /// Final MP4 names, e.g. `720.mp4`.
    let names: [String]
    /// Name of the HLS folder once committed.
    static let hlsFolder = "hls"

    init(directory: URL, names: [String]) throws(TranscodeError) {
        self.directory = directory
        self.names = names
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TranscodeError(.io, "cannot create \(directory.path): \(error.localizedDescription)")
        }
    }

    /// Where each MP4 is written before ``commit()``.
    var partials: [URL] { names.map { directory.appendingPathComponent(".\($0).partial") } }
    /// Where each MP4 ends up.
    var finals: [URL] { names.map { directory.appendingPathComponent($0) } }
    /// The HLS folder while in progress.
    var hlsPartial: URL { directory.appendingPathComponent(".\(Self.hlsFolder).partial") }
    /// The HLS folder once committed.
    var hlsFinal: URL { directory.appendingPathComponent(Self.hlsFolder) }

    /// Creates an empty partial HLS folder (removing leftovers of an earlier crash).
    func prepareHLS() throws(TranscodeError) {
        try? FileManager.default.removeItem(at: hlsPartial)
        do {
            try FileManager.default.createDirectory(at: hlsPartial, withIntermediateDirectories: true)
        } catch {
            throw TranscodeError(.io, "cannot create \(hlsPartial.path): \(error.localizedDescription)")
        }
    }

    /// Writes a text file into the partial HLS folder.
    func writeHLS(_ text: String, named name: String) throws(TranscodeError) {
        let url = hlsPartial.appendingPathComponent(name)
        do {
            try Data(text.utf8).write(to: url)
        } catch {
            throw TranscodeError(.io, "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// Moves every partial file into place; the HLS folder replaces an older one.
    func commit(withHLS: Bool) throws(TranscodeError) {
        for (partial, final) in zip(partials, finals) { try Self.rename(partial, final) }
        if withHLS {
            try? FileManager.default.removeItem(at: hlsFinal)
            try Self.rename(hlsPartial, hlsFinal)
        }
    }

    /// Removes whatever was written.
    func discard() {
        for url in partials { try? FileManager.default.removeItem(at: url) }
        try? FileManager.default.removeItem(at: hlsPartial)
    }

    /// Size of a committed file.
    func size(of url: URL) throws(TranscodeError) -> Int {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw TranscodeError(.io, "cannot stat \(url.path): \(error.localizedDescription)")
        }
    }

    private static func rename(_ from: URL, _ to: URL) throws(TranscodeError) {
        guard Foundation.rename(from.path, to.path) == 0 else {
            throw TranscodeError(.io, "cannot rename \(from.path) to \(to.path): errno \(errno)")
        }
    }
}
