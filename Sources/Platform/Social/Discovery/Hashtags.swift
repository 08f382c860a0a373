import Foundation

/// `#tags` in a caption: what counts as a tag, its folded form (the one stored and looked up),
/// and their rows for a post.
///
/// A tag is `#` not preceded by a tag character, then a letter, digit or underscore, then
/// letters, digits, underscores and combining marks (so scripts that write vowels as marks
/// stay whole), up to the next other character. Letters and digits are Unicode's (general
/// categories L* and Nd). The stored name is case-folded (`Ünïcode` and `ÜNÏCODE` are one
/// tag; `ß` folds to `ss`) and in NFC.
public enum Hashtags {
    /// Most tags taken from one caption; a caption with more records the first ones.
    public static let maximum = 30
    /// Longest tag in Unicode scalars after folding; longer runs are not tags.
    public static let maximumLength = 100

    /// The folded tags of `text`, each once, in order of first appearance.
    public static func tags(in text: String) -> [String] {
        SigilWords.words(after: "#", in: text, limit: maximum, isWordCharacter: continues) { run in
            guard let first = run.first, starts(first) else { return nil }
            return name(String(run))
        }
    }

    /// The stored form of a tag written without its `#` (a leading `#` is dropped), or nil when
    /// it is not one tag: empty, over `maximumLength`, or with a character a tag cannot hold.
    public static func name(_ text: String) -> String? {
        let bare = text.hasPrefix("#") ? String(text.dropFirst()) : text
        // Upper- then lower-casing is full case folding for all but a few scripts' letters
        // (ß → SS → ss, ς → Σ → σ, ﬁ → FI → fi).
        let folded = bare.uppercased().lowercased().precomposedStringWithCanonicalMapping
        let scalars = folded.unicodeScalars
        guard let first = scalars.first, starts(first), scalars.allSatisfy(continues),
            scalars.count <= maximumLength
        else { return nil }
        return folded
    }

    /// The tags of a new post: tag rows created or counted up, and the post's rows. Names go in
    /// sorted, so two posts sharing tags lock the tag rows in the same order.
    static func record(in caption: String, postID: Int64, on connection: DatabaseConnection) throws {
        let names = tags(in: caption).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard !names.isEmpty else { return }
        try connection.query(SocialQuery.insertPostTags, [postID, PostgresArray(names)])
    }

    /// Removes a deleted post's tag rows and counts it out of its tags.
    static func forget(postID: Int64, on connection: DatabaseConnection) throws {
        try connection.query(SocialQuery.deletePostTags, [postID])
    }

    private static func starts(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            true
        default: scalar == "_"
        }
    }

    private static func continues(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: starts(scalar)
        }
    }
}
