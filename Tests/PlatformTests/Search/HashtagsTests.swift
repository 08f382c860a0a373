import Testing

@testable import Platform

@Suite("Hashtags: parsing and folding")
struct HashtagsTests {
    @Test("tags are case-folded, each once, in order of first appearance")
    func folding() {
        #expect(Hashtags.tags(in: "Sunset at the #Beach with #beach_life and #BEACH") == ["beach", "beach_life"])
        // ß folds to ss, so both spellings are one tag; Ü folds to ü.
        #expect(Hashtags.tags(in: "#STRASSE #straße #Über") == ["strasse", "über"])
        // Capital and small (final) sigma are one tag.
        #expect(Hashtags.tags(in: "#ΟΔΟΣ #οδος").count == 1)
    }

    @Test("Unicode letters, digits, underscores and combining marks; other characters end a tag")
    func characters() {
        #expect(Hashtags.tags(in: "#日本語 and #हिन्दी, #_ok #123 #a.b #x-y") == ["日本語", "हिन्दी", "_ok", "123", "a", "x"])
        // A tag needs a character after `#`, and `#` must not follow a tag character.
        #expect(Hashtags.tags(in: "# space, #-dash, a#b, ##double, email#tag") == ["double"])
        // A combining mark cannot start a tag.
        #expect(Hashtags.tags(in: "#\u{301}abc") == [])
    }

    @Test("decomposed and precomposed spellings are one tag, stored precomposed (NFC)")
    func normalisation() {
        #expect(Hashtags.tags(in: "#cafe\u{301} #caf\u{e9}") == ["caf\u{e9}"])
        #expect(Hashtags.tags(in: "#cafe\u{301}").first?.unicodeScalars.count == 4)
    }

    @Test("at most 30 tags per caption; runs over 100 characters are not tags")
    func limits() {
        let many = (1...40).map { "#t\($0)" }.joined(separator: " ")
        #expect(Hashtags.tags(in: many) == (1...30).map { "t\($0)" })
        #expect(Hashtags.tags(in: "#" + String(repeating: "a", count: 101) + " #ok") == ["ok"])
        #expect(Hashtags.tags(in: "#" + String(repeating: "a", count: 100)).count == 1)
    }

    @Test("a name for a route or a search: leading # dropped, folded, refused when not one tag")
    func names() {
        #expect(Hashtags.name("#Beach") == "beach")
        #expect(Hashtags.name("beach life") == nil)
        #expect(Hashtags.name("") == nil)
        #expect(Hashtags.name("a%b") == nil)
    }

    @Test("LIKE prefix patterns escape their wildcards")
    func likePrefix() {
        #expect(SearchService.likePrefix("a_b%c\\") == "a\\_b\\%c\\\\%")
    }
}
