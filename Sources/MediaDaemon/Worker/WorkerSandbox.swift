import CDispatch  // `struct stat` is attributed to CDispatch under MemberImportVisibility
import CSeccomp
import Foundation
import Glibc

/// What a worker child gives up (Linux): set in two steps, `enter()` as the child starts and
/// `lockDown()` once start-up is over, before the first job. Both run on the main thread while
/// it is the process's only thread, so every thread started afterwards inherits all of it.
///
/// - when serve runs as root: the unprivileged `identity` (`--worker-user`, default `nobody`):
///   no supplementary groups, real/effective/saved uid and gid changed, so every capability is
///   gone, and a check that setuid(0) fails;
/// - no new privileges (`PR_SET_NO_NEW_PRIVS`), and SIGKILL when serve dies (`PR_SET_PDEATHSIG`,
///   armed after the identity change, which would clear it);
/// - no core dumps; `RLIMIT_DATA` at `memoryLimit` bytes;
/// - Landlock (`readOnlyPaths`): the file system is closed except the child's own scratch folder
///   (read and write), and read-only the few system paths the decoders use after start-up. The input
///   arrives as an open descriptor (Landlock checks opens, not reads of a descriptor already
///   held), and the child copies it into the job's scratch folder to open it by path there;
/// - a seccomp filter that kills the process (SIGSYS) on any system call a decoder never makes:
///   networking, executing, tracing, mounting, namespaces, identity changes, kernel modules.
struct WorkerSandbox: Sendable {
    /// RLIMIT_DATA in bytes.
    var memoryLimit: UInt64
    /// False turns the seccomp filter off (diagnosis: `serve --no-worker-seccomp`).
    var seccomp: Bool
    /// The uid and gid to become; nil keeps the parent's (it is not root).
    var identity: (uid: UInt32, gid: UInt32)? = nil
    /// This child's own scratch folder (`WorkerScratch`), whose subfolders are its jobs'
    /// folders: the one read-write path under Landlock, so no child reaches another's jobs.
    /// nil turns Landlock off (diagnosis: `serve --no-worker-landlock`).
    var scratchRoot: String? = nil

    /// Landlock rights, by the kernel's bit numbers (ABI 1…3).
    private enum Right {
        static let readFile: UInt64 = 1 << 2
        static let readDirectory: UInt64 = 1 << 3
        static let writeFile: UInt64 = 1 << 1
        static let read = readFile | readDirectory
        /// Everything a pipeline does in its scratch folder: write, list, make and remove files and
        /// folders, rename its partial files into place, truncate. Never execute, never devices.
        static let scratch: UInt64 =
            read | writeFile | 1 << 4 | 1 << 5 | 1 << 7 | 1 << 8 | UInt64(CSECCOMP_LANDLOCK_REFER) | UInt64(CSECCOMP_LANDLOCK_TRUNCATE)
    }

    /// The read-only paths a child needs after start-up, besides the scratch root. Found by
    /// running the photo and video pipelines and the hostile-input sweep under Landlock with no
    /// path open (libvips then fails to initialise) and adding back until every output was
    /// byte-identical to the unsandboxed run:
    /// - `/usr/lib`: what is loaded on first use, after the sandbox is in place — FFmpeg's
    ///   libraries (Transcode's CFFmpegLoader, found through the default library folders: the
    ///   loader cache in `/etc` stays closed), libvips' HEIF module, libheif's decoder plugins,
    ///   gconv and locale data;
    /// - `/sys/devices/system/cpu`: the CPU count glibc reads for libvips' and FFmpeg's thread
    ///   pools (denied, they would silently run on one thread).
    /// Not open: `/etc` (a user-name lookup just fails), `/proc` (other processes), `/dev`,
    /// `/tmp`, the store, the data folder, home folders. A path missing here is skipped.
    static let readOnlyPaths = ["/usr/lib", "/sys/devices/system/cpu"]

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
    ///
    /// Refuses to run unless the process has a single thread: Landlock's restrict_self and
    /// PR_SET_NO_NEW_PRIVS change the calling thread only (threads started later inherit them),
    /// so a thread already running would escape the sandbox. `MediaDaemonMain` calls this on the
    /// main thread before anything starts another one.
    func enter() throws {
        let threads = Self.threads()
        guard threads.count == 1 else {
            throw MediaFailure.internalError(
                "the worker sandbox must be set up while the process has one thread; /proc/self/task lists \(threads)")
        }
        if let identity {
            let became = CSeccomp_become(identity.uid, identity.gid)
            guard became == 0 else {
                throw MediaFailure.internalError("becoming uid \(identity.uid) failed: \(String(cString: strerror(-became)))")
            }
        }
        try check(CSeccomp_no_new_privs(), "PR_SET_NO_NEW_PRIVS")
        try check(CSeccomp_parent_death_signal(SIGKILL), "PR_SET_PDEATHSIG")
        // The parent may have died before the death signal was armed: then init adopted us.
        if getppid() == 1 { exit(0) }
        try check(CSeccomp_no_core_dumps(), "RLIMIT_CORE")
        try check(CSeccomp_limit_data(memoryLimit), "RLIMIT_DATA")
    }

    /// The last steps: Landlock, then the system-call filter.
    func lockDown() throws {
        if let scratchRoot { try restrictFiles(scratchRoot: scratchRoot) }
        guard seccomp else { return }
        let names = Self.deniedCalls.map { strdup($0) }
        defer { names.forEach { free($0) } }
        let pointers = names.map { UnsafePointer<CChar>($0) }
        let installed = pointers.withUnsafeBufferPointer { CSeccomp_install_deny_list($0.baseAddress, $0.count) }
        guard installed == 0 else {
            throw MediaFailure.internalError("installing the seccomp filter failed: \(String(cString: strerror(-installed)))")
        }
    }

    /// Closes the file system but for the scratch root and `readOnlyPaths`. A kernel without
    /// Landlock (or with it disabled) is said on stderr once per child, and the child goes on.
    private func restrictFiles(scratchRoot: String) throws {
        let abi = CSeccomp_landlock_abi()
        guard abi >= 1 else {
            FileHandle.standardError.write(
                Data("mediadaemon worker: Landlock unavailable (\(String(cString: strerror(-abi)))); file access is not restricted\n".utf8))
            return
        }
        let handled = CSeccomp_landlock_handled(abi)
        let ruleset = CSeccomp_landlock_ruleset(handled)
        guard ruleset >= 0 else { throw MediaFailure.internalError("landlock ruleset: \(String(cString: strerror(-ruleset)))") }
        let rules = [(scratchRoot, Right.scratch)] + Self.readOnlyPaths.map { ($0, Right.read) }
        for (path, access) in rules {
            var allowed = access & handled
            // A rule on a file may name file rights only.
            var info = stat()
            if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR { allowed &= Right.readFile | Right.writeFile }
            let added = CSeccomp_landlock_allow(ruleset, path, allowed)
            guard added == 0 || added == -ENOENT else {
                close(ruleset)
                throw MediaFailure.internalError("landlock rule for \(path): \(String(cString: strerror(-added)))")
            }
        }
        let restricted = CSeccomp_landlock_restrict(ruleset)
        guard restricted == 0 else { throw MediaFailure.internalError("landlock: \(String(cString: strerror(-restricted)))") }
    }

    /// The ids of this process's threads (/proc/self/task); empty when /proc cannot be read.
    static func threads() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    }

    private func check(_ result: Int32, _ what: String) throws {
        guard result == 0 else { throw MediaFailure.internalError("\(what) failed: \(String(cString: strerror(errno)))") }
    }
}
