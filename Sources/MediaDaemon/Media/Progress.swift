import Foundation

/// Progress of long operator work: a redrawn bar with rate and ETA on a terminal, plain lines
/// every few seconds otherwise (logs, CI).
struct Progress {
    let total: Int
    var interval: Duration = .milliseconds(500)
    var plainEvery: Duration = .seconds(5)

    /// Polls `count` until ready + failed reaches `total`.
    func track(_ count: () async throws -> (ready: Int, failed: Int)) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let terminal = isatty(STDOUT_FILENO) == 1
        var lastPlain = start
        while true {
            let (ready, failed) = try await count()
            let done = ready + failed
            let elapsed = Double((clock.now - start).components.seconds) + Double((clock.now - start).components.attoseconds) / 1e18
            let rate = elapsed > 0 ? Double(done) / elapsed : 0
            let eta = rate > 0 ? Double(total - done) / rate : nil
            let line = Self.describe(done: done, failed: failed, total: total, rate: rate, eta: eta)
            if terminal {
                FileHandle.standardOutput.write(Data("\r\(Self.bar(done, total)) \(line)\u{1B}[K".utf8))
            } else if done >= total || clock.now - lastPlain >= plainEvery {
                print(line)
                lastPlain = clock.now
            }
            if done >= total {
                if terminal { print("") }
                return
            }
            try await Task.sleep(for: interval)
        }
    }

    static func bar(_ done: Int, _ total: Int, width: Int = 30) -> String {
        let filled = total == 0 ? width : min(width, done * width / total)
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
    }

    static func describe(done: Int, failed: Int, total: Int, rate: Double, eta: Double?) -> String {
        let etaText = eta.map { String(format: "ETA %.0fs", $0) } ?? "ETA -"
        return "\(done)/\(total) done, \(failed) failed, \(String(format: "%.1f", rate))/s, \(etaText)"
    }
}
