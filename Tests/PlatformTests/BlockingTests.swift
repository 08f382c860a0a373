import Dispatch
import Foundation
import Testing

@testable import Platform

/// `Blocking.run` keeps blocking work off the threads that run tasks: more blocked calls than
/// there are cores leave a task free to run, and that task is what unblocks them. Were the
/// calls on the task threads (as `DispatchQueue.global()` work is on Linux), the task could not
/// run until the calls gave up waiting.
@Suite("Blocking work runs off the cooperative pool")
struct BlockingTests {
    @Test func blockedCallsLeaveTasksFreeToRun() async throws {
        let count = ProcessInfo.processInfo.activeProcessorCount + 2
        let gate = DispatchSemaphore(value: 0)
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<count {
                group.addTask {
                    try await Blocking.run { gate.wait(timeout: .now() + 60) == .success }
                }
            }
            group.addTask {
                // Runs on the cooperative pool: reached only if the blocked calls left it a thread.
                await Task.yield()
                for _ in 0..<count { gate.signal() }
                return true
            }
            var outcomes: [Bool] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        #expect(outcomes.count == count + 1)
        #expect(outcomes.allSatisfy { $0 }, "a blocked call gave up: the task opening the gate could not run")
    }

    @Test func moreCallsThanThreadsAllComplete() async throws {
        // More calls than threads: every one still completes, with its own result.
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for index in 0..<(Blocking.maximumThreads * 3) {
                group.addTask { (index, try await Blocking.run { index * index }) }
            }
            var results: [Int: Int] = [:]
            for try await (index, square) in group { results[index] = square }
            return results
        }
        #expect(results.count == Blocking.maximumThreads * 3)
        #expect(results.allSatisfy { $0.value == $0.key * $0.key })
    }
}
