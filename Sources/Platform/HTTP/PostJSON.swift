import Foundation
import Hummingbird

/// Posts written as JSON by hand, for the read routes that answer pages of them (the feed
/// above all): the same document `JSONEncoder` makes with the API's conventions (snake_case
/// keys in declaration order, nil fields left out, ISO 8601 dates to the second), in a
/// fraction of its time. The generic encoder spent most of a feed request's CPU.
struct PostJSON {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func page(_ page: PostPage) {
        raw("{\"posts\":")
        posts(page.posts)
        if let next = page.nextCursor {
            raw(",\"next_cursor\":")
            string(next)
        }
        raw("}")
    }

    mutating func posts(_ posts: [PostView]) {
        raw("[")
        for (index, post) in posts.enumerated() {
            if index > 0 { raw(",") }
            self.post(post)
        }
        raw("]")
    }

    mutating func post(_ post: PostView) {
        raw("{\"post_id\":")
        string(post.postID)
        raw(",\"user_id\":")
        string(post.userID)
        raw(",\"username\":")
        string(post.username)
        if let avatar = post.authorAvatarURL {
            raw(",\"author_avatar_url\":")
            string(avatar)
        }
        raw(",\"caption\":")
        string(post.caption)
        raw(",\"media_type\":")
        string(post.mediaType)
        raw(",\"status\":")
        string(post.status)
        raw(",\"media\":")
        media(post.media)
        raw(",\"like_count\":")
        raw(String(post.likeCount))
        raw(",\"comment_count\":")
        raw(String(post.commentCount))
        raw(",\"created_at\":")
        date(post.createdAt)
        if let error = post.error {
            raw(",\"error\":{\"code\":")
            string(error.code)
            raw(",\"message\":")
            string(error.message)
            raw("}")
        }
        raw("}")
    }

    mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// JSON written already.
    mutating func appendBytes(_ written: [UInt8]) {
        bytes.append(contentsOf: written)
    }

    /// A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    /// The runs between escapes are copied whole (most strings have none): appending byte by
    /// byte made this the hottest function of a feed page.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                escape(byte)
                start = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: Array("\\u00".utf8))
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0xF)])
        }
    }

    /// `"YYYY-MM-DDTHH:MM:SSZ"`, UTC, fractions dropped (as `.iso8601` writes it). Digits are
    /// written straight into the bytes: padding through strings cost as much as the rest of a post.
    mutating func date(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, time) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, second) = time < 0 ? (days - 1, time + 86_400) : (days, time)
        let (year, month, dayOfMonth) = PostgresTimestamp.civil(fromDays: day)
        bytes.append(UInt8(ascii: "\""))
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(dayOfMonth, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(second / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(second / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(second % 60, 2)
        bytes.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
    }

    /// `value` in decimal, zero-padded to `width` digits; a value wider (or negative) is written
    /// as `String(value)` would, after the padding it lacks.
    private mutating func digits(_ value: Int, _ width: Int) {
        guard value >= 0, value < 10_000 else {
            let text = String(value)
            for _ in text.utf8.count..<max(width, text.utf8.count) { bytes.append(UInt8(ascii: "0")) }
            raw(text)
            return
        }
        var divisor = 1
        var count = 1
        while count < width || value >= divisor * 10 {
            divisor *= 10
            count += 1
        }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}

extension JSONResponse {
    /// A page of posts (the feed).
    static func make(_ page: PostPage, status: HTTPResponse.Status = .ok) throws -> Response {
        make(json: body(page), status: status)
    }

    /// A page of posts as JSON bytes.
    static func body(_ page: PostPage) -> [UInt8] {
        var writer = PostJSON(capacity: 1024 * (page.posts.count + 1))
        writer.page(page)
        return writer.bytes
    }

    /// A response of JSON already written.
    static func make(json body: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
