import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What end-to-end tests read from /proc about the processes they start.
enum ProcFS {
    /// A /proc file's text (its size reads as 0, so read to the end); empty when it is gone.
    static func text(_ path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }

    /// Descriptor number → what it points to (`socket:[123]`, a path…) for process `pid`.
    static func descriptors(of pid: pid_t) -> [Int: String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        var result: [Int: String] = [:]
        for name in names {
            guard let number = Int(name),
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(name)")
            else { continue }
            result[number] = target
        }
        return result
    }

    /// The pids whose parent is `pid`.
    static func children(of pid: pid_t) -> [pid_t] {
        namedChildren(of: pid).map(\.pid)
    }

    /// The pids whose parent is `pid`, with their command names.
    static func namedChildren(of pid: pid_t) -> [(pid: pid_t, name: String)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.compactMap { candidate in
            let stat = text("/proc/\(candidate)/stat")
            guard let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, Int32(fields[1]) == pid else { return nil }
            return (candidate, String(stat[stat.index(after: open)..<close]))
        }
    }

    /// The `flags:` of descriptor `number` of `pid` (octal in /proc/<pid>/fdinfo), nil if closed.
    static func descriptorFlags(of pid: pid_t, _ number: Int) -> Int? {
        let line = text("/proc/\(pid)/fdinfo/\(number)").split(separator: "\n").first { $0.hasPrefix("flags:") }
        return line.flatMap { Int($0.dropFirst("flags:".count).trimmingCharacters(in: .whitespaces), radix: 8) }
    }

    /// The inode of the TCP socket listening on `port` (from /proc/net/tcp: state 0A).
    static func listeningInode(port: Int) -> String? {
        let hexPort = String(format: ":%04X", port)
        for line in text("/proc/net/tcp").split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 9, fields[1].hasSuffix(hexPort), fields[3] == "0A" else { continue }
            return String(fields[9])
        }
        return nil
    }

    /// True when `pid` has exited (reaped, or a zombie its new parent has not reaped yet).
    static func isGone(_ pid: pid_t) -> Bool {
        let stat = text("/proc/\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }

    /// The media worker children of a `serve` (`mediadaemon worker …`).
    static func workers(of pid: pid_t) -> [pid_t] {
        children(of: pid).filter { text("/proc/\($0)/cmdline").split(separator: "\0").dropFirst().first == "worker" }
    }

    /// A `VmHWM`-style field of /proc/PID/status in KiB (peak resident set: "VmHWM").
    static func statusKiB(_ field: String, of pid: pid_t) -> Int? {
        for line in text("/proc/\(pid)/status").split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).prefix { $0.isNumber })
        }
        return nil
    }
}
