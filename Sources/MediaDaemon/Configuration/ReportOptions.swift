import ArgumentParser
import Platform

/// `serve`'s flags for when reports hide a post (`ReportService.Configuration`).
struct ReportOptions: ParsableArguments {
    @Option(help: "Distinct reporters whose reports hide a post pending review (default 5).")
    var reportThreshold: Int?

    @Option(help: "Days an account must exist before its reports count towards hiding a post (default 7).")
    var reportAccountAgeDays: Int?

    func validate() throws {
        if let reportThreshold, !(1...1_000_000).contains(reportThreshold) {
            throw ValidationError("--report-threshold must be 1...1000000")
        }
        if let reportAccountAgeDays, !(0...36_500).contains(reportAccountAgeDays) {
            throw ValidationError("--report-account-age-days must be 0...36500")
        }
    }

    /// The configuration these flags give, on the defaults.
    var configuration: ReportService.Configuration {
        var configuration = ReportService.Configuration()
        if let reportThreshold { configuration.threshold = reportThreshold }
        if let reportAccountAgeDays { configuration.minimumAccountAge = .seconds(reportAccountAgeDays * 86_400) }
        return configuration
    }
}
