import Platform
import Thumbnail

/// The one conversion between the two modules' PDQ hashes: the pipelines' (`Thumbnail.PDQHash`,
/// sixteen 16-bit words, bit k in word k >> 4 at position k & 15, printed word 15 first) into
/// the dedup index's (`Platform.PDQHash`, four 64-bit words, `w0` the first 16 of the 64 hex
/// digits). Both print bits 255…0, most significant first, so bit k is bit k % 64 of word
/// 3 - k / 64 here.
extension Platform.PDQHash {
    init(_ hash: Thumbnail.PDQHash) {
        let words = hash.words
        func word(_ index: Int) -> UInt64 {
            let top = 15 - 4 * index
            return UInt64(words[top]) << 48 | UInt64(words[top - 1]) << 32 | UInt64(words[top - 2]) << 16
                | UInt64(words[top - 3])
        }
        self.init(word(0), word(1), word(2), word(3))
    }

    /// A hash as a pipeline's manifest prints it. The pipelines print only well-formed hashes,
    /// so a malformed one is an internal error (the job is retried, nothing is recorded), never
    /// a hash silently left out of near-duplicate matching.
    init(pipelineHex hex: String) throws(MediaFailure) {
        guard let hash = Thumbnail.PDQHash(hex: hex) else {
            throw .internalError("the pipeline reported a malformed PDQ hash '\(hex.prefix(80))'")
        }
        self.init(hash)
    }
}
