/// The words a sigil introduces in free text (`#tag`, `@name`): the sigil, not preceded by a
/// word character, then the run of word characters after it. One scanner for hashtags and
/// mentions; each says what a word character is and what a run becomes.
enum SigilWords {
    /// What `accept` makes of each run after `sigil` (nil: not a word of this kind), each once,
    /// in order of first appearance, at most `limit`.
    static func words(
        after sigil: Unicode.Scalar, in text: String, limit: Int, isWordCharacter: (Unicode.Scalar) -> Bool,
        accept: (Substring.UnicodeScalarView) -> String?
    ) -> [String] {
        var words: [String] = []
        var seen = Set<String>()
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        var previous: Unicode.Scalar?
        while index < scalars.endIndex, words.count < limit {
            let scalar = scalars[index]
            index = scalars.index(after: index)
            guard scalar == sigil, previous.map({ !isWordCharacter($0) }) ?? true else {
                previous = scalar
                continue
            }
            let end = scalars[index...].firstIndex { !isWordCharacter($0) } ?? scalars.endIndex
            let run = scalars[index..<end]
            if let word = accept(run), seen.insert(word).inserted { words.append(word) }
            // The run holds no sigil: scanning resumes after it.
            previous = end > index ? scalars[scalars.index(before: end)] : scalar
            index = end
        }
        return words
    }
}
