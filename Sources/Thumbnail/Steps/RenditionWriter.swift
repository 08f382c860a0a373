import Foundation

/// Derives each rendition from the decoded image and writes it in every output format.
///
/// JPEG goes through libjpeg and WebP through libwebp, both straight from the in-memory
/// pixels (alpha flattened onto white for JPEG), so no EXIF/ICC/XMP can reach an output.
struct RenditionWriter {
    let preset: PhotoPreset
    let directory: URL

    /// Writes all renditions; checks `isCancelled` before each one. The largest are made
    /// first and each smaller one is derived from the smallest image already made that covers
    /// it (640 from 1080, 150 from 640), so no resize starts from more pixels than it needs.
    /// Also returns the smallest uncropped image made (the whole picture, for the blurhash).
    func write(
        _ photo: DecodedPhoto, isCancelled: () -> Bool
    ) throws(ThumbnailError) -> (renditions: [PhotoManifest.Rendition], smallest: VipsImage) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ThumbnailError(.io, "cannot create output directory \(directory.path)", cause: "\(error)")
        }
        let order = preset.renditions.indices.sorted { preset.renditions[$0].width > preset.renditions[$1].width }
        var made: [VipsImage] = [photo.image]
        var written = [[PhotoManifest.Rendition]](repeating: [], count: preset.renditions.count)
        for index in order {
            let spec = preset.renditions[index]
            if isCancelled() { throw ThumbnailError(.cancelled, "cancelled before rendition \(spec.name) of \(photo.name)") }
            let image = try render(spec, from: made, name: photo.name)
            if !spec.crop { made.append(image) }
            for output in preset.outputs {
                let bytes = try encode(image, output: output, name: photo.name)
                let path = "\(spec.name).\(output.format.fileExtension)"
                try RenditionFile.save(bytes, as: path, in: directory)
                written[index].append(PhotoManifest.Rendition(
                    name: spec.name, format: output.format, width: image.width, height: image.height,
                    bytes: bytes.count, path: path))
            }
        }
        let smallest = made.min { $0.width < $1.width } ?? photo.image
        return (written.flatMap { $0 }, smallest)
    }

    /// The rendition's image, in memory: the decoded image itself at the largest plain width,
    /// else a thumbnail (centre crop for square renditions) of the smallest uncropped image in
    /// `made` that still covers the target. Never larger than the source.
    func render(_ spec: PhotoPreset.Rendition, from made: [VipsImage], name: String) throws(ThumbnailError) -> VipsImage {
        let original = made[0]
        if !spec.crop && spec.height == nil && spec.width >= original.width {
            return original
        }
        // What the rendition needs from its source: the fitted size (never above the original).
        let scale = min(1, Double(spec.width) / Double(original.width))
        let needWidth = spec.crop ? min(spec.width, original.width) : Int((Double(original.width) * scale).rounded())
        let needHeight = spec.crop ? min(spec.height ?? spec.width, original.height) : Int((Double(original.height) * scale).rounded())
        let source = made.filter { $0.width >= needWidth && $0.height >= needHeight }.min { $0.width < $1.width } ?? original
        let fitted = try source.thumbnail(
            width: spec.width, height: spec.height, fit: spec.crop ? .centreCrop : .downInside, input: name)
        return try fitted.inMemory(input: name, stage: .process)
    }

    private func encode(_ image: VipsImage, output: PhotoPreset.Output, name: String) throws(ThumbnailError) -> Data {
        switch output.format {
        case .jpeg:
            let flat = try image.flattened(input: name)
            return try flat.withPixels(input: name) { pixels throws(ThumbnailError) in
                try JPEGEncoder.encode(
                    pixels: pixels, width: flat.width, height: flat.height, bands: flat.bands,
                    quality: output.quality, progressive: output.progressive, input: name)
            }
        case .webp:
            return try image.withPixels(input: name) { pixels throws(ThumbnailError) in
                try WebPEncoder.encode(
                    pixels: pixels, width: image.width, height: image.height, bands: image.bands,
                    quality: output.quality, effort: output.effort ?? 4, input: name)
            }
        }
    }
}
