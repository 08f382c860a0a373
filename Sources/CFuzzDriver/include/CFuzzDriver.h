#ifndef CFUZZDRIVER_H
#define CFUZZDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// The callback libFuzzer calls with each input.
typedef int (*CFuzzDriver_Callback)(const uint8_t *data, size_t size);

/// Runs libFuzzer's driver (argc/argv as libFuzzer takes them) with `callback`, or returns -1
/// when the binary was built without `-sanitize=fuzzer` (the driver is a weak reference, so a
/// plain debug build still links).
int CFuzzDriver_run(int *argc, char ***argv, CFuzzDriver_Callback callback);

#endif
