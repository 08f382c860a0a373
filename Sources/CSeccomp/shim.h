#ifndef CSECCOMP_SHIM_H
#define CSECCOMP_SHIM_H
#include <errno.h>
#include <seccomp.h>
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
/// `socket` is the one exception: an AF_UNIX socket fails with EACCES instead (glibc's name
/// service probes nscd that way and falls back to /etc/passwd), any other family kills.
/// Returns 0, or a negative errno.
static inline int CSeccomp_install_deny_list(const char *const *denied, size_t count) {
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
    if (filter == NULL) return -ENOMEM;
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
#endif
