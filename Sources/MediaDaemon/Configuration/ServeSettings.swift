import ArgumentParser
import Foundation
import Platform

/// Everything `serve` runs with, resolved once from its flags, the environment and the
/// defaults (in that order) before anything starts. `Daemon` wires the services from it.
struct ServeSettings: Sendable {
    /// Data directory, database, store, log level.
    var daemon: DaemonConfiguration
    /// The HTTP API's address, limits and social settings.
    var http: HTTPConfiguration
    /// False with `--no-http`: only the workers run.
    var httpEnabled: Bool
    /// Connections the HTTP API and the job completions share.
    var databasePoolSize: Int
    /// A streaming replica for feed, profile, post and comment reads; nil: all on the primary.
    var readReplica: ReadReplica.Configuration? = nil
    var photoWorkers: Int
    var videoWorkers: Int
    var backlogWorkers: Int
    /// How long running jobs get to finish on shutdown before they are released.
    var gracePeriod: Duration
    /// How long a claimed job is leased; heartbeats renew it a third of the way in.
    var leaseDuration: Duration
    /// How long a stored original that no live media holds is kept before the sweep removes
    /// it (an upload refused or failed after storing its file, or lost to a crash).
    var originalGracePeriod: Duration
    /// PDQ distance (of 256) at or below which media are recorded as near-duplicates.
    var duplicateDistance: Int
    /// The photo and video presets jobs are processed with.
    var presets: MediaJob.Presets
    /// Where `presets` came from: a directory, or "built-in".
    var presetSource: String
    /// Worker crashes in a row after which an input is quarantined.
    var quarantineAfter: Int = 2
    /// How the media worker children are started (executable, scrubbed environment).
    var workers: WorkerPool.Configuration = .current()
}

extension ServeSettings {
    /// Cache lifetimes accepted, in seconds.
    static let cacheSeconds = 0.0...3600.0
    /// Replica lag bounds accepted, in seconds: at least the check's one-second resolution.
    static let replicaLagSeconds = 1.0...3600.0
    /// HTTP header, body and idle timeouts accepted, in seconds.
    static let timeoutSeconds = 0.1...3600.0
    /// HTTP connection caps accepted.
    static let connectionLimits = 1...65536
    /// Pool sizes accepted; PostgreSQL's default max_connections is 100, so more than that
    /// needs a server configured for it.
    static let poolSizes = 1...256
    /// Grace periods accepted for unheld originals, in seconds: at least a minute (an upload
    /// commits within it), at most a year.
    static let originalGraceSeconds = 60...31_536_000
    /// HTTP ports accepted; 0 picks a free one.
    static let ports = 0...65535

    /// Four per core, at least 4: requests wait on PostgreSQL's round trips more than on its
    /// CPU, so more connections than cores keep both busy. `scripts/bench api` (64 connections,
    /// no caches, 2 busy shared cores) served 1.02-1.15x the requests with 8 connections as
    /// with 4 (1.3-1.7x with 12), and no more with 16 than with 8, with a longer tail.
    static var defaultPoolSize: Int { max(4, 4 * ProcessInfo.processInfo.activeProcessorCount) }

    /// The built-in presets (the same as the repository's `jobs/photo.json` and
    /// `jobs/video.json`, which tests hold them to), or those in `directory`: its `photo.json`
    /// and `video.json` replace the built-in ones where present. The directory must exist, so
    /// a mistyped `--presets` is an error rather than silently the defaults. Loaded presets are
    /// checked against the encoders (``MediaJob/Presets/check()``); the built-in ones are held
    /// to them by `PresetTests`, so start-up opens no encoder for them.
    static func presets(from directory: String?) throws -> (MediaJob.Presets, source: String) {
        guard let directory else { return (MediaJob.Presets(), "built-in") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MediaFailure.internalError("preset directory \(directory) does not exist")
        }
        return (try MediaJob.Presets.fromDirectory(directory), directory)
    }

    /// A rate limit from `BURST,PER_MINUTE` (`--login-limit 20,30`): BURST at least 1,
    /// PER_MINUTE at least 0.
    static func rateLimit(_ text: String) throws -> RateLimit {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let burst = Int(parts[0]), let perMinute = Int(parts[1]), burst >= 1, perMinute >= 0
        else { throw ValidationError("a rate limit is BURST,PER_MINUTE (BURST ≥ 1, PER_MINUTE ≥ 0), not \(text)") }
        return RateLimit(burst: burst, perMinute: perMinute)
    }

    /// A cache lifetime or timeout in seconds as a `Duration` (whole milliseconds).
    static func cacheTTL(_ seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// Checks the notification flags: windows 0...7 days, retention 1...3650 days, like fold
    /// interval 0.05...60 s, stream caps 1...65536, heartbeat 1...300 s.
    static func validateNotificationFlags(
        windows: [Int?], retentionDays: Int?, foldInterval: Double?, streams: [Int?], heartbeat: Double?
    ) throws {
        for window in windows.compactMap({ $0 }) where !(0...604_800).contains(window) {
            throw ValidationError("coalescing windows must be 0...604800 seconds")
        }
        if let retentionDays, !(1...3650).contains(retentionDays) {
            throw ValidationError("--notification-retention-days must be 1...3650")
        }
        if let foldInterval, !(0.05...60).contains(foldInterval) {
            throw ValidationError("--like-fold-interval must be 0.05...60 seconds")
        }
        for cap in streams.compactMap({ $0 }) where !(1...65536).contains(cap) {
            throw ValidationError("stream caps must be 1...65536")
        }
        if let heartbeat, !(1...300).contains(heartbeat) { throw ValidationError("--stream-heartbeat must be 1...300 seconds") }
    }
}
