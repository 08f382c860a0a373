import Hummingbird

/// `/api/v1/users`, `/api/v1/sessions`, profiles and follows.
struct UserRoutes: Sendable {
    let api: HTTPAPI

    func register(on router: Router<APIRequestContext>) {
        router.post("/api/v1/users") { request, context in
            let body = try await JSONResponse.decode(JSONRequest.Credentials.self, from: request)
            try limit(.register, username: body.username, request, context)
            return try JSONResponse.make(
                try await api.users.register(username: body.username, password: body.password), status: .created)
        }
        router.post("/api/v1/sessions") { request, context in
            let body = try await JSONResponse.decode(JSONRequest.Credentials.self, from: request)
            let address = try limit(.logIn, username: body.username, request, context)
            return try JSONResponse.make(
                try await api.users.logIn(username: body.username, password: body.password, address: address),
                status: .created)
        }
        router.delete("/api/v1/sessions") { request, _ in
            guard let token = BearerAuth.token(request) else { throw SocialError.unauthorized }
            try await api.users.logOut(token: token)
            return Response(status: .noContent)
        }
        router.get("/api/v1/users/{id}") { request, context in
            let userID = try PathID.require(context)
            return try JSONResponse.make(try await api.users.profile(userID: userID, viewer: await api.auth.viewer(request)))
        }
        router.get("/api/v1/users/{id}/posts") { request, context in
            let userID = try PathID.require(context)
            let user = try await api.users.profile(userID: userID, viewer: await api.auth.viewer(request))
            let page = try await api.posts.posts(ofUser: userID, page: try PageParameters.page(request))
            return try JSONResponse.make(ProfilePosts(user: user, posts: page.posts, nextCursor: page.next))
        }
        router.post("/api/v1/users/{id}/follow") { request, context in
            let userID = try await api.auth.userID(request)
            try api.limiter.take(.follow, userID: userID)
            let state = try await api.follows.follow(
                follower: userID, followee: try PathID.require(context))
            api.hub.foldSoon()
            api.feed.invalidate(reader: userID)
            return try JSONResponse.make(state)
        }
        router.delete("/api/v1/users/{id}/follow") { request, context in
            let userID = try await api.auth.userID(request)
            try api.limiter.take(.follow, userID: userID)
            let state = try await api.follows.unfollow(
                follower: userID, followee: try PathID.require(context))
            api.hub.foldSoon()
            api.feed.invalidate(reader: userID)
            return try JSONResponse.make(state)
        }
    }
}

extension UserRoutes {
    /// Spends a token of the client address's budget for `action` and one of the username's;
    /// returns the address.
    @discardableResult
    private func limit(
        _ action: RateLimiter.Action, username: String, _ request: Request, _ context: APIRequestContext
    ) throws -> String? {
        let address = ClientAddress.of(request, context: context, trusted: api.configuration.trustedProxies)
        if let address { try api.limiter.take(action, .address(address)) }
        // At most 64 bytes of a name are kept: longer ones are no user's anyway.
        try api.limiter.take(action, .username(String(decoding: username.utf8.prefix(64), as: UTF8.self)))
        return address
    }
}

/// `cursor` and `limit` query parameters.
enum PageParameters {
    static func page(_ request: Request) throws -> PageRequest {
        let query = request.uri.queryParameters
        var cursor: Cursor?
        // An empty `cursor=` is the first page (clients send back a null next_cursor as ""),
        // as the spec's parameter pattern says.
        if let text = query.get("cursor"), !text.isEmpty {
            cursor = try Cursor(decoding: text)
        }
        var limit: Int?
        if let text = query.get("limit") {
            guard let value = Int(text), PageRequest.limits.contains(value) else {
                throw SocialError(.invalid, "invalid_limit", "limit must be an integer from 1 to 100")
            }
            limit = value
        }
        return PageRequest(cursor: cursor, limit: limit)
    }
}
