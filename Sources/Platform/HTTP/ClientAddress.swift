import Foundation
import HTTPTypes
import Hummingbird

/// The client's address for rate limits: the peer's, unless the peer is a trusted proxy, in
/// which case `X-Forwarded-For` is read from the right (each proxy appends the address it saw)
/// past every trusted proxy to the first address no trusted proxy owns. An untrusted peer's
/// `X-Forwarded-For` is ignored, so clients cannot pick their own budget.
enum ClientAddress {
    static func of(_ request: Request, context: APIRequestContext, trusted: Set<String>) -> String? {
        let forwardedFor = HTTPField.Name("X-Forwarded-For").map { request.headers[values: $0] } ?? []
        return resolve(peer: context.peerAddress, forwardedFor: forwardedFor, trusted: trusted)
    }

    /// `forwardedFor` is every `X-Forwarded-For` field value, in order.
    static func resolve(peer: String?, forwardedFor: [String], trusted: Set<String>) -> String? {
        guard let peer, trusted.contains(peer) else { return peer }
        var address = peer
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !hop.isEmpty {
            address = hop
            if !trusted.contains(hop) { break }
        }
        return address
    }
}
