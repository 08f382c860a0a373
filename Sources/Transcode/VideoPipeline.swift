public import Foundation

/// Turns one video file into an H.264/AAC MP4 ladder and its manifest.
///
/// Synchronous and blocking: run it on a dedicated thread, never on the async executor. All
/// FFmpeg state is created, used and freed inside ``process(input:outputDirectory:isCancelled:)``,
/// so one pipeline value may be shared; concurrent calls must use different output directories.
public struct VideoPipeline: Sendable {
    /// What to produce.
    public var preset: VideoPreset

    /// A pipeline for `preset` (the default is `jobs/video.json`'s).
    public init(preset: VideoPreset = .default) {
        self.preset = preset
    }

    /// Probes `input`, checks limits, decodes it once and writes `<rung>.mp4` per rung.
    ///
    /// Files appear under their final names only when complete; on failure nothing is left behind.
    /// - Parameter isCancelled: polled between packets; returning true stops with `cancelled`.
    /// - Throws: ``TranscodeError`` — bad input (`unsupported_format`, `corrupt`, `too_large`,
    ///   `too_long`, `too_many_pixels`, `no_video_stream`) or `cancelled`, `stalled`, `io`,
    ///   `invalid_preset`, `internal`.
    public func process(
        input: URL, outputDirectory: URL, isCancelled: () -> Bool = { false }
    ) throws(TranscodeError) -> VideoManifest {
        try preset.validate()
        let source = try OpenedSource(url: input, limits: preset.limits)
        let probe = source.probe
        let plan = LadderPlan(
            rungs: preset.rungs, displayWidth: probe.video.displayWidth, displayHeight: probe.video.displayHeight)
        let sha256 = try FileDigest.sha256(of: input)
        try Self.createDirectory(outputDirectory)

        let names = plan.steps.map { "\($0.rung.name).mp4" }
        let partials = names.map { outputDirectory.appendingPathComponent(".\($0).partial") }
        let finals = names.map { outputDirectory.appendingPathComponent($0) }
        let encoded: [(video: Int, audio: Int)]
        do {
            let ladder = try Ladder(source: source, plan: plan, preset: preset, outputs: partials.map(\.path))
            try ladder.run {
                () throws(TranscodeError) in
                if isCancelled() { throw TranscodeError(.cancelled, "processing \(input.path) was cancelled") }
            }
            encoded = ladder.encodedBytes
            for (partial, final) in zip(partials, finals) { try Self.moveIntoPlace(partial, final) }
        } catch {
            for url in partials { try? FileManager.default.removeItem(at: url) }
            throw error
        }

        let seconds = max(Double(probe.durationMs) / 1000, 0.001)
        var renditions: [VideoManifest.Rendition] = []
        for (index, step) in plan.steps.enumerated() {
            renditions.append(
                VideoManifest.Rendition(
                    name: step.rung.name, format: "mp4", width: step.width, height: step.height,
                    bytes: try Self.size(of: finals[index]), path: names[index], codec: "h264",
                    videoBitrate: Int(Double(encoded[index].video * 8) / seconds),
                    audioBitrate: Int(Double(encoded[index].audio * 8) / seconds)))
        }
        return VideoManifest(
            preset: .init(name: preset.name, version: preset.version),
            input: .init(
                format: probe.container, width: probe.video.width, height: probe.video.height, bytes: probe.bytes,
                sha256: sha256, durationMs: probe.durationMs, rotation: probe.video.rotation,
                hasAudio: probe.hasAudio),
            renditions: renditions)
    }

    private static func createDirectory(_ url: URL) throws(TranscodeError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw TranscodeError(.io, "cannot create \(url.path): \(error.localizedDescription)")
        }
    }

    private static func moveIntoPlace(_ partial: URL, _ final: URL) throws(TranscodeError) {
        // rename(2) replaces an existing file atomically, so readers never see half a file.
        guard rename(partial.path, final.path) == 0 else {
            throw TranscodeError(.io, "cannot rename \(partial.path) to \(final.path): errno \(errno)")
        }
    }

    private static func size(of url: URL) throws(TranscodeError) -> Int {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw TranscodeError(.io, "cannot stat \(url.path): \(error.localizedDescription)")
        }
    }
}
