import Foundation
import Postgres

/// A real PostgreSQL server in a temporary folder, started by the tests themselves (initdb, pg_ctl), listening only
/// on a Unix socket in that folder: clusters started side by side can never collide on a port. As root, the
/// server runs as the `postgres` user, since PostgreSQL refuses to run as root.
public final class PostgresCluster: Sendable {
    public let directory: String
    /// The port number only names the socket file; nothing listens on TCP.
    public let port = 5432
    private let binDirectory: String

    /// One cluster shared by every test of this process, started on first use and stopped at exit.
    public static func shared() throws -> PostgresCluster {
        try sharedCluster.get()
    }

    private static let sharedCluster: Result<PostgresCluster, any Error> = Result {
        let cluster = try PostgresCluster()
        atexit {
            guard let cluster = try? PostgresCluster.sharedCluster.get() else { return }
            try? cluster.stop()
            try? FileManager.default.removeItem(atPath: cluster.directory)
        }
        return cluster
    }

    public init() throws {
        binDirectory = try Self.findBinDirectory()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 { try run("/bin/chown", ["postgres:", directory]) }
        try run("\(binDirectory)/initdb", ["-D", "\(directory)/data", "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                          "--locale=C.UTF-8"], asPostgresUser: true)
        try start()
    }

    public func url(database: String = "postgres") -> String {
        "postgresql://postgres@/\(database)?host=\(directory)&port=\(port)"
    }

    public func start() throws {
        try run("\(binDirectory)/pg_ctl", [
            "-D", "\(directory)/data", "-l", "\(directory)/postgres.log", "-w", "-t", "60",
            "-o", "-p \(port) -k \(directory) -c listen_addresses='' -c fsync=off -c max_connections=200",
            "start",
        ], asPostgresUser: true)
    }

    /// A clean stop: PostgreSQL finishes and refuses new connections.
    public func stop() throws {
        try run("\(binDirectory)/pg_ctl", ["-D", "\(directory)/data", "-m", "fast", "-w", "stop"], asPostgresUser: true)
    }

    /// The postmaster dies at once, as in a crash; `start` then runs crash recovery.
    public func kill() throws {
        let pidFile = try String(contentsOfFile: "\(directory)/data/postmaster.pid", encoding: .utf8)
        guard let pid = pidFile.split(separator: "\n").first.flatMap({ Int32($0) }) else { return }
        Foundation.kill(pid, SIGKILL)
        while Foundation.kill(pid, 0) == 0 { usleep(10_000) }
        _ = try? run("/usr/bin/pkill", ["-KILL", "-f", "\(directory)/data"])
        usleep(200_000)
    }

    /// A new empty database with a unique name, so that tests do not see each other's rows.
    public func createDatabase() throws -> String {
        let name = "test_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        let connection = try PostgresConnection.connect(
            url: url(), applicationName: "tests", connectTimeoutSeconds: 5, statementTimeout: .seconds(60))
        try connection.execute("CREATE DATABASE \(name)")
        return name
    }

    private static func findBinDirectory() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        guard let version = versions.compactMap(Int.init).max() else {
            throw TestSupportError("PostgreSQL server binaries not found under \(root); scripts/test installs them")
        }
        return "\(root)/\(version)/bin"
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs a program to completion and throws with its output when it fails. posix_spawn and waitpid rather than
/// Foundation's Process: pg_ctl leaves a server behind that must not hold the output pipe open.
@discardableResult
public func run(_ program: String, _ arguments: [String], asPostgresUser: Bool = false) throws -> String {
    let argv = asPostgresUser && getuid() == 0
        ? ["/usr/sbin/runuser", "-u", "postgres", "--", program] + arguments
        : [program] + arguments
    let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)").path
    defer { unlink(outputPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    var pid = pid_t()
    let cArguments = argv.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
    guard spawned == 0 else { throw TestSupportError("cannot start \(argv[0]): error \(spawned)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    guard status == 0 else {
        throw TestSupportError("\(argv.joined(separator: " ")) failed (status \(status)): \(output)")
    }
    return output
}

/// A TCP port nobody listens on right now.
public func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw TestSupportError("no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}
