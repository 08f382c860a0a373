/// What text the database stores as sent, and how its length is counted: the one owner of
/// both facts for captions, comments and passwords.
///
/// libpq sends text parameters as C strings, so a NUL would silently cut the stored text
/// while the response echoed all of it: NUL is refused. Lengths are Unicode scalars, which is
/// what PostgreSQL's `length()` counts in a UTF-8 database (the `comments.text` CHECK), so a
/// text Swift accepts is never refused by the database.
enum StoredText {
    /// Length as PostgreSQL counts it: Unicode scalars (not graphemes, not bytes).
    static func length(_ text: String) -> Int {
        text.unicodeScalars.count
    }

    /// Throws 400 `invalid_text` when `text` holds a NUL; `field` names it for the client.
    static func refuseNUL(_ text: String, field: String) throws(SocialError) {
        guard !text.utf8.contains(0) else {
            throw SocialError(.invalid, "invalid_text", "\(field) must not contain NUL characters")
        }
    }
}
