// swift-tools-version:6.0
import PackageDescription

/// `scripts/fuzz` builds with MEDIADAEMON_FUZZ=1 (in its own folder, .build-fuzz): our own Swift
/// targets then get libFuzzer's coverage and AddressSanitizer, and `-enable-testing` for the
/// internal entry points. Dependencies compile without: we fuzz our parsers, and instrumenting
/// the whole graph made the first build several times longer.
let fuzzing = Context.environment["MEDIADAEMON_FUZZ"] == "1"
let fuzzSettings: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address", "-enable-testing"])] : []
let fuzzLinkerSettings: [LinkerSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])] : []

/// Settings every Swift target shares: internal imports by default keep C types out of public
/// APIs, `any` is spelled out for existentials.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
] + fuzzSettings

let package = Package(
    name: "MediaDaemon",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mediadaemon", targets: ["MediaDaemon"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The S3 store's HTTP client (HummingbirdTesting builds it for the tests already).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // C libraries: one system-library target per pkg-config file, bridges in shim.h.
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        // g_module_open for the one libvips module we load ourselves (libvips links GModule too).
        .target(name: "CVipsShim", dependencies: ["CVips"], linkerSettings: [.linkedLibrary("gmodule-2.0")]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        // libjpeg reports errors by longjmp: the encoder runs in C so no jump crosses Swift frames.
        .target(name: "CJPEGShim", dependencies: ["CJPEG"], linkerSettings: [.linkedLibrary("jpeg")]),
        // FFmpeg's headers only (libavcodec-dev, libavformat-dev, libavutil-dev, libswscale-dev,
        // libswresample-dev): no pkg-config and no `link`, so nothing links FFmpeg. Transcode's
        // CFFmpegLoader loads the libraries when the first video arrives; binding them (and the
        // ~60 codec libraries they pull in) at every start cost each run ~16 ms of CPU.
        .systemLibrary(name: "CAVUtil"),
        .systemLibrary(name: "CAVCodec"),
        .systemLibrary(name: "CAVFormat"),
        .systemLibrary(name: "CSwScale"),
        .systemLibrary(name: "CSwResample"),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // SHA-256 for content addresses, ETags, tokens and checksums: OpenSSL's libcrypto (its
        // assembly, SHA extensions or AVX2 chosen at run time), which libpq links anyway. It
        // replaced swift-crypto, whose BoringSSL build was 130 s of CPU in every cold build.
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // What the Glibc module does not expose: posix_spawn's close-from file action,
        // descriptor passing, mallopt.
        .target(name: "CSpawnShim"),
        // The media worker children's system-call filter (and the prctl calls around it).
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),

        // Images: probe, limits, renditions, hashes. Pure and synchronous.
        .target(
            name: "Thumbnail",
            dependencies: [
                "CVips", "CVipsShim", "CWebP", "CJPEGShim", "CLibCrypto",
            ],
            swiftSettings: swiftSettings
        ),
        // Every FFmpeg function Transcode calls, forwarding to the libraries it dlopens on first use.
        .target(name: "CFFmpegLoader", path: "Sources/Transcode/CFFmpegLoader"),
        // Video: probe, ladder, HLS, poster, frame hashes. May use Thumbnail, never Platform.
        .target(
            name: "Transcode",
            dependencies: ["Thumbnail", "CFFmpegLoader", "CAVUtil", "CAVCodec", "CAVFormat", "CSwScale", "CSwResample"],
            exclude: ["CFFmpegLoader"],
            swiftSettings: swiftSettings
        ),
        // Platform's parsers of untrusted bytes (multipart, cursors, object keys, byte ranges,
        // request bodies) and the errors they throw: Foundation only, so `MediaDaemonFuzz` builds
        // them without NIO, Hummingbird and the rest. Platform re-exports it.
        .target(name: "PlatformWire", path: "Sources/Platform/Wire", swiftSettings: swiftSettings),
        // Database, migrations, queue, store, services. Never imports libvips or FFmpeg.
        .target(
            name: "Platform",
            dependencies: [
                "PlatformWire", "CLibPQ", "CSpawnShim", "CLibCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            exclude: ["Wire"],
            resources: [
                .copy("Migrations"), .copy("Queue/Queries"), .copy("Media/MediaQueries"), .copy("Social/SocialQueries"),
                .copy("Database/ReplicaQueries"), .copy("Blocklist/BlocklistQueries"),
            ],
            swiftSettings: swiftSettings
        ),
        // The composition root: configuration, CLI, services.
        // The messages between serve and its worker children, and their framing: a target of its
        // own so the fuzz binary can decode frames as the parent does.
        .target(
            name: "WorkerWire",
            dependencies: ["Thumbnail", "Transcode"],
            path: "Sources/MediaDaemon/WorkerWire",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "MediaDaemon",
            dependencies: [
                "Thumbnail", "Transcode", "Platform", "WorkerWire", "CSpawnShim", "CSeccomp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            exclude: ["WorkerWire"],
            swiftSettings: swiftSettings
        ),

        // `scripts/bench dedup`: PDQIndex query time at 1M and 10M hashes. Not a test.
        .executableTarget(name: "DedupBench", dependencies: ["Platform"], swiftSettings: swiftSettings),
        // `scripts/fuzz`: every parser of untrusted bytes under libFuzzer, in its own build folder
        // (MEDIADAEMON_FUZZ=1, see `fuzzSettings`).
        // libFuzzer's driver, weakly referenced: a build without the sanitizer still links.
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "MediaDaemonFuzz",
            dependencies: ["Thumbnail", "Transcode", "PlatformWire", "WorkerWire", "CAVCodec", "CAVUtil", "CFuzzDriver"],
            swiftSettings: swiftSettings,
            linkerSettings: fuzzLinkerSettings),

        // Test support: the worker process `QueueProcessTests` starts (crash recovery, fencing and
        // exactly-once across processes). Built with the tests, not part of the product.
        .executableTarget(
            name: "QueueDrillWorker",
            dependencies: [
                "Platform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Tests/QueueDrillWorker",
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "ThumbnailTests", dependencies: ["Thumbnail"], swiftSettings: swiftSettings),
        // glibc's count of live heap bytes, for the leak tests (malloc.h is not in Swift's Glibc module).
        .target(name: "CMallocStats", path: "Tests/CMallocStats"),
        .testTarget(name: "TranscodeTests", dependencies: ["Transcode", "Thumbnail", "CMallocStats"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PlatformTests",
            dependencies: [
                "Platform", "Thumbnail", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MediaDaemonTests",
            dependencies: ["MediaDaemon", "Platform", "Thumbnail", "WorkerWire", "CMallocStats"],
            swiftSettings: swiftSettings
        ),
    ]
)
