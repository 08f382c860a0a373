import Hummingbird

/// `/api/v1/users/me`: the caller's own account (profile edits, avatar, password, sessions,
/// deletion) and block and mute lists.
struct AccountRoutes: Sendable {
    let api: HTTPAPI

    func register(on router: Router<APIRequestContext>) {
        router.get("/api/v1/users/me") { request, _ in
            let userID = try await api.auth.userID(request)
            return try JSONResponse.make(try await api.users.profile(userID: userID))
        }
        router.patch("/api/v1/users/me") { request, _ in
            let userID = try await api.auth.userID(request)
            let body = try await JSONResponse.decode(JSONRequest.ProfileChange.self, from: request)
            return try JSONResponse.make(
                try await api.users.updateProfile(userID: userID, displayName: body.displayName, bio: body.bio))
        }
        router.delete("/api/v1/users/me") { request, _ in
            let userID = try await api.auth.userID(request)
            let body = try await JSONResponse.decode(JSONRequest.PasswordCheck.self, from: request)
            try await api.users.requestDeletion(userID: userID, password: body.password)
            return Response(status: .accepted)
        }
        router.put("/api/v1/users/me/password") { request, _ in
            guard let token = BearerAuth.token(request) else { throw SocialError.unauthorized }
            let userID = try await api.users.authenticate(token: token)
            let body = try await JSONResponse.decode(JSONRequest.PasswordChange.self, from: request)
            try await api.users.changePassword(
                userID: userID, current: body.currentPassword, new: body.newPassword, keepingToken: token)
            return Response(status: .noContent)
        }
        router.delete("/api/v1/users/me/sessions") { request, _ in
            let userID = try await api.auth.userID(request)
            try await api.users.logOutEverywhere(userID: userID)
            return Response(status: .noContent)
        }
        router.put("/api/v1/users/me/avatar") { request, _ in
            let userID = try await api.auth.userID(request)
            try api.limiter.take(.upload, userID: userID)
            let spool = try await AvatarUploadBody.spool(request, configuration: api.configuration)
            defer { spool.discard() }
            return try JSONResponse.make(try await api.avatars.upload(userID: userID, path: spool.path), status: .accepted)
        }
        router.get("/api/v1/users/me/blocks") { request, _ in
            let userID = try await api.auth.userID(request)
            return try JSONResponse.make(try await api.relations.blocked(by: userID, page: try PageParameters.page(request)))
        }
        router.get("/api/v1/users/me/mutes") { request, _ in
            let userID = try await api.auth.userID(request)
            return try JSONResponse.make(try await api.relations.muted(by: userID, page: try PageParameters.page(request)))
        }
        router.put("/api/v1/users/{id}/block") { request, context in
            let userID = try await api.auth.userID(request)
            try api.limiter.take(.follow, userID: userID)
            let other = try PathID.require(context)
            let state = try await api.relations.block(blocker: userID, blocked: other)
            api.hub.foldSoon()
            api.feed.invalidate(reader: userID)
            api.feed.invalidate(reader: other)
            return try JSONResponse.make(state)
        }
        router.delete("/api/v1/users/{id}/block") { request, context in
            let userID = try await api.auth.userID(request)
            return try JSONResponse.make(try await api.relations.unblock(blocker: userID, blocked: try PathID.require(context)))
        }
        router.put("/api/v1/users/{id}/mute") { request, context in
            let userID = try await api.auth.userID(request)
            let state = try await api.relations.mute(muter: userID, muted: try PathID.require(context))
            api.feed.invalidate(reader: userID)
            return try JSONResponse.make(state)
        }
        router.delete("/api/v1/users/{id}/mute") { request, context in
            let userID = try await api.auth.userID(request)
            let state = try await api.relations.unmute(muter: userID, muted: try PathID.require(context))
            api.feed.invalidate(reader: userID)
            return try JSONResponse.make(state)
        }
    }
}
