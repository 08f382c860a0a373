import Hummingbird
import Logging
import Prometheus

/// `/healthz`, `/readyz`, `/metrics`.
struct OperationsRoutes: Sendable {
    let api: HTTPAPI

    private struct Status: Encodable {
        var status: String
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/healthz") { _, _ in try JSONResponse.make(Status(status: "ok")) }
        router.get("/readyz") { _, _ in
            guard await isReady() else {
                return JSONResponse.error(
                    status: .serviceUnavailable, code: "not_ready",
                    message: "the database is unreachable or migrations are pending")
            }
            return try JSONResponse.make(Status(status: "ready"))
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
}
