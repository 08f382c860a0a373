public import Foundation

/// What a photo job produces: renditions × output formats, within limits (`jobs/photo.json`).
///
/// The version is stored with outputs so media made by an older preset can be found and
/// reprocessed.
public struct PhotoPreset: Codable, Sendable, Equatable {
    /// One size to produce.
    public struct Rendition: Codable, Sendable, Equatable {
        /// Name used in the manifest and the file name (e.g. "640" → `640.jpg`).
        public var name: String
        /// Target width in pixels (never upscaled).
        public var width: Int
        /// Target height for square/cropped renditions; nil means "as tall as the aspect gives".
        public var height: Int?
        /// Crop to exactly `width`×`height` around the centre instead of fitting inside.
        public var crop: Bool

        /// Creates a rendition.
        public init(name: String, width: Int, height: Int? = nil, crop: Bool = false) {
            self.name = name
            self.width = width
            self.height = height
            self.crop = crop
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            width = try c.decode(Int.self, forKey: .width)
            height = try c.decodeIfPresent(Int.self, forKey: .height)
            crop = try c.decodeIfPresent(Bool.self, forKey: .crop) ?? false
        }
    }

    /// An output encoding.
    public struct Output: Codable, Sendable, Equatable {
        /// The format to write.
        public var format: OutputFormat
        /// Encoder quality 1…100.
        public var quality: Int
        /// Progressive (interlaced) JPEG; ignored for WebP.
        public var progressive: Bool
        /// WebP encoder effort 0…6 (libwebp's `method`, libvips' `effort`): lower is faster and
        /// a little larger. Nil: 4, libwebp's and libvips' default. Ignored for JPEG.
        public var effort: Int?

        /// Creates an output.
        public init(format: OutputFormat, quality: Int, progressive: Bool = false, effort: Int? = nil) {
            self.format = format
            self.quality = quality
            self.progressive = progressive
            self.effort = effort
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            format = try c.decode(OutputFormat.self, forKey: .format)
            quality = try c.decode(Int.self, forKey: .quality)
            progressive = try c.decodeIfPresent(Bool.self, forKey: .progressive) ?? false
            effort = try c.decodeIfPresent(Int.self, forKey: .effort)
        }
    }

    /// Preset name, e.g. "photo".
    public var name: String
    /// Preset version, stored in manifests.
    public var version: Int
    /// Sizes, in the order they appear in the manifest.
    public var renditions: [Rendition]
    /// Formats each rendition is written in.
    public var outputs: [Output]
    /// Input limits checked before decoding.
    public var limits: ImageLimits
    /// Whether `process` computes PDQ, pHash and blurhash (default true; off for presets that
    /// only make renditions, such as the benchmark's, where the manifest then has no hashes).
    public var hashes: Bool

    /// Creates and validates a preset.
    public init(
        name: String, version: Int, renditions: [Rendition], outputs: [Output], limits: ImageLimits = .default,
        hashes: Bool = true
    ) throws(ThumbnailError) {
        self.name = name
        self.version = version
        self.renditions = renditions
        self.outputs = outputs
        self.limits = limits
        self.hashes = hashes
        try validate()
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        version = try c.decode(Int.self, forKey: .version)
        renditions = try c.decode([Rendition].self, forKey: .renditions)
        outputs = try c.decode([Output].self, forKey: .outputs)
        limits = try c.decodeIfPresent(ImageLimits.self, forKey: .limits) ?? .default
        hashes = try c.decodeIfPresent(Bool.self, forKey: .hashes) ?? true
        try validate()
    }

    /// Reads and validates a preset file. Throws `invalid_preset` or `io`.
    public static func load(contentsOf url: URL) throws(ThumbnailError) -> PhotoPreset {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ThumbnailError(.io, "cannot read preset \(url.path)", cause: "\(error)")
        }
        do {
            return try JSONDecoder().decode(PhotoPreset.self, from: data)
        } catch let error as ThumbnailError {
            throw error
        } catch {
            throw ThumbnailError(.invalidPreset, "preset \(url.path) is not a valid photo preset", cause: "\(error)")
        }
    }

    /// The built-in default, identical to `jobs/photo.json`.
    public static let photo: PhotoPreset = {
        var preset = PhotoPreset(unchecked: "photo", version: 1)
        preset.renditions = [
            Rendition(name: "150", width: 150, height: 150, crop: true),
            Rendition(name: "640", width: 640),
            Rendition(name: "1080", width: 1080),
        ]
        preset.outputs = [Output(format: .jpeg, quality: 85, progressive: true), Output(format: .webp, quality: 80)]
        return preset
    }()

    /// The avatar preset: square crops of 320 and 150 pixels, JPEG and WebP. Like every
    /// rendition, they carry no metadata (EXIF, XMP, ICC), with the EXIF orientation applied
    /// first. It hashes (after writing the renditions, which do not depend on it) so that the
    /// avatar job can check the hash list as for post photos.
    public static let avatar: PhotoPreset = {
        var preset = PhotoPreset(unchecked: "avatar", version: 1)
        preset.renditions = [
            Rendition(name: "320", width: 320, height: 320, crop: true),
            Rendition(name: "150", width: 150, height: 150, crop: true),
        ]
        preset.outputs = [Output(format: .jpeg, quality: 85, progressive: true), Output(format: .webp, quality: 80)]
        return preset
    }()

    private init(unchecked name: String, version: Int) {
        self.name = name
        self.version = version
        renditions = []
        outputs = []
        limits = .default
        hashes = true
    }

    /// The widest rendition: the size decoded once, from which the others are derived.
    var largestWidth: Int { renditions.map(\.width).max() ?? 0 }

    private func validate() throws(ThumbnailError) {
        func fail(_ why: String) -> ThumbnailError { ThumbnailError(.invalidPreset, "preset \(name): \(why)") }
        if name.isEmpty { throw fail("empty name") }
        if version < 1 { throw fail("version must be ≥ 1") }
        if renditions.isEmpty { throw fail("no renditions") }
        if outputs.isEmpty { throw fail("no outputs") }
        if Set(renditions.map(\.name)).count != renditions.count { throw fail("duplicate rendition names") }
        if Set(outputs.map(\.format)).count != outputs.count { throw fail("duplicate output formats") }
        for r in renditions {
            if r.name.isEmpty || r.name.contains("/") || r.name.hasPrefix(".") { throw fail("bad rendition name \"\(r.name)\"") }
            if r.width < 1 || r.width > 10_000 { throw fail("rendition \(r.name): width out of range") }
            if let h = r.height, h < 1 || h > 10_000 { throw fail("rendition \(r.name): height out of range") }
            if r.crop && r.height == nil { throw fail("rendition \(r.name): crop needs a height") }
        }
        for o in outputs where !(1...100).contains(o.quality) { throw fail("\(o.format) quality out of 1…100") }
        for o in outputs { if let effort = o.effort, !(0...6).contains(effort) { throw fail("\(o.format) effort out of 0…6") } }
        let l = limits
        if [l.maxBytes, l.maxWidth, l.maxHeight, l.maxPixels, l.maxFrames].contains(where: { $0 < 1 }) {
            throw fail("limits must be positive")
        }
    }
}

/// A rendition's encoded format.
public enum OutputFormat: String, Codable, Sendable, CaseIterable {
    case jpeg
    case webp

    /// File extension used for rendition paths.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .webp: "webp"
        }
    }
}
