import Foundation
import Testing

@testable import Platform

@Suite("Media: published manifest")
struct PublishedManifestTests {
    struct Pipeline: Encodable, Sendable {
        var kind = "photo"
        var renditions = [["format": "webp", "name": "640", "path": "640.webp"]]
    }

    @Test func theManifestGainsItsFolderBesideThePipelinesFields() throws {
        let published = PublishedManifest(Pipeline(), mediaID: 12, presetName: "photo", presetVersion: 2)
        #expect(published.storePrefix == "media/12/photo-v2")
        let json = try published.json()
        #expect(json == #"{"kind":"photo","renditions":[{"format":"webp","name":"640","path":"640.webp"}],"store_prefix":"media/12/photo-v2"}"#)
        // What the API reads back: the rendition under that folder.
        let view = PostQuery.decodeMediaView(PostgresJSON(text: json), mediaID: 12)
        #expect(view.renditions.map(\.url) == ["/media/media/12/photo-v2/640.webp"])
    }

    /// `--public-media-url`: the same key under the CDN's base, with or without its slash; the
    /// view cache keeps the two apart.
    @Test func aPublicMediaURLReplacesTheMediaRoute() throws {
        let json = try PublishedManifest(Pipeline(), mediaID: 13, presetName: "photo", presetVersion: 1).json()
        for base in ["https://cdn.example.com/m", "https://cdn.example.com/m/"] {
            let view = PostQuery.mediaView(PostgresJSON(text: json), mediaID: 13, links: MediaLinks(base: base))
            #expect(view.renditions.map(\.url) == ["https://cdn.example.com/m/media/13/photo-v1/640.webp"])
        }
        #expect(PostQuery.mediaView(PostgresJSON(text: json), mediaID: 13).renditions.map(\.url) == ["/media/media/13/photo-v1/640.webp"])
    }
}
