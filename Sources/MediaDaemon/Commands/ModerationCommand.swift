import ArgumentParser
import Foundation
import Platform

/// `mediadaemon moderation list|hide|restore`: posts hidden by reports pending review, reported
/// users, and the operator's decisions.
struct ModerationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moderation", abstract: "Review reported posts and users.",
        subcommands: [List.self, Hide.self, Restore.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hidden posts pending review (with --all: every hidden post), then reported users.")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Also list hidden posts an operator already reviewed.") var all = false

        func run() async throws {
            try await options.withMediaLibrary { library in
                let moderation = ModerationService(pool: library.pool)
                let posts = try await moderation.hiddenPosts(all: all)
                print("hidden posts: \(posts.count)")
                for post in posts {
                    let state = post.moderatedAt == nil ? "pending" : "reviewed"
                    print("  post \(post.postID) by \(post.author) (\(post.authorID)): \(state), hidden by \(post.hiddenBy ?? "?"), \(post.reportCount) reports (\(post.reasons))")
                }
                let users = try await moderation.reportedUsers()
                print("reported users: \(users.count)")
                for user in users {
                    print("  user \(user.userID) \(user.username ?? "(deleted)"): \(user.reportCount) reports (\(user.reasons))")
                }
            }
        }
    }

    struct Hide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hide a post (reviewed: it stays hidden until restored).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The post id.") var postID: Int64

        func run() async throws { try await ModerationCommand.decide(postID, hide: true, options: options) }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a hidden post again (reviewed: reports no longer hide it).")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The post id.") var postID: Int64

        func run() async throws { try await ModerationCommand.decide(postID, hide: false, options: options) }
    }

    static func decide(_ postID: Int64, hide: Bool, options: GlobalOptions) async throws {
        do {
            try await options.withMediaLibrary { library in
                try await ModerationService(pool: library.pool).decide(postID: postID, hide: hide)
            }
        } catch let error as SocialError where error.kind == .notFound {
            throw JobsCommand.fail("no post \(postID)")
        }
        // Feeds of running daemons show it within their feed cache's time to live.
        print(hide ? "post \(postID) hidden" : "post \(postID) restored")
    }
}
