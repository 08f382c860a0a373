/// A connection's place under the ordinary connection cap. A notification stream gives it
/// back when its request head arrives: streams have caps of their own (`NotificationHub`), so
/// long-lived streams never crowd out ordinary requests. Confined to the channel's event loop.
final class ConnectionSlot {
    private let counter: ConnectionCounter
    private var held: Bool

    init(_ counter: ConnectionCounter, held: Bool) {
        self.counter = counter
        self.held = held
    }

    /// Gives the place back (at most once).
    func release() {
        guard held else { return }
        held = false
        counter.release()
    }
}
