extension RungWriter.Settings {
    /// The encoder options for a source at `frameRate` (frames per second; the GOP is
    /// `gopSeconds` of frames): x264's speed preset, CRF, GOP, VBV caps and profile, then the
    /// preset's further options by name.
    func encoderOptions(framesPerSecond fps: Double) -> [(String, String)] {
        let gop = max(1, Int((fps * gopSeconds).rounded()))
        var options: [(String, String)] = [
            ("preset", speedPreset), ("crf", String(crf)), ("g", String(gop)),
            ("maxrate", String(maxrate)), ("bufsize", String(bufsize)),
            ("profile", profile),
        ]
        options += extraOptions.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return options
    }
}

extension RungWriter {
    /// The rung's H.264 encoder, configured for `settings` and opened with its options.
    ///
    /// - Throws: `invalid_preset` for an option the encoder does not take; `internal` when the
    ///   encoder is missing or refuses to open.
    static func openEncoder(
        _ settings: Settings, timeBase: Rational, frameRate: Rational
    ) throws(TranscodeError) -> CodecContext {
        let encoder = try CodecContext.encoder(named: settings.encoder)
        encoder.configureVideo(width: settings.width, height: settings.height, timeBase: timeBase, frameRate: frameRate)
        let fps = frameRate.isPositive ? frameRate.doubleValue : 30
        try encoder.open(options: settings.encoderOptions(framesPerSecond: fps))
        return encoder
    }
}
