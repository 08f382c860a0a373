/// Tells an upload's kind from its first bytes, or refuses it (nil).
///
/// Platform does not decide which formats exist: the composition root hands it the media
/// libraries' one format table, so the HTTP API accepts exactly what the pipelines accept.
public struct MediaSniffer: Sendable {
    /// Bytes `kind` wants to see (fewer only when the whole file is shorter).
    public var length: Int
    /// The kind of a file starting with the given bytes; nil when the format is not accepted.
    public var kind: @Sendable ([UInt8]) -> MediaKind?

    /// A sniffer reading `length` bytes.
    public init(length: Int, kind: @escaping @Sendable ([UInt8]) -> MediaKind?) {
        self.length = length
        self.kind = kind
    }
}
