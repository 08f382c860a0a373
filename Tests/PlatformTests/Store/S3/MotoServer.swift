import Foundation
import Glibc
import Testing

@testable import Platform

/// moto's S3 server (`scripts/s3/moto-server.py`) on a free loopback port with request
/// authentication on: started per use, stopped when released (its standard input closes).
final class MotoServer: @unchecked Sendable {
    /// Whether the venv has moto (`scripts/setup --tests`).
    static let available = TestVenv.has("moto") && TestVenv.has("boto3")

    let process = Process()
    private let input = Pipe()
    let endpoint: String
    let accessKey: String
    let secretKey: String
    let bucket: String

    /// Starts a server with `bucket` made, and waits for its line of credentials.
    init(bucket: String = "media") throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: TestVenv.python)
        process.arguments = [TestVenv.repository + "/scripts/s3/moto-server.py", bucket]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData  // blocks until bytes or EOF
            if chunk.isEmpty { break }
            line += chunk
        }
        struct Started: Decodable {
            var endpoint: String
            var access_key: String
            var secret_key: String
            var bucket: String
        }
        let started = try JSONDecoder().decode(Started.self, from: line)
        (endpoint, accessKey, secretKey, self.bucket) = (started.endpoint, started.access_key, started.secret_key, started.bucket)
    }

    deinit {
        resume()
        try? input.fileHandleForWriting.close()
        process.terminate()
    }

    /// Freezes the server (SIGSTOP): connections are accepted by the kernel, nothing answers.
    func pause() { kill(process.processIdentifier, SIGSTOP) }
    /// Lets it run again (SIGCONT).
    func resume() { kill(process.processIdentifier, SIGCONT) }

    /// An S3 configuration for this server under a prefix of its own, at `endpoint` (default
    /// the server itself; a fault proxy in front of it otherwise).
    func configuration(prefix: String = "t-" + UUID().uuidString.prefix(8).lowercased(), endpoint: String? = nil, secret: String? = nil)
        throws -> S3Configuration
    {
        var configuration = try S3Configuration(
            url: "s3://\(bucket)/\(prefix)", endpoint: endpoint ?? self.endpoint, region: "us-east-1", pathStyle: true,
            credentials: S3Credentials(accessKeyID: accessKey, secretAccessKey: secret ?? secretKey))
        configuration.retry.baseDelay = .milliseconds(5)
        configuration.retry.maximumDelay = .milliseconds(50)
        configuration.multipartThreshold = 5 << 20
        configuration.partSize = 5 << 20
        return configuration
    }

    /// Starts a server on a thread of its own: its start-up (Python importing moto) blocks for
    /// seconds, and must not hold one of the few threads that run every test's tasks.
    static func start(bucket: String = "media") async throws -> MotoServer {
        try await Blocking.onOwnThread { try MotoServer(bucket: bucket) }
    }

    /// One server shared by the suites that need no server of their own (each test uses a
    /// prefix of its own), started on first use.
    static func shared() async throws -> MotoServer {
        try await sharedServer.value
    }

    private static let sharedServer = Task { try await start() }
}
