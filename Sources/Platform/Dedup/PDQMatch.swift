/// A stored hash found near a query.
public struct PDQMatch: Hashable, Sendable {
    /// The id the hash was stored with (a media id).
    public var id: Int64
    /// Hamming distance between the stored hash and the query, 0...256.
    public var distance: Int

    public init(id: Int64, distance: Int) {
        self.id = id
        self.distance = distance
    }
}

