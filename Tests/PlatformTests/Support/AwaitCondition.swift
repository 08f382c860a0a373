import Testing

/// Returns once `condition` holds, checking it every `interval`; fails the test after `bound`
/// (a failure bound, not a delay).
func awaitCondition(
    bound: Duration = .seconds(180), interval: Duration = .milliseconds(5),
    _ what: String, _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + bound
    while try await !condition() {
        try #require(ContinuousClock.now < deadline, "\(what): not within \(bound)")
        try await Task.sleep(for: interval)
    }
}
