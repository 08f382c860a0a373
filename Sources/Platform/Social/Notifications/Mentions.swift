/// `@username` mentions in a caption or comment: the names (lower-cased, as usernames are
/// stored) that could be users, each once, in order of first appearance.
enum Mentions {
    /// Most names taken from one text; a text naming more notifies the first ones only.
    static let maximum = 20

    /// The mentioned names: `@` not preceded by a name character, then 3 to 30 of `[a-z0-9_]`
    /// (case-insensitive; longer runs are not usernames).
    static func usernames(in text: String) -> [String] {
        var names: [String] = []
        var seen = Set<String>()
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count, names.count < maximum {
            defer { index += 1 }
            guard scalars[index] == "@", index == 0 || !isNameCharacter(scalars[index - 1]) else { continue }
            var end = index + 1
            while end < scalars.count, isNameCharacter(scalars[end]) { end += 1 }
            let length = end - index - 1
            guard (3...30).contains(length) else { continue }
            let name = String(String.UnicodeScalarView(scalars[(index + 1)..<end])).lowercased()
            if seen.insert(name).inserted { names.append(name) }
            index = end - 1
        }
        return names
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_": true
        default: false
        }
    }
}
