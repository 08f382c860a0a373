/// Tunables of the social services; defaults match DESIGN.md.
public struct SocialConfiguration: Sendable {
    /// Authors with at least this many followers are not fanned out; readers pull their posts.
    public var celebrityFollowerThreshold: Int64
    /// Rows kept per materialised timeline.
    public var timelineLength: Int
    /// bcrypt cost (log2 rounds); tests lower it.
    public var bcryptCost: UInt8

    /// Defaults: threshold 10,000, timelines of 800, bcrypt cost 12.
    public init(celebrityFollowerThreshold: Int64 = 10_000, timelineLength: Int = 800, bcryptCost: UInt8 = 12) {
        self.celebrityFollowerThreshold = celebrityFollowerThreshold
        self.timelineLength = timelineLength
        self.bcryptCost = bcryptCost
    }
}
