#include "CFuzzDriver.h"

// Defined by the libFuzzer runtime that -sanitize=fuzzer links in; null otherwise.
extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t))
    __attribute__((weak));

static CFuzzDriver_Callback current;

int CFuzzDriver_run(int *argc, char ***argv, CFuzzDriver_Callback callback) {
    if (!LLVMFuzzerRunDriver) return -1;
    current = callback;
    return LLVMFuzzerRunDriver(argc, argv, callback);
}

// libFuzzer's own main names this. A debug build renames the executable's `main` (for
// testable executables), so the linker pulls that main from the runtime before SwiftPM's
// alias to ours takes its place: it must link, though our main is the one that runs.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return current ? current(data, size) : 0;
}
