/// PDQ (with its dihedral variants) and pHash of one image, from one pass over its pixels into
/// reused planes (`HashPlanes`, `PDQ.Workspace`).
enum ImageHashes {
    static func compute(
        pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, bands: Int
    ) -> (dihedral: [PDQHash], phash: String) {
        precondition(pixels.count == width * height * bands, "pixel buffer size mismatch")
        return PDQ.Workspace.borrow(width: width, height: height) { workspace in
            fillPlanes(pixels, width: width, height: height, bands: bands, into: workspace)
            return fromPlanes(workspace, width: width, height: height)
        }
    }

    static func fillPlanes(
        _ pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, bands: Int, into workspace: PDQ.Workspace
    ) {
        HashPlanes.fill(pixels, bands: bands, count: width * height, luma: workspace.luma, grey: workspace.grey)
    }

    /// The hashes of planes `fillPlanes` wrote (the luma plane is scratch memory afterwards).
    static func fromPlanes(_ workspace: PDQ.Workspace, width: Int, height: Int) -> (dihedral: [PDQHash], phash: String) {
        let phash = PerceptualHash.hash(grey: UnsafeBufferPointer(start: workspace.grey, count: width * height), width: width, height: height)
        return (PDQ.dihedralHashes(lumaIn: workspace, width: width, height: height), phash)
    }
}
