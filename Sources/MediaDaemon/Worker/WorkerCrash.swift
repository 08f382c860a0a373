import Foundation
import Glibc

/// A worker child died while it held a job: by a signal, a non-zero exit, or a broken channel.
/// Attributed to exactly that job.
struct WorkerCrash: Error, Sendable, CustomStringConvertible {
    /// The signal that killed it, if one did.
    var signal: Int32?
    /// Its exit status, if it exited.
    var exitStatus: Int32?
    /// The last stage it reported for the job.
    var stage: String
    /// What the parent saw (`channel closed`, `protocol violation: …`).
    var detail: String

    /// `SIGSEGV`, `exit 3`, or `unknown`.
    var cause: String {
        if let signal { return Self.signalName(signal) }
        if let exitStatus { return "exit \(exitStatus)" }
        return "unknown"
    }

    var description: String { "worker died (\(cause)) during \(stage): \(detail)" }

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
