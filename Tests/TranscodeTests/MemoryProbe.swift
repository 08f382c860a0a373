import Foundation

/// Reads how much memory the process holds, to catch leaks of FFmpeg frames and contexts.
enum MemoryProbe {
    /// Resident set size in bytes, from `/proc/self/statm`; nil where that file does not exist.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
