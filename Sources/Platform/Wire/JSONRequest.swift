package import Foundation

/// The JSON request bodies of the API, and how they are read: snake_case keys, 400
/// `invalid_json` for anything that does not decode. The HTTP layer collects the body (at most
/// 64 KB) and hands it here.
package enum JSONRequest {
    /// `POST /api/v1/users` and `POST /api/v1/sessions`.
    package struct Credentials: Decodable {
        package var username: String
        package var password: String
    }

    /// `POST /api/v1/posts/{id}/comments`.
    package struct NewComment: Decodable {
        package var text: String
    }

    /// `PATCH /api/v1/users/me`: fields left out stay as they are.
    package struct ProfileChange: Decodable {
        package var displayName: String?
        package var bio: String?
    }

    /// `DELETE /api/v1/users/me`: the password, re-entered.
    package struct PasswordCheck: Decodable {
        package var password: String
    }

    /// `PUT /api/v1/users/me/password`.
    package struct PasswordChange: Decodable {
        package var currentPassword: String
        package var newPassword: String
    }

    /// Decodes a request body already collected; 400 `invalid_json` when it does not decode.
    package static func decode<T: Decodable>(_ type: T.Type, from body: Data) throws(SocialError) -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(type, from: body)
        } catch {
            throw SocialError(.invalid, "invalid_json", "the body is not the expected JSON object")
        }
    }
}
