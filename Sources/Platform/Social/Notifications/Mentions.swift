/// `@username` mentions in a caption or comment: the names (lower-cased, as usernames are
/// stored) that could be users, each once, in order of first appearance.
enum Mentions {
    /// Most names taken from one text; a text naming more notifies the first ones only.
    static let maximum = 20

    /// The mentioned names: `@` not preceded by a name character, then 3 to 30 of `[a-z0-9_]`
    /// (case-insensitive; longer runs are not usernames).
    static func usernames(in text: String) -> [String] {
        SigilWords.words(after: "@", in: text, limit: maximum, isWordCharacter: isNameCharacter) { run in
            (3...30).contains(run.count) ? String(run).lowercased() : nil
        }
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_": true
        default: false
        }
    }
}
