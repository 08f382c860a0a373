#include "CFuzzDriver.h"

// Defined by the libFuzzer runtime that -sanitize=fuzzer links in; null otherwise.
extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t))
    __attribute__((weak));

int CFuzzDriver_run(int *argc, char ***argv, CFuzzDriver_Callback callback) {
    if (!LLVMFuzzerRunDriver) return -1;
    return LLVMFuzzerRunDriver(argc, argv, callback);
}
