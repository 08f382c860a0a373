/// Reads what HLS needs from H.264 parameter sets: profile, constraints and level.
enum H264Parameters {
    /// `avc1.PPCCLL` from the first SPS in `extradata` (Annex B start codes or an avcC record).
    static func codecString(extradata: UnsafeBufferPointer<UInt8>) -> String? {
        let bytes = Array(extradata)
        if let first = bytes.first, first == 1, bytes.count >= 4 {
            // avcC: version 1, then profile, constraints, level.
            return format(bytes[1], bytes[2], bytes[3])
        }
        var index = 0
        while index + 3 < bytes.count {
            let threeByte = bytes[index] == 0 && bytes[index + 1] == 0 && bytes[index + 2] == 1
            if threeByte {
                let header = index + 3
                if header + 3 < bytes.count, bytes[header] & 0x1f == 7 {
                    return format(bytes[header + 1], bytes[header + 2], bytes[header + 3])
                }
                index = header
            } else {
                index += 1
            }
        }
        return nil
    }

    private static func format(_ profile: UInt8, _ constraints: UInt8, _ level: UInt8) -> String {
        "avc1." + [profile, constraints, level].map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
