import HTTPTypes
import Hummingbird

/// Notifications: the list, the unread count, marking read, stream tickets and the live stream.
struct NotificationRoutes: Sendable {
    let api: HTTPAPI

    struct ReadRequest: Decodable {
        /// The highest notification id to mark read; absent: all.
        var upTo: String?
    }

    /// The live stream's route.
    static let streamPath = "/api/v1/notifications/stream"

    /// Whether a request target (path and query) is the live stream's.
    static func isStream(path: String) -> Bool {
        guard path.hasPrefix(streamPath) else { return false }
        let rest = path.dropFirst(streamPath.count)
        return rest.isEmpty || rest.hasPrefix("?")
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/api/v1/notifications") { request, _ in
            let userID = try await api.auth.userID(request)
            return try JSONResponse.make(
                try await api.notifications.page(userID: userID, page: try PageParameters.page(request)))
        }
        router.get("/api/v1/notifications/unread_count") { request, _ in
            let userID = try await api.auth.userID(request)
            return try JSONResponse.make(try await api.notifications.unreadCount(userID: userID))
        }
        router.post("/api/v1/notifications/read") { request, _ in
            let userID = try await api.auth.userID(request)
            let body = try await JSONResponse.decode(ReadRequest.self, from: request)
            var upTo: Int64?
            if let text = body.upTo {
                guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) else {
                    throw SocialError(.invalid, "invalid_id", "up_to is a notification id (a string of digits)")
                }
                // Digits beyond any id (past Int64) mean every notification, as the spec says.
                upTo = Int64(text) ?? Int64.max
            }
            return try JSONResponse.make(try await api.notifications.markRead(userID: userID, upTo: upTo))
        }
        router.post("/api/v1/notifications/stream/tickets") { request, _ in
            let userID = try await api.auth.userID(request)
            return try JSONResponse.make(try await api.notifications.newTicket(userID: userID), status: .created)
        }
        router.get(RouterPath(Self.streamPath)) { request, _ in
            // A ticket (EventSource cannot send Authorization) or a bearer token; a bearer
            // token is never accepted in the URL.
            let userID: Int64
            if let ticket = request.uri.queryParameters.get("ticket") {
                userID = try await api.notifications.redeem(ticket: String(ticket))
            } else {
                userID = try await api.auth.userID(request)
            }
            let after = try NotificationStream.lastEventID(request)
            let subscription = try api.hub.subscribe(userID: userID)
            let start: Int64
            do {
                if let after {
                    start = after
                } else {
                    start = try await api.notifications.latestChange(userID: userID)
                }
            } catch {
                api.hub.unsubscribe(subscription)
                throw error
            }
            let stream = NotificationStream(
                hub: api.hub, service: api.notifications, subscription: subscription, start: start)
            var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-store"]
            // Tells a buffering proxy (nginx) to pass events through as they come.
            if let buffering = HTTPField.Name("X-Accel-Buffering") { headers[buffering] = "no" }
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in try await stream.run(&writer) })
        }
    }
}
