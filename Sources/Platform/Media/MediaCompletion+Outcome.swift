extension MediaCompletion {
    /// What processing produced, as the job handler hands it over.
    public struct Outcome: Sendable {
        public var mediaID: Int64
        /// The manifest JSON, with rendition paths relative to `storePrefix`.
        public var manifestJSON: String
        public var inputJSON: String
        public var presetName: String
        public var presetVersion: Int
        /// The PDQ of the photo or the video's poster; stored as 64 lowercase hex digits.
        public var pdq: PDQHash?
        public var pdqQuality: Int?
        /// PDQ of the 8 dihedral variants (rotations/mirrors), for lookup; may be empty (then
        /// `pdq` alone is looked up).
        public var pdqVariants: [PDQHash]
        public var phash: String?
        /// Video frame hashes: presentation time in ms, PDQ, PDQ quality.
        public var frames: [(tMs: Int, hash: PDQHash, quality: Int)]

        public init(
            mediaID: Int64, manifestJSON: String, inputJSON: String, presetName: String, presetVersion: Int,
            pdq: PDQHash?, pdqQuality: Int?, pdqVariants: [PDQHash], phash: String?,
            frames: [(tMs: Int, hash: PDQHash, quality: Int)]
        ) {
            self.mediaID = mediaID
            self.manifestJSON = manifestJSON
            self.inputJSON = inputJSON
            self.presetName = presetName
            self.presetVersion = presetVersion
            self.pdq = pdq
            self.pdqQuality = pdqQuality
            self.pdqVariants = pdqVariants
            self.phash = phash
            self.frames = frames
        }
    }
}
