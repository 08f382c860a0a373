extension VideoPreset {
    /// Validates the preset, then opens every encoder it names with the options a job would
    /// give them (each rung's H.264 settings, the audio encoder), so a preset the encoders
    /// refuse — a misspelt option, an unknown speed preset or encoder — stops the daemon or the
    /// CLI at start-up instead of failing every job.
    ///
    /// - Throws: `invalid_preset` saying which encoder refused what; `internal` when FFmpeg's
    ///   libraries cannot be loaded.
    public func checkEncoders() throws(TranscodeError) {
        try validate()
        try FFmpegLibraries.load()
        func refused(_ error: TranscodeError) -> TranscodeError {
            TranscodeError(.invalidPreset, "preset \(name): \(error.message)", cause: error.cause)
        }
        // A small picture at 30 fps: the options, not the size, are what is checked.
        let timeBase = Rational(1, 30), frameRate = Rational(30, 1)
        for rung in rungs {
            let settings = RungWriter.Settings(
                width: 64, height: 64, encoder: video.encoder, speedPreset: video.speedPreset, crf: video.crf,
                maxrate: rung.maxrate, bufsize: rung.bufsize, gopSeconds: video.gopSeconds, profile: video.profile,
                extraOptions: video.options)
            do {
                _ = try RungWriter.openEncoder(settings, timeBase: timeBase, frameRate: frameRate)
            } catch {
                throw refused(error)
            }
        }
        do {
            _ = try AudioEncoder(
                codec: audio.encoder, bitrate: audio.bitrate, channels: audio.channels, sampleRate: audio.sampleRate,
                sourceTimeBase: Rational(1, Int32(clamping: audio.sampleRate)), path: "preset \(name)")
        } catch {
            throw refused(error)
        }
    }
}
