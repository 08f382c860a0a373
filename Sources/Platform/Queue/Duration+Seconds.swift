extension Duration {
    /// The duration in seconds, as the queue's SQL takes intervals (`make_interval(secs => $n)`).
    var queueSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
