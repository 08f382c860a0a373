import Foundation

/// User and tag search, and tag pages (statements in `SocialQueries/tags.sql`).
public struct SearchService: Sendable {
    let pool: DatabasePool
    /// Where tag pages' post views say renditions are.
    let links: MediaLinks

    /// Results a search returns at most, and by default.
    public static let limits = 1...50
    public static let defaultLimit = 20
    /// Longest query accepted, in Unicode scalars.
    public static let maximumQueryLength = 100

    /// A service on `pool`.
    public init(pool: DatabasePool, links: MediaLinks = MediaLinks()) {
        self.pool = pool
        self.links = links
    }

    /// Queries shorter than this are matched by prefix only.
    public static let fuzzyMinimumLength = 3
    /// Trigram similarity (0...1) a fuzzy match needs. pg_trgm's default, 0.3, let the index
    /// hand over hundreds of candidates to re-check per query on 100k users (8-12 ms);
    /// at 0.45 a few remain (2-3 ms), and one changed letter in a name of 8 or more still
    /// matches ("fotographer" is 0.56 from "photographer").
    public static let fuzzyThreshold = "0.45"

    /// Users whose username or display name starts with `query` (case-insensitively; the
    /// username equal to it first, then by followers), then, when fewer than `limit` do and the
    /// query has `fuzzyMinimumLength` characters or more, those close to it by trigram
    /// similarity. 400 `invalid_query` for an empty or over-long query.
    public func users(matching query: String, limit: Int = defaultLimit) async throws -> UserMatches {
        let text = try Self.validate(query).lowercased()
        var rows = Array(try await pool.query(SocialQuery.searchUsersByPrefix, [text, Self.likePrefix(text), Int64(limit)]))
        if rows.count < limit, StoredText.length(text) >= Self.fuzzyMinimumLength {
            let found = Set(try rows.map { try $0["id", as: Int64.self] })
            // Asks for `limit` more: the prefix matches may be among them.
            let fuzzy = try await pool.transaction { connection in
                try connection.query(SocialQuery.setSimilarityThreshold, [Self.fuzzyThreshold])
                return try connection.query(SocialQuery.searchUsersFuzzy, [text, Int64(limit)])
            }
            for row in fuzzy {
                guard rows.count < limit else { break }
                if !found.contains(try row["id", as: Int64.self]) { rows.append(row) }
            }
        }
        return UserMatches(
            users: try rows.map { row in
                UserMatch(
                    userID: String(try row["id", as: Int64.self]), username: try row["username", as: String.self],
                    displayName: try row["display_name", as: String.self],
                    followerCount: try row["follower_count", as: Int64.self])
            })
    }

    /// Tags starting with `query` (a leading `#` is dropped; folded as tags are), most used
    /// first. A query no tag can start with finds none. 400 `invalid_query` as `users`.
    public func tags(matching query: String, limit: Int = defaultLimit) async throws -> TagMatches {
        guard let prefix = Hashtags.name(try Self.validate(query)) else { return TagMatches(tags: []) }
        let rows = try await pool.query(SocialQuery.searchTags, [prefix, Int64(limit)])
        return TagMatches(
            tags: try rows.map { TagMatch(name: try $0["name", as: String.self], postCount: try $0["post_count", as: Int64.self]) })
    }

    /// A page of the live, visible, ready posts carrying `tag`, newest first, with the feed's
    /// cursor. An unused tag has no posts, and neither has text that is no tag (`tag` is then
    /// the text as sent: no caption can carry it).
    public func posts(tagged tag: String, page: PageRequest, viewer: Int64? = nil) async throws -> TagPosts {
        guard let name = Hashtags.name(tag) else { return TagPosts(tag: tag, posts: [], nextCursor: nil) }
        guard let tag = try await pool.query(SocialQuery.tagID, [name]).first else {
            return TagPosts(tag: name, posts: [], nextCursor: nil)
        }
        let keys = page.keys
        let rows = try await pool.query(
            SocialQuery.tagPostsPage, [try tag["id", as: Int64.self], keys.micros, keys.id, page.limit + 1, viewer])
        let result = try PostQuery.page(rows, limit: page.limit, links: links)
        return TagPosts(tag: name, posts: result.posts, nextCursor: result.next)
    }

    static func validate(_ query: String) throws -> String {
        try StoredText.refuseNUL(query, field: "the query")
        let length = StoredText.length(query)
        guard length >= 1, length <= maximumQueryLength else {
            throw SocialError(.invalid, "invalid_query", "q must be 1 to \(maximumQueryLength) characters")
        }
        return query
    }

    /// `text` as a LIKE pattern matching what starts with it: `\`, `%` and `_` escaped.
    static func likePrefix(_ text: String) -> String {
        var pattern = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern + "%"
    }
}

extension SearchService {
    /// The statement behind one of the three reads, so `scripts/bench search` runs the very
    /// same SQL with pgbench: `users` (`SearchUsersByPrefix`), `users-fuzzy`
    /// (`SearchUsersFuzzy`, run when the prefix leaves room, after `similarity-threshold`,
    /// `SetSimilarityThreshold` with its value), `tags` (`SearchTags`), `tag-posts`
    /// (`TagPostsPage`), all in `Social/SocialQueries/tags.sql`, where their parameters are
    /// described. Nil for another name.
    public static func statementSQL(_ name: String) throws -> String? {
        switch name {
        case "users": try SocialQuery.searchUsersByPrefix.text
        case "users-fuzzy": try SocialQuery.searchUsersFuzzy.text
        // The statement with SearchService's threshold in place of its parameter.
        case "similarity-threshold":
            try SocialQuery.setSimilarityThreshold.text.replacingOccurrences(of: "$1", with: "'\(fuzzyThreshold)'")
        case "tags": try SocialQuery.searchTags.text
        case "tag-posts": try SocialQuery.tagPostsPage.text
        default: nil
        }
    }
}
