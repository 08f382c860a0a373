import Hummingbird
import Logging
import Prometheus

/// `/healthz`, `/readyz`, `/metrics`.
struct OperationsRoutes: Sendable {
    let api: HTTPAPI

    private struct Status: Encodable {
        var status: String
        /// With a read replica configured: what its last check found.
        var replica: ReplicaStatus?
    }

    /// `/readyz`'s view of `ReadReplica.Report`: the daemon stays ready while the replica is
    /// down or behind (reads go to the primary), and says so here.
    private struct ReplicaStatus: Encodable {
        var state: String
        /// `replica` or `primary`: where reads go now.
        var reads: String
        var lagSeconds: Double?
        var bytesBehind: UInt64?
        var replayBacklogBytes: UInt64?
        var reason: String?
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/healthz") { _, _ in try JSONResponse.make(Status(status: "ok")) }
        router.get("/readyz") { _, _ in
            guard await isReady() else {
                return JSONResponse.error(
                    status: .serviceUnavailable, code: "not_ready",
                    message: "the database is unreachable or migrations are pending")
            }
            return try JSONResponse.make(Status(status: "ready", replica: replicaStatus()))
        }
        router.get("/metrics") { _, _ in
            await api.refreshMetrics()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: api.metrics.registry.emitToBuffer())))
        }
    }

    /// Database reachable and every bundled migration applied.
    private func isReady() async -> Bool {
        do {
            return try await api.migrator.status(api.pool).isUpToDate
        } catch {
            api.logger.warning("not ready", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func replicaStatus() -> ReplicaStatus? {
        guard let replica = api.replica else { return nil }
        let report = replica.report
        return ReplicaStatus(
            state: report.state, reads: replica.isServingReads ? "replica" : "primary", lagSeconds: report.lagSeconds,
            bytesBehind: report.bytesBehind, replayBacklogBytes: report.replayBacklog, reason: report.reason)
    }
}
