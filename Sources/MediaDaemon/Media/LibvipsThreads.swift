import Foundation

/// How many threads libvips gives one image.
enum LibvipsThreads {
    /// With a worker per core, libvips' own per-image thread pool only adds hand-offs: one
    /// thread per image keeps every core busy with less overhead. Sets `VIPS_CONCURRENCY`, which
    /// libvips reads when it starts (first image), so call before any image work; an explicit
    /// setting in the environment wins.
    static func onePerImage(whenWorkers workers: Int) {
        if workers >= ProcessInfo.processInfo.activeProcessorCount {
            setenv("VIPS_CONCURRENCY", "1", 0)
        }
    }
}
