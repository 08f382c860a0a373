import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// An owned `AVDictionary` of string options, freed on deinit.
///
/// Passed by address to libav* calls that consume what they recognise and leave the rest, so
/// ``leftoverKeys`` after the call lists options that were silently ignored.
struct OptionDictionary: ~Copyable {
    var pointer: OpaquePointer?

    init(_ entries: [(String, String)] = []) throws(TranscodeError) {
        var dictionary: OpaquePointer? = nil
        for (key, value) in entries {
            let result = av_dict_set(&dictionary, key, value, 0)
            if result < 0 {
                av_dict_free(&dictionary)
                try FFmpegCall.check(result, "av_dict_set \(key)")
            }
        }
        pointer = dictionary
    }

    deinit {
        var dictionary = pointer
        av_dict_free(&dictionary)
    }

    /// Keys still in the dictionary, in insertion order.
    var leftoverKeys: [String] {
        var keys: [String] = []
        var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
        while let next = av_dict_get(pointer, "", entry, AV_DICT_IGNORE_SUFFIX) {
            keys.append(String(cString: next.pointee.key))
            entry = next
        }
        return keys
    }
}
