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
}
