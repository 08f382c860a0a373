import ArgumentParser

/// What `jobs show` and `jobs cancel` take: the database options, one job id, and `--json`.
struct JobArguments: ParsableArguments {
    @OptionGroup var options: GlobalOptions

    @Argument(help: "The job id.")
    var id: Int64

    @Flag(help: "Print JSON.")
    var json = false
}
