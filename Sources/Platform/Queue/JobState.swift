/// Where a job is in its lifecycle; the `job_state` enum of migration 0002.
///
/// ```
///              enqueue
///                 │
///                 ▼
///   ┌──────▶ available ─────────── cancel ──────────▶ cancelled
///   │  retry    │   ▲                                    ▲
///   │           │   │ transient failure (after backoff),  │
///   │      claim│   │ lease expired, released at shutdown │
///   │           ▼   │                                    │
///   │        running ───── cancel flag seen by handler ──┘
///   │           │  ╲
///   │   complete│   ╲ permanent failure, last attempt failed
///   │           ▼    ╲ or its lease expired
///   │      succeeded  ╰──────────▶ dead
///   └──────────────────────────────┘
/// ```
/// Only `running` jobs hold a lease; only `succeeded`, `dead` and `cancelled` are final (they
/// have `finishedAt`). The schema's CHECK constraints enforce both.
public enum JobState: String, Sendable, CaseIterable, Codable {
    case available
    case running
    case succeeded
    case dead
    case cancelled

    /// True for states a job never leaves on its own.
    public var isFinal: Bool {
        switch self {
        case .succeeded, .dead, .cancelled: true
        case .available, .running: false
        }
    }
}
