/// A validated relative key in the object store, such as `media/42/640.webp`.
///
/// A key is a `/`-separated path of non-empty segments with no `.` or `..` segment, no leading
/// `/`, no backslash, no NUL or other control character, no segment starting with `.tmp-`
/// (reserved for in-flight writes), at most 1024 bytes in all and 255 bytes per segment.
/// A key therefore always names a file strictly inside the store's root.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The key text, exactly as validated.
    public let rawValue: String

    /// Longest accepted key, in UTF-8 bytes.
    public static let maximumLength = 1024
    /// Longest accepted segment, in UTF-8 bytes (the usual file-name limit).
    public static let maximumSegmentLength = 255
    /// Prefix of the temporary files `put` writes; no key segment may start with it.
    package static let temporaryPrefix = ".tmp-"

    /// Validates `rawValue`; throws `StoreError` with code `invalidKey` when it is unsafe.
    public init(_ rawValue: String) throws(StoreError) {
        try Self.validate(rawValue, allowingPartialPrefix: false)
        self.rawValue = rawValue
    }

    /// Content-addressed key of an original: `originals/<first two hex digits>/<sha256>`.
    ///
    /// `sha256` must be 64 hex digits; it is lowercased.
    public static func original(sha256: String) throws(StoreError) -> ObjectKey {
        let hex = sha256.lowercased()
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw StoreError(.invalidKey, "an original's key needs a 64-digit SHA-256 hex digest", path: sha256)
        }
        return try ObjectKey("\(originalsPrefix)\(hex.prefix(2))/\(hex)")
    }

    /// Prefix under which every original lives. Originals are private: never served.
    public static let originalsPrefix = "originals/"

    /// Whether the key lies under some media's or avatar's rendition prefix (`media/<id>/…`,
    /// `avatars/<id>/…`): the only objects the HTTP API serves.
    public var isRendition: Bool {
        let parts = segments
        return parts.count >= 3 && (parts[0] == "media" || parts[0] == "avatars") && Int64(parts[1]).map { $0 >= 0 } == true
    }

    /// Prefix under which every rendition of one avatar lives: `avatars/<id>/`.
    public static func avatarPrefix(avatarID: Int64) -> String {
        "avatars/\(avatarID)/"
    }

    /// Where an avatar's upload waits for its job: `avatar-uploads/<id>`. Private (never served),
    /// removed once the avatar is processed or refused.
    public static func avatarUpload(avatarID: Int64) throws(StoreError) -> ObjectKey {
        try ObjectKey("avatar-uploads/\(avatarID)")
    }

    /// Prefix under which every rendition of one media lives: `media/<id>/`.
    public static func mediaPrefix(mediaID: Int64) -> String {
        "media/\(mediaID)/"
    }

    /// Folder of the outputs one preset version made of a media: `media/<id>/<preset>-v<version>`,
    /// without a trailing `/` (as manifests record it in `store_prefix`). A re-run with the same
    /// preset rewrites the same objects; a new version writes beside the old outputs.
    public static func renditionPrefix(mediaID: Int64, presetName: String, presetVersion: Int) -> String {
        "\(mediaPrefix(mediaID: mediaID))\(presetName)-v\(presetVersion)"
    }

    /// Key text of an output a manifest names by `path` (which may contain `/`, for example
    /// `hls/720p/seg-00001.m4s`): `<storePrefix>/<path>`, or `media/<id>/<path>` for a manifest
    /// that records no `store_prefix` (written before outputs had a folder per preset).
    /// Not validated: `rendition(mediaID:storePrefix:path:)` is.
    public static func renditionKeyText(mediaID: Int64, storePrefix: String?, path: String) -> String {
        guard let storePrefix, !storePrefix.isEmpty else { return mediaPrefix(mediaID: mediaID) + path }
        return storePrefix.hasSuffix("/") ? storePrefix + path : storePrefix + "/" + path
    }

    /// The validated key of `renditionKeyText(mediaID:storePrefix:path:)`.
    public static func rendition(mediaID: Int64, storePrefix: String?, path: String) throws(StoreError) -> ObjectKey {
        try ObjectKey(renditionKeyText(mediaID: mediaID, storePrefix: storePrefix, path: path))
    }

    /// The key's `/`-separated segments.
    public var segments: [Substring] { rawValue.split(separator: "/", omittingEmptySubsequences: false) }

    /// Lowercased extension of the last segment, without the dot; empty when there is none.
    public var fileExtension: String {
        let last = segments.last ?? ""
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return "" }
        return String(last[last.index(after: dot)...]).lowercased()
    }

    public var description: String { rawValue }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Checks a key, or with `allowingPartialPrefix` a listing prefix (which may be empty, end
    /// in `/`, or end in a partial segment).
    package static func validate(_ text: String, allowingPartialPrefix: Bool) throws(StoreError) {
        func refuse(_ reason: String) -> StoreError {
            StoreError(.invalidKey, "invalid object key: \(reason)", path: text.debugDescription)
        }
        if text.isEmpty {
            if allowingPartialPrefix { return }
            throw refuse("empty")
        }
        if text.utf8.count > maximumLength { throw refuse("longer than \(maximumLength) bytes") }
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                throw refuse("control character U+\(String(scalar.value, radix: 16, uppercase: true))")
            }
            if scalar == "\\" { throw refuse("backslash") }
        }
        if text.hasPrefix("/") { throw refuse("absolute path") }
        var segments = text.split(separator: "/", omittingEmptySubsequences: false)
        if allowingPartialPrefix, text.hasSuffix("/") { segments.removeLast() }
        for segment in segments {
            if segment.isEmpty { throw refuse("empty segment") }
            if segment == "." || segment == ".." { throw refuse("'\(segment)' segment") }
            if segment.hasPrefix(temporaryPrefix) { throw refuse("segment uses the reserved prefix \(temporaryPrefix)") }
            if segment.utf8.count > maximumSegmentLength {
                throw refuse("segment longer than \(maximumSegmentLength) bytes")
            }
        }
    }
}
