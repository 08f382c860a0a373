import Foundation

/// The moderation page: media the hash list blocked, posts pending review, posts and users
/// reported lately, each post with its picture, author, reports and a hide or restore button.
extension OperatorPages {
    static func moderation(_ moderation: OperatorModeration) -> Markup {
        let users: [Markup] = moderation.reportedUsers.map { user in
            """
            <tr data-user="\(user.userId)"><td>\(user.userId)</td><td>\(user.username ?? "(deleted)")</td>\
            <td>\(user.reportCount)</td><td>\(user.reasons)</td></tr>
            """
        }
        // Blocked media and avatars have no rendition to show: ids, entry, distance and source only.
        let matches: [Markup] = moderation.hashListMatches.map { match in
            let subject: Markup
            if let mediaID = match.mediaID {
                subject = "<a href=\"/admin/media/\(mediaID)\">media \(mediaID)</a>"
            } else {
                subject = "avatar \(match.avatarID.map(String.init) ?? "?")"
            }
            return """
            <tr data-match="\(match.id)"><td>\(subject)</td>\
            <td>\(match.postID.map { "post \($0)" } ?? "no post")<br>\(match.userID.map { "user \($0)" } ?? "")</td>\
            <td>entry \(match.entryID) (\(match.entryKind ?? "?"))</td><td>\(match.distance)</td>\
            <td>\(match.source ?? "?")</td><td>\(match.foundBy)</td><td>\(match.createdAt.formatted(.iso8601))</td></tr>
            """
        }
        let matchTable: Markup =
            matches.isEmpty
            ? "<p class=\"muted\" id=\"hash-list-matches\">None.</p>"
            : """
            <div class="scroll"><table id="hash-list-matches"><thead><tr><th>media or avatar</th><th>post</th><th>entry</th>\
            <th>distance</th><th>source</th><th>found by</th><th>when</th></tr></thead><tbody>\(matches)</tbody></table></div>
            """
        return """
            <h1>Moderation</h1>
            <section><h2>Hash-list matches</h2><p class="muted">Media and avatars blocked because they match an imported \
            hash list: nothing of them is served, their posts are hidden, a refused avatar never replaces the user's.</p>\
            \(matchTable)</section>
            <section><h2>Pending review</h2><p class="muted">Posts hidden by reports, waiting for an operator.</p>\
            \(postTable("pending", moderation.pending))</section>
            <section><h2>Reported posts</h2><p class="muted">Posts reported lately, most recently reported first.</p>\
            \(postTable("reported-posts", moderation.reportedPosts))</section>
            <section><h2>Reported users</h2><div class="scroll"><table id="reported-users"><thead><tr><th>user</th><th>username</th>\
            <th>reports</th><th>reasons</th></tr></thead><tbody>\(users)</tbody></table></div>\
            \(moderation.reportedUsers.isEmpty ? Markup("<p class=\"muted\">No user is reported.</p>") : Markup(""))</section>
            """
    }

    private static func postTable(_ id: String, _ posts: [OperatorModerationPost]) -> Markup {
        guard !posts.isEmpty else { return "<p class=\"muted\" id=\"\(id)\">None.</p>" }
        let rows: [Markup] = posts.map { post in
            let picture: Markup =
                post.thumbnailUrl.map { "<img class=\"thumb\" src=\"\($0)\" alt=\"post \(post.postId)\" width=\"150\" height=\"150\">" }
                ?? "<img src=\"/admin/assets/icon.svg\" alt=\"no rendition yet\" width=\"40\" height=\"40\">"
            let action: Markup =
                post.state == "visible"
                ? """
                <form class="inline" data-api="/admin/api/moderation/posts/\(post.postId)/hide" data-confirm="Hide post \(post.postId)?">\
                <button type="submit" class="hide danger">Hide</button></form>
                """
                : """
                <form class="inline" data-api="/admin/api/moderation/posts/\(post.postId)/restore" data-confirm="Show post \(post.postId) again?">\
                <button type="submit" class="restore">Restore</button></form>
                """
            return """
                <tr data-post="\(post.postId)"><td><a href="/admin/media/\(post.mediaId)">\(picture)</a></td>\
                <td>post \(post.postId)<br>by \(post.author) (\(post.authorId))</td>\
                <td class="\(post.state == "visible" ? "" : "bad")">\(post.state)<br>\(post.reportCount) reports</td>\
                <td>\(post.reasons)</td><td>\(action)</td></tr>
                """
        }
        return """
            <div class="scroll"><table id="\(id)"><thead><tr><th>picture</th><th>post</th><th>state</th>\
            <th>reasons</th><th></th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }
}
