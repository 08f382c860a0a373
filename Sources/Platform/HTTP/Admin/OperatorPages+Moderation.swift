import Foundation

/// The moderation page: posts pending review, posts and users reported lately, each post with
/// its picture, author, reports and a hide or restore button.
extension OperatorPages {
    static func moderation(_ moderation: OperatorModeration) -> Markup {
        let users: [Markup] = moderation.reportedUsers.map { user in
            """
            <tr data-user="\(user.userId)"><td>\(user.userId)</td><td>\(user.username ?? "(deleted)")</td>\
            <td>\(user.reportCount)</td><td>\(user.reasons)</td></tr>
            """
        }
        // Hash-list matches (media blocked by an imported block list) come as their own
        // section here, above the reports, once block lists exist.
        return """
            <h1>Moderation</h1>
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
