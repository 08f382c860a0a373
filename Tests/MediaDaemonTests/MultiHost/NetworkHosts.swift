import Foundation
import Testing

/// Three "hosts" on one machine: network namespaces A, B and C, with a veth link A–B
/// (10.N.1.0/24) and A–C (10.N.2.0/24). A is 10.N.1.1 to B and 10.N.2.1 to C. Names and N
/// are random so concurrent runs do not meet. `remove()` kills whatever still runs in them
/// and deletes them (their links go with them).
struct NetworkHosts {
    let a: String
    let b: String
    let c: String
    /// The second octet of every address.
    let net: Int
    let directory: URL

    var addressAForB: String { "10.\(net).1.1" }
    var addressAForC: String { "10.\(net).2.1" }
    var names: [String] { [a, b, c] }

    /// Whether this machine can make them: root, and iproute2's `ip`.
    static var available: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
            || getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/sbin/ip")
    }

    static func create(in directory: URL) async throws -> NetworkHosts {
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let hosts = NetworkHosts(
            a: "mda-\(tag)", b: "mdb-\(tag)", c: "mdc-\(tag)", net: Int.random(in: 100...250), directory: directory)
        // veth names are at most 15 bytes.
        let script = """
            set -e
            ip netns add "$1"; ip netns add "$2"; ip netns add "$3"
            ip link add "ab$4" type veth peer name "ba$4"
            ip link add "ac$4" type veth peer name "ca$4"
            ip link set "ab$4" netns "$1"; ip link set "ac$4" netns "$1"
            ip link set "ba$4" netns "$2"; ip link set "ca$4" netns "$3"
            ip -n "$1" addr add "10.$5.1.1/24" dev "ab$4"; ip -n "$1" addr add "10.$5.2.1/24" dev "ac$4"
            ip -n "$2" addr add "10.$5.1.2/24" dev "ba$4"; ip -n "$3" addr add "10.$5.2.2/24" dev "ca$4"
            for ns in "$1" "$2" "$3"; do ip -n "$ns" link set lo up; done
            ip -n "$1" link set "ab$4" up; ip -n "$1" link set "ac$4" up
            ip -n "$2" link set "ba$4" up; ip -n "$3" link set "ca$4" up
            """
        do {
            try await Shell.require(script, [hosts.a, hosts.b, hosts.c, tag, "\(hosts.net)"], in: directory)
        } catch {
            await hosts.remove()
            throw error
        }
        return hosts
    }

    /// Kills every process left in the namespaces and deletes them; safe to call twice.
    func remove() async {
        for name in names {
            _ = try? await Shell.run(
                "ip netns pids \"$1\" 2>/dev/null | xargs -r kill -9; ip netns del \"$1\" 2>/dev/null; true", [name],
                in: directory)
        }
    }

    /// `ip netns exec NAME` before `command`.
    func exec(_ name: String, _ command: [String]) -> [String] {
        ["netns", "exec", name] + command
    }
}
