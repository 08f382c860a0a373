extension Duration {
    /// The duration in seconds, as the queue's SQL takes intervals (`make_interval(secs => $n)`).
    var queueSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in whole nanoseconds, as swift-metrics timers take it.
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
