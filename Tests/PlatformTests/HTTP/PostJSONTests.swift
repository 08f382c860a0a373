import Foundation
import Testing

@testable import Platform

/// The hand-written post JSON says what `JSONEncoder` with the API's settings says.
@Suite("HTTP post JSON")
struct PostJSONTests {
    private func encoderJSON(_ page: PostPage) throws -> NSDictionary {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return try #require(JSONSerialization.jsonObject(with: try encoder.encode(page)) as? NSDictionary)
    }

    private func writerJSON(_ page: PostPage) throws -> NSDictionary {
        var writer = PostJSON(capacity: 64)
        writer.page(page)
        return try #require(JSONSerialization.jsonObject(with: Data(writer.bytes)) as? NSDictionary)
    }

    @Test func pagesMatchTheEncoder() throws {
        var generator = SeededGenerator(seed: 11)
        let awkward = ["plain", "quote \" and \\ backslash", "lines\nand\ttabs\r", "bell \u{07} nul \u{00} esc \u{1B}",
                       "é ü 漢字 🙂", "/media/media/1/a b.jpg", ""]
        var posts: [PostView] = []
        for index in 0..<40 {
            let text = { awkward[Int.random(in: 0..<awkward.count, using: &generator)] }
            let renditions = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                RenditionView(
                    name: text(), format: text(), width: Bool.random(using: &generator) ? Int.random(in: 1...4000, using: &generator) : nil,
                    height: Bool.random(using: &generator) ? Int.random(in: 1...4000, using: &generator) : nil, url: text())
            }
            // Dates from 1970 to 2100, with fractions, and the edges of a day and a leap year.
            let seconds: Double = switch index {
            case 0: 0
            case 1: 951_782_399.999_9  // 2000-02-28T23:59:59
            case 2: 951_868_800  // 2000-03-01T00:00:00
            default: Double.random(in: 0..<4_102_444_800, using: &generator)
            }
            posts.append(PostView(
                postID: String(index), userID: text(), username: text(),
                authorAvatarURL: Bool.random(using: &generator) ? text() : nil, caption: text(), mediaType: text(), status: text(),
                media: MediaView(
                    renditions: renditions, hlsURL: Bool.random(using: &generator) ? text() : nil,
                    poster: Bool.random(using: &generator) ? text() : nil),
                likeCount: Int64.random(in: 0...Int64.max, using: &generator),
                commentCount: Int64.random(in: 0...1000, using: &generator),
                createdAt: Date(timeIntervalSince1970: seconds),
                error: Bool.random(using: &generator) ? PostErrorView(code: text(), message: text()) : nil))
        }
        for page in [PostPage(posts: posts, nextCursor: "MTIzLjQ1"), PostPage(posts: [], nextCursor: nil),
                     PostPage(posts: Array(posts.prefix(3)), nextCursor: nil)] {
            #expect(try writerJSON(page) == (try encoderJSON(page)))
        }
        var writer = PostJSON(capacity: 64)
        writer.page(PostPage(posts: Array(posts.prefix(3)), nextCursor: nil))
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text.contains(#""created_at":"1970-01-01T00:00:00Z""#))
        #expect(text.contains(#""created_at":"2000-02-28T23:59:59Z""#))
        #expect(text.contains(#""created_at":"2000-03-01T00:00:00Z""#))
    }

    @Test func mediaWrittenOnceAreNotMistakenForOthers() throws {
        // Same rendition count and first URL (what the memo hashes), different views.
        let first = RenditionView(name: "thumb_jpeg", format: "jpeg", width: 320, height: 213, url: "/media/x/thumb.jpeg")
        let views = [
            MediaView(renditions: [first, RenditionView(name: "large", format: "webp", width: 2048, height: nil, url: "/a")],
                      hlsURL: nil, poster: nil),
            MediaView(renditions: [first, RenditionView(name: "large", format: "webp", width: 2048, height: nil, url: "/b")],
                      hlsURL: nil, poster: nil),
            MediaView(renditions: [first, RenditionView(name: "large", format: "webp", width: 2048, height: nil, url: "/a")],
                      hlsURL: nil, poster: "/poster"),
        ]
        for _ in 0..<2 {
            for (index, media) in views.enumerated() {
                let post = PostView(
                    postID: String(index), userID: "1", username: "u", authorAvatarURL: nil, caption: "", mediaType: "photo",
                    status: "ready", media: media, likeCount: 0, commentCount: 0, createdAt: Date(timeIntervalSince1970: 0),
                    error: nil)
                let page = PostPage(posts: [post], nextCursor: nil)
                #expect(try writerJSON(page) == (try encoderJSON(page)))
            }
        }
    }
}
