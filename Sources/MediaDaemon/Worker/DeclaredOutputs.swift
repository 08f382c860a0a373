import CDispatch  // `struct stat` and `timespec` are attributed to CDispatch under MemberImportVisibility
import Dispatch
import Foundation
import Glibc
import Platform
import Thumbnail
import Transcode

/// The files a manifest declares, the only ones the parent publishes from a worker's scratch
/// directory: each rendition's path, and the files of the HLS folder the master playlist names.
struct DeclaredOutputs: Sendable {
    var files: [String]
    /// Folders all of whose regular files are outputs (`hls/`: playlists and segments).
    var folders: [String]

    init(_ manifest: PhotoManifest) {
        files = manifest.renditions.map(\.path)
        folders = []
    }

    init(_ manifest: VideoManifest) {
        files = manifest.renditions.map(\.path) + (manifest.poster?.renditions.map(\.path) ?? []) + (manifest.hls.map { [$0] } ?? [])
        folders = manifest.hls.map { [($0 as NSString).deletingLastPathComponent] }?.filter { !$0.isEmpty } ?? []
    }

    /// Copies every declared file under `scratch` into the store under `prefix`. A declared
    /// name that escapes the folder, crosses a symbolic link or is not a regular file fails the
    /// job: a worker wrote something it should not have.
    func publish(from scratch: URL, to store: ObjectStore, mediaID: Int64, prefix: String) throws {
        try forEach(in: scratch) { name, file in
            _ = try store.put(
                try ObjectKey.rendition(mediaID: mediaID, storePrefix: prefix, path: name), fromFile: "/proc/self/fd/\(file)")
        }
    }

    /// Copies every declared file under `scratch` to the same relative path under `directory`
    /// (`process --isolated`), with the same checks as `publish`.
    func copy(from scratch: URL, to directory: URL) throws {
        try forEach(in: scratch) { name, file in
            let target = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            let output = open(target.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard output >= 0 else {
                throw MediaFailure.internalError("cannot write \(target.path): \(String(cString: strerror(errno)))")
            }
            defer { close(output) }
            while true {
                let sent = sendfile(output, file, nil, 1 << 20)
                if sent == 0 { break }
                if sent < 0, errno == EINTR { continue }
                guard sent > 0 else {
                    throw MediaFailure.internalError("copying \(name) failed: \(String(cString: strerror(errno)))")
                }
            }
        }
    }

    /// Opens each declared file under `scratch` (`O_NOFOLLOW`, regular files only, parents
    /// checked to be real folders) and hands its relative name and descriptor to `body`.
    private func forEach(in scratch: URL, _ body: (String, Int32) throws -> Void) throws {
        let root = scratch.standardizedFileURL.path
        var names = Set(files)
        for folder in folders {
            try Self.checkSafe(folder, under: root, isFolder: true)
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? []
            names.formUnion(entries.map { folder + "/" + $0 })
        }
        for name in names.sorted() {
            try Self.checkSafe(name, under: root, isFolder: false)
            // O_NOFOLLOW: the last component must not be a link; the folders were checked above.
            let file = open(root + "/" + name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard file >= 0 else {
                throw MediaFailure.internalError("declared output \(name) cannot be opened: \(String(cString: strerror(errno)))")
            }
            defer { close(file) }
            var info = stat()
            guard fstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                throw MediaFailure.internalError("declared output \(name) is not a regular file")
            }
            try body(name, file)
        }
    }

    /// A relative name without `..` whose parent folders under `root` are real folders, not links.
    private static func checkSafe(_ name: String, under root: String, isFolder: Bool) throws {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw MediaFailure.internalError("declared output \(name) is not a plain relative path")
        }
        var path = root
        for part in isFolder ? parts[...] : parts.dropLast() {
            path += "/" + part
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                throw MediaFailure.internalError("declared output \(name) crosses \(path), which is not a folder")
            }
        }
    }
}
