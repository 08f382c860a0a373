import CFuzzDriver
import Foundation

// libFuzzer's driver, called from our own main (SwiftPM renames an executable's `main`, so a
// bare LLVMFuzzerTestOneInput would not link). The target is the first argument, or
// MEDIADAEMON_FUZZ_TARGET; the rest go to libFuzzer unchanged (corpus folders,
// -max_total_time=…). The variable is set for child processes, which libFuzzer's -fork and
// -jobs modes start without the target argument. Build and run it through scripts/fuzz.

let arguments = CommandLine.arguments
if arguments.count == 2, arguments[1] == "--list" {
    print(FuzzTargets.all.keys.sorted().joined(separator: "\n"))
    exit(0)
}
let variable = "MEDIADAEMON_FUZZ_TARGET"
let fromEnvironment = ProcessInfo.processInfo.environment[variable]
guard let name = fromEnvironment ?? arguments.dropFirst().first, let target = FuzzTargets.all[name] else {
    let names = FuzzTargets.all.keys.sorted().joined(separator: " ")
    FileHandle.standardError.write(Data("usage: MediaDaemonFuzz TARGET|--list [libFuzzer options] [CORPUS…]\ntargets: \(names)\n".utf8))
    exit(2)
}
FuzzTargets.selected = target

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
if fromEnvironment == nil {
    // Without the target name: the program name, then libFuzzer's own arguments.
    setenv(variable, name, 1)
    argc -= 1
    CommandLine.unsafeArgv[1] = CommandLine.unsafeArgv[0]
    argv = CommandLine.unsafeArgv.advanced(by: 1)
}
let status = CFuzzDriver_run(&argc, &argv) { data, size in
    FuzzTargets.selected(UnsafeBufferPointer(start: data, count: size))
    return 0
}
if status == -1 {
    FileHandle.standardError.write(Data("MediaDaemonFuzz was built without -sanitize=fuzzer: use scripts/fuzz\n".utf8))
}
exit(status)
