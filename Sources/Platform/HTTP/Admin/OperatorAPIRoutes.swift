import Foundation
import Hummingbird

/// `/admin/api/…`: the operator page's JSON (openapi.yaml, tag `operator`). Every route needs
/// an operator (`OperatorAuth`); writes made with the page's cookie need its CSRF token.
struct OperatorAPIRoutes: Sendable {
    let auth: OperatorAuth
    let console: OperatorConsole

    private struct Retried: Encodable { var retried: Int }
    private struct Lifted: Encodable {
        var lifted: String
        var deadJobs: [Int64]
    }
    private struct Reprocessed: Encodable {
        var mediaId: Int64
        var enqueued: Bool
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/admin/api/overview") { request, _ in
            _ = try await auth.principal(request)
            return try JSONResponse.make(try await console.overview())
        }
        router.get("/admin/api/jobs") { request, _ in
            _ = try await auth.principal(request)
            let jobs = try await console.queue.list(
                try OperatorParameters.filter(request), limit: try OperatorParameters.limit(request),
                before: try OperatorParameters.before(request))
            return try JSONResponse.make(jobs)
        }
        router.post("/admin/api/dead-jobs/retry") { request, _ in
            _ = try await auth.writer(request)
            var filter = try OperatorParameters.filter(request)
            filter.state = .dead
            return try JSONResponse.make(Retried(retried: try await console.queue.retryDead(matching: filter)))
        }
        router.get("/admin/api/jobs/{id}") { request, context in
            _ = try await auth.principal(request)
            return try JSONResponse.make(try await console.job(id: try PathID.require(context)))
        }
        router.post("/admin/api/jobs/{id}/retry") { request, context in
            _ = try await auth.writer(request)
            return try JSONResponse.make(try await console.retry(id: try PathID.require(context)))
        }
        router.post("/admin/api/jobs/{id}/cancel") { request, context in
            _ = try await auth.writer(request)
            return try JSONResponse.make(try await console.cancel(id: try PathID.require(context)))
        }
        router.get("/admin/api/failures") { request, _ in
            _ = try await auth.principal(request)
            let window = try OperatorParameters.window(request)
            let codes = try await console.queue.failureCodes(window: .seconds(window))
            return try JSONResponse.make(OperatorFailures(windowSeconds: window, codes: codes))
        }
        router.get("/admin/api/quarantine") { request, _ in
            _ = try await auth.principal(request)
            return try JSONResponse.make(try await console.queue.quarantines())
        }
        router.post("/admin/api/quarantine/{key}/lift") { request, context in
            _ = try await auth.writer(request)
            let key = context.parameters.get("key") ?? ""
            return try JSONResponse.make(Lifted(lifted: key, deadJobs: try await console.lift(contentKey: key)))
        }
        router.get("/admin/api/media") { request, _ in
            _ = try await auth.principal(request)
            return try JSONResponse.make(
                try await console.recentMedia(
                    status: try OperatorParameters.mediaStatus(request), limit: try OperatorParameters.limit(request)))
        }
        router.get("/admin/api/media/{id}") { request, context in
            _ = try await auth.principal(request)
            return try JSONResponse.make(try await console.media(id: try PathID.require(context)))
        }
        router.post("/admin/api/media/{id}/reprocess") { request, context in
            _ = try await auth.writer(request)
            let id = try PathID.require(context)
            return try JSONResponse.make(Reprocessed(mediaId: id, enqueued: try await console.reprocess(mediaID: id)))
        }
        router.get("/admin/api/moderation") { request, _ in
            _ = try await auth.principal(request)
            return try JSONResponse.make(try await console.moderationOverview(limit: try OperatorParameters.limit(request)))
        }
        router.post("/admin/api/moderation/posts/{id}/hide") { request, context in
            _ = try await auth.writer(request)
            return try JSONResponse.make(try await console.decide(postID: try PathID.require(context), hide: true))
        }
        router.post("/admin/api/moderation/posts/{id}/restore") { request, context in
            _ = try await auth.writer(request)
            return try JSONResponse.make(try await console.decide(postID: try PathID.require(context), hide: false))
        }
    }
}
