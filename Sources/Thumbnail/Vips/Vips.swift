import CVips
import CVipsShim
import Synchronization

/// Process-wide libvips set-up and diagnostics. Every wrapper entry point calls `start()`.
enum Vips {
    /// Runs once per process (a `static let` initialiser is lazy and thread-safe).
    private static let started: Result<Void, ThumbnailError> = {
        // Leak tracking must be on before the first vips object exists (switching it on later
        // makes libvips assert on areas it never tracked), so debug builds enable it here.
        if leakChecking { vips_leak_set(1) }
        if CVipsShim_init("mediadaemon") != 0 {
            let text = takeErrorBuffer()
            return .failure(ThumbnailError(.internal, "libvips failed to initialise", cause: text))
        }
        _ = CVipsShim_setup()
        CVipsShim_set_log_handler { level, message in
            VipsLog.record(level: Int(level), message: message.map { String(cString: $0) } ?? "")
        }
        return .success(())
    }()

    /// Initialises libvips (once): no operation cache, only our loaders, none of the optional
    /// loader modules in the process yet (see `startHEIF`), warnings captured.
    static func start() throws(ThumbnailError) {
        try started.get()
    }

    /// Runs once per process, when the first HEIC or AVIF input arrives.
    private static let heifStarted: Result<Void, ThumbnailError> = {
        if case .failure(let error) = started { return .failure(error) }
        if CVipsShim_load_heif() != 0 {
            let text = takeErrorBuffer()
            return .failure(ThumbnailError(.internal, "libvips' HEIF module failed to load", cause: text))
        }
        return .success(())
    }()

    /// As `start()`, plus libvips' HEIF module (HEIC, AVIF), the one optional loader module we
    /// accept. Loaded on first need: libheif and the AV1 and HEVC decoders it brings cost every
    /// process ~5 ms of start-up, and most never meet a HEIC.
    static func startHEIF() throws(ThumbnailError) {
        try heifStarted.get()
    }

    /// Whether libvips has an operation with this nickname (e.g. "magickload"), blocked or not.
    static func hasOperation(_ nickname: String) throws(ThumbnailError) -> Bool {
        try start()
        return CVipsShim_operation_exists(nickname) != 0
    }

    /// Reads and clears the process-global vips error buffer.
    static func takeErrorBuffer() -> String {
        guard let raw = vips_error_buffer_copy() else { return "" }
        defer { CVips_gfree(raw) }
        return String(cString: raw)
    }

    /// Whether libvips' leak tracking is on (debug builds: areas and objects are tracked and
    /// leaks reported at shutdown).
    static var leakChecking: Bool {
        #if DEBUG
            return true
        #else
            return false
        #endif
    }

    /// Input labels whose images are watched until finalized (leak tests).
    private static let watchedLabels = Mutex<Set<String>>([])

    /// Watches every image created for inputs labelled `label` from now on.
    static func watch(label: String) {
        watchedLabels.withLock { _ = $0.insert(label) }
    }

    /// Called by `VipsCall` for each image it hands out.
    static func noteCreated(_ image: UnsafeMutablePointer<CVips.VipsImage>, label: String) {
        if watchedLabels.withLock({ $0.contains(label) }) { CVipsShim_watch(image) }
    }

    /// Watched images that have not been finalized yet (0 when every one was released).
    static func watchedAlive() -> Int {
        Int(CVipsShim_watched_live())
    }
}
