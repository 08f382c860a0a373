import Foundation

/// Where a job's files are written while in progress, and how they become visible.
///
/// Everything is written under hidden partial names in the output directory; ``commit()``
/// renames them into place (rename(2) is atomic within a file system) and ``discard()``
/// removes them, so a failed or cancelled job leaves nothing behind.
struct OutputStaging {
    let directory: URL
    /// Final MP4 names, e.g. `720.mp4`.
    let names: [String]
    /// Folder holding HLS playlists and segments.
    static let hlsFolder = "hls"
    /// Folder holding the poster's photo renditions.
    static let posterFolder = "poster"

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
    /// A folder's location while in progress.
    func partialFolder(_ name: String) -> URL { directory.appendingPathComponent(".\(name).partial") }

    /// Creates an empty partial folder (removing leftovers of an earlier crash).
    func prepareFolder(_ name: String) throws(TranscodeError) {
        let url = partialFolder(name)
        try? FileManager.default.removeItem(at: url)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw TranscodeError(.io, "cannot create \(url.path): \(error.localizedDescription)")
        }
    }

    /// Writes a text file into a partial folder.
    func write(_ text: String, named name: String, inFolder folder: String) throws(TranscodeError) {
        let url = partialFolder(folder).appendingPathComponent(name)
        do {
            try Data(text.utf8).write(to: url)
        } catch {
            throw TranscodeError(.io, "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// Moves every partial file and folder into place; a folder replaces an older one.
    func commit(folders: [String]) throws(TranscodeError) {
        for (partial, final) in zip(partials, finals) { try Self.rename(partial, final) }
        for folder in folders {
            let final = directory.appendingPathComponent(folder)
            try? FileManager.default.removeItem(at: final)
            try Self.rename(partialFolder(folder), final)
        }
    }

    /// Removes whatever was written.
    func discard() {
        for url in partials { try? FileManager.default.removeItem(at: url) }
        for folder in [Self.hlsFolder, Self.posterFolder] {
            try? FileManager.default.removeItem(at: partialFolder(folder))
        }
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
