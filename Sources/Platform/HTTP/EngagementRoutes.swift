import Hummingbird

/// Likes, comments and the home feed.
struct EngagementRoutes: Sendable {
    let api: HTTPAPI

    func register(on router: Router<APIRequestContext>) {
        router.post("/api/v1/posts/{id}/likes") { request, context in
            let userID = try await api.auth.userID(request)
            try api.limiter.take(.like, userID: userID)
            let count = try await api.likes.like(userID: userID, postID: try PathID.require(context))
            api.hub.foldSoon()
            api.feed.invalidate(reader: userID)
            return try JSONResponse.make(count, status: .created)
        }
        router.delete("/api/v1/posts/{id}/likes") { request, context in
            let userID = try await api.auth.userID(request)
            try await api.likes.unlike(userID: userID, postID: try PathID.require(context))
            api.hub.foldSoon()
            api.feed.invalidate(reader: userID)
            return Response(status: .noContent)
        }
        router.post("/api/v1/posts/{id}/comments") { request, context in
            let userID = try await api.auth.userID(request)
            let postID = try PathID.require(context)
            let body = try await JSONResponse.decode(JSONRequest.NewComment.self, from: request)
            try api.limiter.take(.comment, userID: userID)
            try api.limiter.take(.commentOnPost, .post(postID))
            let comment = try await api.comments.add(userID: userID, postID: postID, text: body.text)
            api.hub.foldSoon()
            api.feed.invalidate(reader: userID)
            return try JSONResponse.make(comment, status: .created)
        }
        router.delete("/api/v1/posts/{id}/comments/{comment_id}") { request, context in
            let userID = try await api.auth.userID(request)
            try await api.comments.delete(
                userID: userID, postID: try PathID.require(context), commentID: try PathID.require(context, "comment_id"))
            api.hub.foldSoon()
            return Response(status: .noContent)
        }
        router.get("/api/v1/posts/{id}/comments") { request, context in
            let postID = try PathID.require(context)
            let page = try PageParameters.page(request)
            return try JSONResponse.make(
                try await api.comments.list(postID: postID, page: page, viewer: await api.auth.viewer(request)))
        }
        router.get("/api/v1/feed") { request, _ in
            guard let token = BearerAuth.token(request) else { throw SocialError.unauthorized }
            let page = Result { try PageParameters.page(request) }
            let body = try await api.homeFeed.renderedPage(token: token, page: page) { JSONResponse.body($0) }
            return JSONResponse.make(json: body)
        }
    }
}
