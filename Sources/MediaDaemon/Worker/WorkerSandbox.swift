import CSeccomp
import Foundation
import Glibc

/// What a worker child gives up (Linux): set in two steps, `enter()` as the child starts and
/// `lockDown()` once start-up is over, before the first job.
///
/// - no new privileges (`PR_SET_NO_NEW_PRIVS`), and SIGKILL when serve dies (`PR_SET_PDEATHSIG`);
/// - no core dumps; `RLIMIT_DATA` at `memoryLimit` bytes;
/// - a seccomp filter that kills the process (SIGSYS) on any system call a decoder never makes:
///   networking, executing, tracing, mounting, namespaces, identity changes, kernel modules.
struct WorkerSandbox: Sendable {
    /// RLIMIT_DATA in bytes.
    var memoryLimit: UInt64
    /// False turns the seccomp filter off (diagnosis: `serve --no-worker-seccomp`).
    var seccomp: Bool

    /// Calls that kill the child. Opening files, mapping memory, threads (clone) and the
    /// channel's sendmsg/recvmsg stay allowed; an AF_UNIX `socket` fails with EACCES instead of
    /// killing (Foundation's file attributes look the owner up, and glibc tries nscd first).
    static let deniedCalls = [
        "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "sendto", "recvfrom",
        "execve", "execveat", "fork", "vfork", "ptrace", "process_vm_readv", "process_vm_writev",
        "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "open_by_handle_at", "name_to_handle_at",
        "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups",
        "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd", "io_uring_setup",
        "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
        "swapon", "swapoff", "acct", "quotactl", "syslog", "settimeofday", "clock_settime", "adjtimex",
        "sethostname", "setdomainname",
    ]

    /// The first step, before any library starts. Exits when serve is already gone.
    func enter() throws {
        try check(CSeccomp_no_new_privs(), "PR_SET_NO_NEW_PRIVS")
        try check(CSeccomp_parent_death_signal(SIGKILL), "PR_SET_PDEATHSIG")
        // The parent may have died before the death signal was armed: then init adopted us.
        if getppid() == 1 { exit(0) }
        try check(CSeccomp_no_core_dumps(), "RLIMIT_CORE")
        try check(CSeccomp_limit_data(memoryLimit), "RLIMIT_DATA")
    }

    /// The last step: the system-call filter.
    func lockDown() throws {
        guard seccomp else { return }
        let names = Self.deniedCalls.map { strdup($0) }
        defer { names.forEach { free($0) } }
        let pointers = names.map { UnsafePointer<CChar>($0) }
        let installed = pointers.withUnsafeBufferPointer { CSeccomp_install_deny_list($0.baseAddress, $0.count) }
        guard installed == 0 else {
            throw MediaFailure.internalError("installing the seccomp filter failed: \(String(cString: strerror(-installed)))")
        }
    }

    private func check(_ result: Int32, _ what: String) throws {
        guard result == 0 else { throw MediaFailure.internalError("\(what) failed: \(String(cString: strerror(errno)))") }
    }
}
