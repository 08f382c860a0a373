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

/// The best match over the dihedral variants of a query (rotations and mirrors).
public struct PDQDihedralMatch: Hashable, Sendable {
    public var match: PDQMatch
    /// Index, in the caller's variant list, of the variant that matched closest.
    public var variantIndex: Int

    public init(match: PDQMatch, variantIndex: Int) {
        self.match = match
        self.variantIndex = variantIndex
    }
}
