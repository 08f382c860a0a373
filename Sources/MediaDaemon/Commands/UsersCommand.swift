import ArgumentParser
import Foundation
import Platform

/// `mediadaemon users grant-operator|revoke-operator NAME`: the operator role, which opens the
/// operator page (/admin) with the user's normal log-in.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Grant or revoke the operator role.",
        subcommands: [GrantOperator.self, RevokeOperator.self])

    struct GrantOperator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grant-operator", abstract: "Let a user open the operator page (/admin).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The username.") var name: String

        func run() async throws { try await UsersCommand.set(name, operator: true, options: options) }
    }

    struct RevokeOperator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-operator", abstract: "Take the operator role away (at once, on every daemon).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The username.") var name: String

        func run() async throws { try await UsersCommand.set(name, operator: false, options: options) }
    }

    static func set(_ name: String, operator granted: Bool, options: GlobalOptions) async throws {
        do {
            try await options.withMediaLibrary { library in
                try await UserService(pool: library.pool).setOperator(username: name, granted)
            }
        } catch let error as SocialError where error.kind == .notFound {
            throw JobsCommand.fail("no user \(name)")
        }
        print(granted ? "\(name) is an operator" : "\(name) is no longer an operator")
    }
}
