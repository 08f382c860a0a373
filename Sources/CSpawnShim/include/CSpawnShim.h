#ifndef CSPAWNSHIM_H
#define CSPAWNSHIM_H
#include <spawn.h>

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+), which the Swift Glibc module does
/// not expose: the child closes every descriptor from `from` up before it executes.
int md_spawn_close_from(posix_spawn_file_actions_t *actions, int from);

#endif
