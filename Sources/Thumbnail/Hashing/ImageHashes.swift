/// PDQ (with its dihedral variants) and pHash of one image, from one pass over its pixels into
/// reused planes (`HashPlanes`, `PDQWorkspace`).
public enum ImageHashes {
    /// PDQ and pHash (16 lowercase hex digits) of packed 8-bit pixels (`bands` 1…4; alpha
    /// ignored), from one pass over the pixels; the PDQ is `PDQ.hash(pixels:…)`'s.
    public static func pdqAndPHash(pixels: [UInt8], width: Int, height: Int, bands: Int) -> (pdq: PDQHash, phash: String) {
        let (dihedral, phash) = pixels.withUnsafeBufferPointer {
            compute(pixels: $0, width: width, height: height, bands: bands)
        }
        return (dihedral[0], phash)
    }

    static func compute(
        pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, bands: Int
    ) -> (dihedral: [PDQHash], phash: String) {
        precondition(pixels.count == width * height * bands, "pixel buffer size mismatch")
        return PDQWorkspace.borrow(width: width, height: height) { workspace in
            fillPlanes(pixels, width: width, height: height, bands: bands, into: workspace)
            // pHash first: PDQ uses its luma plane as scratch memory.
            let phash = PerceptualHash.hash(
                grey: UnsafeBufferPointer(start: workspace.grey, count: width * height), width: width, height: height)
            return (PDQ.dihedralHashes(lumaIn: workspace, width: width, height: height), phash)
        }
    }

    static func fillPlanes(
        _ pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, bands: Int, into workspace: PDQWorkspace
    ) {
        HashPlanes.fill(pixels, bands: bands, count: width * height, luma: workspace.luma, grey: workspace.grey)
    }
}
