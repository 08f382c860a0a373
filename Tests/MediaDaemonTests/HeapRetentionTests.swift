import CMallocStats
import Foundation
import Testing

@testable import MediaDaemon

@Suite("Heap retention")
struct HeapRetentionTests {
    @Test("glibc takes the thresholds, and a block of a large decode's size then comes from the heap")
    func imageSizedBlocksStayInTheHeap() throws {
        // glibc refuses an mmap threshold above 32 MiB (its ceiling on 64-bit).
        #expect(HeapRetention.keepImageBuffers())
        // 24 MiB (a 2048-wide RGB rendition is 12 MiB): by default glibc maps such a block on
        // its own and unmaps it on free; 40 MiB is above any threshold glibc accepts.
        let block = try #require(malloc(24 << 20))
        defer { free(block) }
        #expect(CMallocStats_isMapped(block) == 0)
        let huge = try #require(malloc(40 << 20))
        defer { free(huge) }
        #expect(CMallocStats_isMapped(huge) == 1)
    }
}
