import Foundation
import Glibc

/// TEST ONLY: a fault a worker child commits on purpose, so tests can crash a child the way a
/// decoder bug would. Set through `MEDIADAEMON_TEST_FAULT` (`swift-trap`, `c-abort`, `hang`,
/// `open-socket`, `open-file:<path>`), which only tests set; a child honours it only for an
/// input whose bytes contain `marker`, so other inputs in the same run are processed normally.
enum WorkerFault: Sendable, Equatable {
    case swiftTrap
    case cAbort
    /// Never returns and never reports progress again, like a decoder in an endless loop (the
    /// parent's watchdog kills it).
    case hang
    /// Opens a TCP socket (the seccomp filter kills the child with SIGSYS).
    case openSocket
    /// Opens `path` for reading.
    case openFile(String)

    /// The bytes an input must contain for the fault to fire.
    static let marker = Data("MEDIADAEMON-TEST-FAULT".utf8)

    /// The fault named by the environment variable's value; nil for nil or an unknown name.
    init?(_ value: String?) {
        switch value {
        case "swift-trap": self = .swiftTrap
        case "c-abort": self = .cAbort
        case "hang": self = .hang
        case "open-socket": self = .openSocket
        case let value? where value.hasPrefix("open-file:") && value.count > "open-file:".count:
            self = .openFile(String(value.dropFirst("open-file:".count)))
        default: return nil
        }
    }

    /// Commits the fault when the input at `path` contains `marker`. The faults that do not
    /// crash end the job with a `test_fault_*` code that says what the child managed to do.
    func commit(forInputAt path: String) throws {
        guard let bytes = FileManager.default.contents(atPath: path), bytes.range(of: Self.marker) != nil else { return }
        switch self {
        case .swiftTrap:
            let limit = [Int](repeating: 0, count: Int(bytes.count % 2))
            _ = limit[limit.count]  // out of bounds: the runtime traps
        case .cAbort:
            abort()
        case .hang:
            while true { sleep(3600) }
        case .openSocket:
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else {
                throw MediaFailure.badInput(code: "test_fault_socket_refused", message: "socket: \(String(cString: strerror(errno)))")
            }
            Glibc.close(socket)
            throw MediaFailure.badInput(code: "test_fault_socket_opened", message: "the worker opened a TCP socket")
        case .openFile(let target):
            let file = open(target, O_RDONLY | O_CLOEXEC)
            guard file >= 0 else {
                throw MediaFailure.badInput(code: "test_fault_file_refused", message: "open: \(String(cString: strerror(errno)))")
            }
            Glibc.close(file)
            throw MediaFailure.badInput(code: "test_fault_file_opened", message: "the worker opened \(target)")
        }
    }
}
