import Foundation
import HTTPTypes
import Hummingbird

/// The body of `GET /api/v1/notifications/stream`: Server-Sent Events, one event per change of
/// the user's notifications (`id:` its change number, `event: notification`, `data:` the
/// notification as JSON), a `: heartbeat` comment line on idle streams, and on connect a
/// `retry:` hint and a `: connected` comment (written once the stream is subscribed, so a
/// client knows nothing from then on can be missed).
struct NotificationStream: Sendable {
    let hub: NotificationHub
    let service: NotificationService
    let subscription: NotificationHub.Subscription
    /// The change after which to start: `Last-Event-ID`, or the user's latest change.
    let start: Int64

    /// Changes read per query.
    static let page = 100

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        defer { hub.unsubscribe(subscription) }
        try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
        var last = start
        try await deliver(after: &last, writer: &writer)
        for await signal in subscription.signals {
            if case .heartbeat = signal { try await writer.write(ByteBuffer(string: ": heartbeat\n\n")) }
            try await deliver(after: &last, writer: &writer)
        }
        try await writer.finish(nil)
    }

    /// Writes every change after `last`, page by page, and moves `last` on.
    private func deliver(after last: inout Int64, writer: inout any ResponseBodyWriter) async throws {
        while true {
            let changes = try await service.changes(userID: subscription.userID, after: last, limit: Self.page)
            guard !changes.isEmpty else { return }
            var text = ""
            for view in changes {
                text += "id: \(view.change)\nevent: notification\ndata: \(try Self.json(view))\n\n"
                last = max(last, Int64(view.change) ?? last)
            }
            try await writer.write(ByteBuffer(string: text))
            if changes.count < Self.page { return }
        }
    }

    /// One line of JSON in the API's conventions (snake_case, ISO 8601).
    static func json(_ view: NotificationView) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(view), as: UTF8.self)
    }

    /// `Last-Event-ID` (header, or `last_event_id` for clients that cannot set it): nil when
    /// absent or empty; 400 `invalid_last_event_id` unless it is a change number.
    static func lastEventID(_ request: Request) throws(SocialError) -> Int64? {
        let header = HTTPField.Name("Last-Event-ID").flatMap { request.headers[$0] }
        let query = request.uri.queryParameters.get("last_event_id").map { String($0) }
        // Each one given is checked (an empty header does not excuse a malformed query); the
        // header wins when both name a change.
        let fromHeader = try changeNumber(header)
        let fromQuery = try changeNumber(query)
        return fromHeader ?? fromQuery
    }

    /// A `Last-Event-ID` value: nil when absent or empty, 400 unless 1-18 digits.
    private static func changeNumber(_ text: String?) throws(SocialError) -> Int64? {
        guard let text, !text.isEmpty else { return nil }
        guard text.utf8.count <= 18, text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int64(text) else {
            throw SocialError(.invalid, "invalid_last_event_id", "Last-Event-ID is the id of an event of this stream")
        }
        return value
    }
}
