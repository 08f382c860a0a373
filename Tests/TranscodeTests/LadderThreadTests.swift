import Foundation
import Glibc
import Testing
@testable import Transcode

extension TranscodeSuite {
    /// The rungs' encoders are opened at once on several threads; libx264 starts its own
    /// threads there, which inherit that thread's scheduling priority.
    @Suite struct LadderThreadTests {
        /// The calling thread's nice value (per thread on Linux).
        private static func niceValue() -> Int32 {
            getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        }

        /// What the test's thread saw; written before `done` is signalled, read after the wait.
        private final class Seen: @unchecked Sendable {
            var caller: Int32 = 0
            var indices: [Int32] = []
        }

        @Test("every rung opens on a thread at the caller's priority")
        func writersOpenAtTheCallersPriority() throws {
            // A nice value no Dispatch pool uses (they run at 0, -2 or -4), set on a thread of
            // this test's own: raising it needs no privilege.
            let wanted: Int32 = 3
            let seen = Seen()
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, wanted)
                seen.caller = Self.niceValue()
                seen.indices = (try? Ladder.concurrently(3) { _ throws(TranscodeError) in Self.niceValue() }) ?? []
                done.signal()
            }
            thread.start()
            done.wait()
            #expect(seen.caller == wanted)
            #expect(seen.indices == [wanted, wanted, wanted])
        }
    }
}
