import CFuzzDriver
import Foundation

// libFuzzer's driver, called from our own main (SwiftPM renames an executable's `main`, so a
// bare LLVMFuzzerTestOneInput would not link). The first argument names the target; the rest
// go to libFuzzer unchanged (corpus folders, -max_total_time=…). Build and run it through
// scripts/fuzz.

let arguments = CommandLine.arguments
if arguments.count == 2, arguments[1] == "--list" {
    print(FuzzTargets.all.keys.sorted().joined(separator: "\n"))
    exit(0)
}
guard arguments.count >= 2, let target = FuzzTargets.all[arguments[1]] else {
    let names = FuzzTargets.all.keys.sorted().joined(separator: " ")
    FileHandle.standardError.write(Data("usage: MediaDaemonFuzz TARGET|--list [libFuzzer options] [CORPUS…]\ntargets: \(names)\n".utf8))
    exit(2)
}
FuzzTargets.selected = target

// argv without the target name: the program name, then libFuzzer's own arguments.
var argc = CommandLine.argc - 1
let argv0 = CommandLine.unsafeArgv
argv0[1] = argv0[0]
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv0.advanced(by: 1)
let status = CFuzzDriver_run(&argc, &argv) { data, size in
    FuzzTargets.selected(UnsafeBufferPointer(start: data, count: size))
    return 0
}
if status == -1 {
    FileHandle.standardError.write(Data("MediaDaemonFuzz was built without -sanitize=fuzzer: use scripts/fuzz\n".utf8))
}
exit(status)
