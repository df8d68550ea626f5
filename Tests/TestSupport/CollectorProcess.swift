import Foundation

/// The real `collector` binary in a child process, for tests that kill it (SIGKILL, SIGTERM) and start it again.
public final class CollectorProcess {
    public let port: Int
    public let logPath: String
    private let environment: [String: String]
    public private(set) var pid: pid_t = 0

    /// The binary `swift build` made; the test command builds it before the tests run.
    public static var binary: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        return ProcessInfo.processInfo.environment["COLLECTOR_BIN"] ?? root.appendingPathComponent(".build/debug/collector").path
    }

    public init(environment: [String: String]) throws {
        port = try freePort()
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("collector-\(UUID().uuidString).log").path
        var merged = environment
        merged["PORT"] = String(port)
        merged["HOST"] = "127.0.0.1"
        self.environment = merged
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw TestSupportError("\(Self.binary) is missing: run `swift build` first (scripts/test does)")
        }
    }

    /// Starts the collector and waits until it answers on its port.
    public func start() throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let names: [String] = [Self.binary, "serve"]
        let arguments: [UnsafeMutablePointer<CChar>?] = names.map { strdup($0) } + [nil]
        let variables = (ProcessInfo.processInfo.environment.merging(environment) { $1 }).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            arguments.forEach { free($0) }
            variables.forEach { free($0) }
        }
        let result = posix_spawn(&pid, Self.binary, &actions, nil, arguments, variables)
        guard result == 0 else { throw TestSupportError("cannot start the collector: error \(result)") }
        for _ in 0..<300 {
            if (try? RawHTTPClient(port: port, timeoutSeconds: 1)) != nil { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw TestSupportError("the collector exited at start (status \(status)): \(log)")
            }
            usleep(20_000)
        }
        throw TestSupportError("the collector did not listen within 6 s: \(log)")
    }

    /// Sends `signal` and waits for the process; returns its exit status (or 128 + signal when killed).
    @discardableResult
    public func stop(signal: Int32) -> Int32 {
        guard pid > 0 else { return 0 }
        defer { pid = 0 }
        kill(pid, signal)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        return exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}
