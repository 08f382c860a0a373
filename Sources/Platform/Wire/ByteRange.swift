import Foundation

/// A requested byte range of an object, with HTTP `Range` semantics.
public enum ByteRange: Sendable, Hashable {
    /// Bytes `first` through `last`, both inclusive (`bytes=first-last`); `last` past the end
    /// is clamped to the last byte.
    case closed(first: Int64, last: Int64)
    /// Bytes from `first` to the end (`bytes=first-`).
    case from(Int64)
    /// The final `count` bytes (`bytes=-count`); the whole object when it is shorter.
    case suffix(Int64)

    /// The half-open byte offsets this range selects in an object of `size` bytes.
    ///
    /// Throws `StoreError` with code `rangeNotSatisfiable` when no byte of the object is
    /// selected (start at or past the end, an empty suffix, a reversed range).
    public func resolve(size: Int64, key: String = "") throws(StoreError) -> Range<Int64> {
        func unsatisfiable() -> StoreError {
            StoreError(.rangeNotSatisfiable, "range \(self) not satisfiable for \(size) bytes", path: key)
        }
        switch self {
        case .closed(let first, let last):
            guard first >= 0, last >= first, first < size else { throw unsatisfiable() }
            return first..<(min(last, size - 1) + 1)
        case .from(let first):
            guard first >= 0, first < size else { throw unsatisfiable() }
            return first..<size
        case .suffix(let count):
            guard count > 0, size > 0 else { throw unsatisfiable() }
            return max(0, size - count)..<size
        }
    }

    /// One `bytes=` range of a `Range` header; nil for anything else (several ranges, other
    /// units), which is then ignored and the whole object served, as RFC 9110 allows.
    package static func parse(header: String) -> ByteRange? {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        switch (Int64(parts[0]), Int64(parts[1])) {
        case (let first?, let last?): return .closed(first: first, last: last)
        case (let first?, nil) where parts[1].isEmpty: return .from(first)
        case (nil, let count?) where parts[0].isEmpty: return .suffix(count)
        default: return nil
        }
    }
}
