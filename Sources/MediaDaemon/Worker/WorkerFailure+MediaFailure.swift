import WorkerWire

extension WorkerFailure {
    /// The child's failure as it crosses the channel.
    init(_ failure: MediaFailure) {
        self.init(code: failure.code, message: failure.message, disposition: failure.disposition)
    }

    /// The failure as the child sorted it.
    var mediaFailure: MediaFailure { MediaFailure(disposition: disposition, code: code, message: message) }
}
