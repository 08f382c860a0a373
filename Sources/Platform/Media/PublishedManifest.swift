public import Foundation

/// A pipeline's manifest as the media row stores it: the pipeline's own fields plus
/// `store_prefix`, the folder its outputs were published under and its paths are relative to.
///
/// The folder is `ObjectKey.renditionPrefix` of the media and the preset that made the
/// outputs; the job handler publishes under `storePrefix` and records `json()` with
/// `MediaCompletion.markReady`.
public struct PublishedManifest: Encodable, Sendable {
    /// The pipeline's manifest; it must encode as a JSON object without a `store_prefix` key.
    public var manifest: any Encodable & Sendable
    /// `media/<id>/<preset>-v<version>`, without a trailing `/`.
    public var storePrefix: String

    /// The manifest of `mediaID`'s outputs made by version `presetVersion` of `presetName`.
    public init(_ manifest: any Encodable & Sendable, mediaID: Int64, presetName: String, presetVersion: Int) {
        self.manifest = manifest
        storePrefix = ObjectKey.renditionPrefix(mediaID: mediaID, presetName: presetName, presetVersion: presetVersion)
    }

    public func encode(to encoder: any Encoder) throws {
        try manifest.encode(to: encoder)
        var container = encoder.container(keyedBy: StoredManifest.CodingKeys.self)
        try container.encode(storePrefix, forKey: .storePrefix)
    }

    /// The JSON text to store: keys sorted, `/` unescaped.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
