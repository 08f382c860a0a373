import Foundation

/// Derives each rendition from the decoded image and writes it in every output format.
///
/// JPEG goes through libvips with `strip` (alpha flattened onto white); WebP through libwebp
/// from the pixels, so no EXIF/ICC/XMP can reach an output.
struct RenditionWriter {
    let preset: PhotoPreset
    let directory: URL

    /// Writes all renditions; checks `isCancelled` before each one.
    func write(_ photo: DecodedPhoto, isCancelled: () -> Bool) throws(ThumbnailError) -> [PhotoManifest.Rendition] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ThumbnailError(.io, "cannot create output directory \(directory.path)", cause: "\(error)")
        }
        var written: [PhotoManifest.Rendition] = []
        for spec in preset.renditions {
            if isCancelled() { throw ThumbnailError(.cancelled, "cancelled before rendition \(spec.name) of \(photo.name)") }
            let image = try render(spec, from: photo)
            for output in preset.outputs {
                let bytes = try encode(image, output: output, name: photo.name)
                let path = "\(spec.name).\(output.format.fileExtension)"
                do {
                    try bytes.write(to: directory.appendingPathComponent(path), options: .atomic)
                } catch {
                    throw ThumbnailError(.io, "cannot write \(path) in \(directory.path)", cause: "\(error)")
                }
                written.append(PhotoManifest.Rendition(
                    name: spec.name, format: output.format, width: image.width, height: image.height,
                    bytes: bytes.count, path: path))
            }
        }
        return written
    }

    /// The rendition's image: the decoded image itself at the largest plain width, else a
    /// thumbnail of it (centre crop for square renditions). Never larger than the source.
    func render(_ spec: PhotoPreset.Rendition, from photo: DecodedPhoto) throws(ThumbnailError) -> VipsImage {
        if !spec.crop && spec.height == nil && spec.width >= photo.image.width {
            return photo.image
        }
        return try photo.image.thumbnail(
            width: spec.width, height: spec.height, fit: spec.crop ? .centreCrop : .downInside, input: photo.name)
    }

    private func encode(_ image: VipsImage, output: PhotoPreset.Output, name: String) throws(ThumbnailError) -> Data {
        switch output.format {
        case .jpeg:
            return try image.flattened(input: name).jpeg(quality: output.quality, progressive: output.progressive, input: name)
        case .webp:
            let pixels = try image.pixels(input: name)
            return try WebPEncoder.encode(
                pixels: pixels, width: image.width, height: image.height, bands: image.bands,
                quality: output.quality, input: name)
        }
    }
}
