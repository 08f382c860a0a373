#ifndef CSECCOMP_SHIM_H
#define CSECCOMP_SHIM_H
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

/// prctl(PR_SET_NO_NEW_PRIVS, 1): no exec can gain privileges (setuid bits, file caps).
static inline int CSeccomp_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }

/// prctl(PR_SET_PDEATHSIG, signal): the kernel sends `signal` when the parent dies.
static inline int CSeccomp_parent_death_signal(int signal) { return prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0); }

/// setrlimit(RLIMIT_CORE, 0): a crash leaves no core file (it would hold the input's pixels).
static inline int CSeccomp_no_core_dumps(void) {
    struct rlimit limit = {.rlim_cur = 0, .rlim_max = 0};
    return setrlimit(RLIMIT_CORE, &limit);
}

/// setrlimit(RLIMIT_DATA, bytes): allocations past it fail (malloc returns NULL).
static inline int CSeccomp_limit_data(unsigned long long bytes) {
    struct rlimit limit = {.rlim_cur = (rlim_t)bytes, .rlim_max = (rlim_t)bytes};
    return setrlimit(RLIMIT_DATA, &limit);
}

/// Installs a filter that allows every system call except `denied` (a list of names), which
/// kill the whole process (SIGSYS). Names this kernel's libseccomp does not know are skipped.
/// The filter goes on every thread of the process (SCMP_FLTATR_CTL_TSYNC: the kernel applies
/// it to all threads at once, or fails), not only the calling one.
/// `socket` is the one exception: an AF_UNIX socket fails with EACCES instead (glibc's name
/// service probes nscd that way and falls back to /etc/passwd), any other family kills.
/// Returns 0, or a negative errno.
static inline int CSeccomp_install_deny_list(const char *const *denied, size_t count) {
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
    if (filter == NULL) return -ENOMEM;
    int synchronised = seccomp_attr_set(filter, SCMP_FLTATR_CTL_TSYNC, 1);
    if (synchronised < 0) {
        seccomp_release(filter);
        return synchronised;
    }
    int socket_number = seccomp_syscall_resolve_name("socket");
    for (size_t i = 0; i < count; i++) {
        int number = seccomp_syscall_resolve_name(denied[i]);
        if (number == __NR_SCMP_ERROR) continue;
        int added;
        if (number == socket_number) {
            added = seccomp_rule_add(filter, SCMP_ACT_ERRNO(EACCES), number, 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
            if (added == 0)
                added = seccomp_rule_add(filter, SCMP_ACT_KILL_PROCESS, number, 1, SCMP_A0(SCMP_CMP_NE, AF_UNIX));
        } else {
            added = seccomp_rule_add(filter, SCMP_ACT_KILL_PROCESS, number, 0);
        }
        if (added < 0) {
            seccomp_release(filter);
            return added;
        }
    }
    int loaded = seccomp_load(filter);
    seccomp_release(filter);
    return loaded;
}
// glibc declares these under _GNU_SOURCE only, which Swift's Glibc module is not built with.
#ifndef O_PATH
#define O_PATH 010000000
#endif
extern int setresuid(uid_t ruid, uid_t euid, uid_t suid);
extern int setresgid(gid_t rgid, gid_t egid, gid_t sgid);

/// Landlock rights newer than some kernel headers (values from the kernel's uapi).
#define CSECCOMP_LANDLOCK_REFER (1ULL << 13)
#define CSECCOMP_LANDLOCK_TRUNCATE (1ULL << 14)
#define CSECCOMP_LANDLOCK_IOCTL_DEV (1ULL << 15)

/// The kernel's Landlock ABI version (1, 2…), or a negative errno (-ENOSYS: no Landlock in this
/// kernel, -EOPNOTSUPP: built in but disabled at boot).
static inline int CSeccomp_landlock_abi(void) {
    long version = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return version < 0 ? -errno : (int)version;
}

/// The file-system rights this kernel's ABI knows: every one of them is handled (denied unless
/// a rule allows it). Net and scope rights (ABI 4, 6) are left to seccomp.
static inline uint64_t CSeccomp_landlock_handled(int abi) {
    uint64_t rights = (1ULL << 13) - 1;  // ABI 1: EXECUTE … MAKE_SYM
    if (abi >= 2) rights |= CSECCOMP_LANDLOCK_REFER;
    if (abi >= 3) rights |= CSECCOMP_LANDLOCK_TRUNCATE;
    if (abi >= 5) rights |= CSECCOMP_LANDLOCK_IOCTL_DEV;
    return rights;
}

/// A ruleset handling `handled`: a descriptor, or a negative errno.
static inline int CSeccomp_landlock_ruleset(uint64_t handled) {
    struct landlock_ruleset_attr attributes = {.handled_access_fs = handled};
    long ruleset = syscall(__NR_landlock_create_ruleset, &attributes, sizeof(attributes), 0);
    return ruleset < 0 ? -errno : (int)ruleset;
}

/// Allows `access` beneath `path` (a folder, or one file for file rights). Returns 0, or a
/// negative errno (-ENOENT for a path that does not exist).
static inline int CSeccomp_landlock_allow(int ruleset, const char *path, uint64_t access) {
    int file = open(path, O_PATH | O_CLOEXEC);
    if (file < 0) return -errno;
    struct landlock_path_beneath_attr rule = {.allowed_access = access, .parent_fd = file};
    long added = syscall(__NR_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    int failure = added < 0 ? -errno : 0;
    close(file);
    return failure;
}

/// Enforces `ruleset` on this thread and the threads it starts afterwards (needs no_new_privs).
static inline int CSeccomp_landlock_restrict(int ruleset) {
    long restricted = syscall(__NR_landlock_restrict_self, ruleset, 0);
    int failure = restricted < 0 ? -errno : 0;
    close(ruleset);
    return failure;
}

/// Becomes `uid`/`gid` for good (real, effective and saved ids, no supplementary groups),
/// which drops every capability a root process had; then checks that root cannot be regained.
/// glibc's setgroups/setresgid/setresuid change every thread of the process (they signal the
/// others to make the same call); a raw syscall(2) would change the calling thread alone.
/// Returns 0, a negative errno, or -EPERM when setuid(0) still succeeds.
static inline int CSeccomp_become(uid_t uid, gid_t gid) {
    if (setgroups(0, NULL) != 0) return -errno;
    if (setresgid(gid, gid, gid) != 0) return -errno;
    if (setresuid(uid, uid, uid) != 0) return -errno;
    if (setuid(0) == 0 || seteuid(0) == 0 || getuid() == 0 || geteuid() == 0) return -EPERM;
    return 0;
}

#endif
