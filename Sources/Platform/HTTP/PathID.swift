import Hummingbird

/// The `{id}` of a route: digits (`openapi.yaml`'s `Id`), else 400 `invalid_id`. Digits beyond
/// `Int64` name no row that can exist, so they are 404, as any other absent id.
enum PathID {
    static func require(_ context: APIRequestContext, _ name: String = "id") throws -> Int64 {
        let text = context.parameters.get(name) ?? ""
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw SocialError(.invalid, "invalid_id", "ids are strings of digits")
        }
        guard let id = Int64(text) else { throw SocialError(.notFound, "not_found", "no such resource") }
        return id
    }
}
