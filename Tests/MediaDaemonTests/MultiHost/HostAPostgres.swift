import Foundation
import Testing

/// PostgreSQL on host A as the `postgres` OS user: TCP on A's two addresses with SCRAM
/// password authentication (local socket: trust, for the test's own checks), and on demand a
/// streaming replica made with `pg_basebackup -R` over TCP, on port 5433.
struct HostAPostgres {
    let hosts: NetworkHosts
    let directory: URL
    let password = "pw-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    var bin: String {
        let root = "/usr/lib/postgresql"
        let major = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).max() ?? 15
        return "\(root)/\(major)/bin"
    }
    var primaryData: String { directory.path + "/pg-a" }
    var replicaData: String { directory.path + "/pg-a-replica" }
    var socket: String { directory.path + "/sock" }

    /// The URL B (`forC` false) or C uses, with the password: SCRAM over TCP.
    func url(forC: Bool, port: Int = 5432, password: String? = nil) -> String {
        "postgresql://postgres:\(password ?? self.password)@\(forC ? hosts.addressAForC : hosts.addressAForB):\(port)/postgres"
    }

    /// The test's own connection: the unix socket (a path, so outside the namespaces too).
    var localURL: String { "postgresql://postgres@/postgres?host=\(socket)&port=5432" }

    func start() async throws {
        let script = """
            set -e
            mkdir -p "$2"; chown postgres "$2"; chmod 700 "$2"
            printf '%s\\n' "$4" > "$1/pwfile"; chown postgres "$1/pwfile"
            mkdir -p "$5"; chown postgres "$5"; chmod 700 "$5"
            runuser -u postgres -- "$3/initdb" -D "$5" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
                --pwfile="$1/pwfile" --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
            cat >> "$5/postgresql.conf" <<CONF
            listen_addresses = '$6,$7'
            port = 5432
            unix_socket_directories = '$2'
            max_connections = 400
            fsync = off
            synchronous_commit = off
            password_encryption = 'scram-sha-256'
            CONF
            printf 'host all all 10.0.0.0/8 scram-sha-256\\nhost replication all 10.0.0.0/8 scram-sha-256\\n' >> "$5/pg_hba.conf"
            ip netns exec "$8" runuser -u postgres -- "$3/pg_ctl" -D "$5" -l "$2/pg-a.log" -w -t 60 start >/dev/null
            """
        try await Shell.require(
            script,
            [directory.path, socket, bin, password, primaryData, hosts.addressAForB, hosts.addressAForC, hosts.a],
            in: directory)
    }

    /// A streaming replica of the primary on A, port 5433, copied over TCP with the password.
    func startReplica() async throws {
        let script = """
            set -e
            mkdir -p "$2"; chown postgres "$2"; chmod 700 "$2"
            ip netns exec "$5" runuser -u postgres -- env PGPASSWORD="$4" "$3/pg_basebackup" -D "$2" -h "$6" -p 5432 \
                -U postgres -X stream -c fast -R
            ip netns exec "$5" runuser -u postgres -- "$3/pg_ctl" -D "$2" -l "$1/sock/pg-a-replica.log" -w -t 60 \
                -o "-p 5433" start >/dev/null
            """
        try await Shell.require(
            script, [directory.path, replicaData, bin, password, hosts.a, hosts.addressAForB], in: directory)
    }

    func stopReplica() async throws {
        try await Shell.require(
            "runuser -u postgres -- \"$1/pg_ctl\" -D \"$2\" -m fast -w -t 60 stop >/dev/null", [bin, replicaData],
            in: directory)
    }

    /// Stops both servers when running (cleanup; errors ignored).
    func stop() async {
        for data in [replicaData, primaryData] {
            _ = try? await Shell.run(
                "[ -f \"$2/postmaster.pid\" ] && runuser -u postgres -- \"$1/pg_ctl\" -D \"$2\" -m immediate -w stop; true",
                [bin, data], in: directory)
        }
    }
}
