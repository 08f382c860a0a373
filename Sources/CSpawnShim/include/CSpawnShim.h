#ifndef CSPAWNSHIM_H
#define CSPAWNSHIM_H
#include <spawn.h>
#include <sys/types.h>

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+), which the Swift Glibc module does
/// not expose: the child closes every descriptor from `from` up before it executes.
int md_spawn_close_from(posix_spawn_file_actions_t *actions, int from);

/// Sends one datagram of `length` bytes on a SOCK_SEQPACKET socket, with `fd` attached
/// (SCM_RIGHTS) when it is >= 0. Returns the bytes sent or -1 with errno set.
ssize_t md_send_message(int socket, const void *bytes, size_t length, int fd);

/// Receives one datagram into `buffer` (at most `capacity` bytes). A descriptor attached to it
/// is stored in `*fd` (close-on-exec), else -1. Returns the bytes received, 0 at end of
/// stream, -1 with errno set, or -2 when the datagram was larger than `capacity` (truncated;
/// any descriptor is closed).
ssize_t md_receive_message(int socket, void *buffer, size_t capacity, int *fd);

/// mallopt (glibc's malloc.h, which the Swift Glibc module does not expose): blocks below
/// `mmap_threshold` bytes come from the heap instead of a mapping of their own, and freed
/// memory at a heap's top is given back to the kernel only beyond `trim_threshold` bytes.
/// Returns 1 when both were taken, 0 when glibc refused one (e.g. above its 32 MiB ceiling).
int md_malloc_retain(int mmap_threshold, int trim_threshold);

#endif
