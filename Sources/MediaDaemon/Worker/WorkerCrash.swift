import Foundation
import Glibc

/// A worker child died while it held a job: by a signal, a non-zero exit, a broken channel, or
/// the watchdog's kill (`killedBy`). Attributed to exactly that job, and a strike against its
/// input either way: a hanging decoder is as bad as a crashing one.
struct WorkerCrash: Error, Sendable, CustomStringConvertible {
    /// The signal that killed it, if one did.
    var signal: Int32?
    /// Its exit status, if it exited.
    var exitStatus: Int32?
    /// The last stage it reported for the job.
    var stage: String
    /// What the parent saw (`channel closed`, `protocol violation: …`).
    var detail: String
    /// Set when the parent's watchdog killed the child (over its budget, or stalled).
    var killedBy: WorkerWatchdog.Verdict? = nil

    /// The failure code the attempt is recorded with: `worker_crashed`, `timed_out` or `stalled`.
    var code: String { killedBy?.rawValue ?? "worker_crashed" }

    /// `SIGSEGV`, `exit 3`, `unknown`, or the watchdog's `timed_out` / `stalled`.
    var cause: String {
        if let killedBy { return killedBy.rawValue }
        if let signal { return Self.signalName(signal) }
        if let exitStatus { return "exit \(exitStatus)" }
        return "unknown"
    }

    var description: String {
        killedBy == nil ? "worker died (\(cause)) during \(stage): \(detail)" : "worker killed (\(cause)) during \(stage): \(detail)"
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGSEGV: "SIGSEGV"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGILL: "SIGILL"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        case SIGSYS: "SIGSYS"
        case SIGTRAP: "SIGTRAP"
        case SIGXCPU: "SIGXCPU"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}
