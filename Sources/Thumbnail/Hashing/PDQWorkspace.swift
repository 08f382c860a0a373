import Synchronization

/// The planes and lines one hash needs (PDQ's and pHash's), kept for the next hash on any
/// thread: a fresh plane-sized allocation per hash is mapped anew and costs a page fault per
/// 4 KiB.
///
/// `@unchecked Sendable`, because it owns raw pointers. The invariant that makes that safe:
/// a workspace is reachable from one place at a time, either the idle list (only under its
/// mutex) or the single `borrow` call that took it from there (or made it), so only the
/// thread running that call reads or writes its memory. `borrow` hands the workspace to its
/// `body` alone and puts it back after `body` returns; `body` must not keep the workspace or
/// any of its pointers beyond its own return (every caller in this module uses them within
/// the call and copies out what it returns).
final class PDQWorkspace: @unchecked Sendable {
    /// Workspaces larger than this many plane elements are freed after use, not kept.
    static let keptPlaneLimit = 2_600_000
    private static let idle = Mutex<[PDQWorkspace]>([])

    private(set) var planeCapacity = 0
    private(set) var lineCapacity = 0
    private(set) var luma: UnsafeMutablePointer<Float>
    /// A byte plane for pHash's grey values.
    private(set) var grey: UnsafeMutablePointer<UInt8>
    private(set) var plane: UnsafeMutablePointer<Float>
    private(set) var sampled: UnsafeMutablePointer<Float>
    private(set) var line: UnsafeMutablePointer<Float>
    private(set) var sums: UnsafeMutablePointer<Float>
    private(set) var lanes: UnsafeMutablePointer<SIMD8<Float>>
    private(set) var results: UnsafeMutablePointer<SIMD8<Float>>

    private init() {
        luma = .allocate(capacity: 1)
        grey = .allocate(capacity: 1)
        plane = .allocate(capacity: 1)
        sampled = .allocate(capacity: 1)
        line = .allocate(capacity: 1)
        sums = .allocate(capacity: 1)
        lanes = .allocate(capacity: 1)
        results = .allocate(capacity: 1)
    }

    deinit {
        for pointer in [luma, plane, sampled, line, sums] { pointer.deallocate() }
        grey.deallocate()
        lanes.deallocate()
        results.deallocate()
    }

    private func reserve(width: Int, height: Int) {
        let elements = width * height
        if elements > planeCapacity {
            luma.deallocate()
            plane.deallocate()
            grey.deallocate()
            luma = .allocate(capacity: elements)
            plane = .allocate(capacity: elements)
            grey = .allocate(capacity: elements)
            planeCapacity = elements
        }
        let longest = max(width, height)
        if longest > lineCapacity {
            for pointer in [sampled, line, sums] { pointer.deallocate() }
            lanes.deallocate()
            results.deallocate()
            sampled = .allocate(capacity: 64 * longest)
            line = .allocate(capacity: longest)
            sums = .allocate(capacity: longest)
            lanes = .allocate(capacity: longest)
            results = .allocate(capacity: longest)
            lineCapacity = longest
        }
    }

    /// Runs `body` with a workspace big enough for a `width`×`height` plane.
    static func borrow<Result, Failure: Error>(
        width: Int, height: Int, _ body: (PDQWorkspace) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let workspace = idle.withLock { $0.popLast() } ?? PDQWorkspace()
        workspace.reserve(width: width, height: height)
        defer {
            if workspace.planeCapacity <= keptPlaneLimit { idle.withLock { $0.append(workspace) } }
        }
        return try body(workspace)
    }
}
