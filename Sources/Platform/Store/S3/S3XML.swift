import Foundation

/// Reads the few fields of S3's XML answers the store needs (keys, upload ids, continuation
/// tokens, error codes): the text of every `<Tag>…</Tag>`, entities decoded. S3's documents
/// are flat enough for this; anything malformed yields fewer values, never a crash.
enum S3XML {
    /// The decoded text of every element named `tag`, in document order.
    static func values(of tag: String, in document: Data) -> [String] {
        values(of: tag, in: String(decoding: document, as: UTF8.self))
    }

    static func values(of tag: String, in text: String) -> [String] {
        blocks(of: tag, in: text).map(unescape)
    }

    /// The raw inner text of every element named `tag` (for nested reading).
    static func blocks(of tag: String, in text: String) -> [String] {
        let open = "<\(tag)>"
        let close = "</\(tag)>"
        var found: [String] = []
        var rest = text[...]
        while let start = rest.range(of: open) {
            guard let end = rest[start.upperBound...].range(of: close) else { break }
            found.append(String(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }

    /// `&amp;` and friends, and numeric references.
    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semicolon) <= 10 else {
                output += "&"
                rest = rest[rest.index(after: amp)...]
                continue
            }
            let name = rest[rest.index(after: amp)..<semicolon]
            switch name {
            case "amp": output += "&"
            case "lt": output += "<"
            case "gt": output += ">"
            case "quot": output += "\""
            case "apos": output += "'"
            default:
                let number = name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16) : name.hasPrefix("#") ? UInt32(name.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) { output.unicodeScalars.append(scalar) } else { output += "&\(name);" }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return output + rest
    }

    /// `text` escaped for an element's content.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
