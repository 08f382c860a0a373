/// The parts of a stored manifest (DESIGN.md "manifests") the API shows, read back from the
/// media row. `PublishedManifest` writes what it reads.
struct StoredManifest: Decodable {
    struct Rendition: Decodable {
        var name: String
        var format: String
        var width: Int?
        var height: Int?
        var path: String
    }
    struct Poster: Decodable {
        var renditions: [Rendition]?
    }
    var renditions: [Rendition]?
    var hls: String?
    var poster: Poster?
    /// Where the worker published this manifest's files (`ObjectKey.renditionPrefix`).
    var storePrefix: String?

    enum CodingKeys: String, CodingKey {
        case renditions, hls, poster
        case storePrefix = "store_prefix"
    }

    /// Lenient: a field of another shape is left out instead of hiding the whole manifest.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        renditions = try? container.decodeIfPresent([Rendition].self, forKey: .renditions)
        hls = try? container.decodeIfPresent(String.self, forKey: .hls)
        poster = try? container.decodeIfPresent(Poster.self, forKey: .poster)
        storePrefix = try? container.decodeIfPresent(String.self, forKey: .storePrefix)
    }
}
