import Collector
import CollectorTestSupport
import Foundation
import HTTPServer
import Postgres
import TestSupport
import Testing

/// `collector send` as hooks run it: a process with stdin, an environment and an exit status.
@Suite("collector send (the command)")
struct SendCommandTests {
    let spool = FileManager.default.temporaryDirectory.appendingPathComponent("send-command-\(UUID().uuidString)").path

    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The collector executable built next to the test bundle.
    static var binary: String {
        get throws {
            let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            for candidate in [directory, directory.deletingLastPathComponent()] {
                let path = candidate.appendingPathComponent("collector").path
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
            let fallback = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/collector").standardized.path
            guard FileManager.default.isExecutableFile(atPath: fallback) else {
                throw TestSupportError("the collector executable was not built (swift build --build-tests builds it)")
            }
            return fallback
        }
    }

    func run(_ arguments: [String], stdin: [UInt8] = [], environment: [String: String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary)
        process.arguments = ["send"] + arguments
        process.environment = ["HOME": spool + "-home", "COLLECTOR_SPOOL_DIR": spool, "COLLECTOR_TIMEOUT": "3"]
            .merging(environment) { $1 }
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                       stderr: String(decoding: err, as: UTF8.self))
    }

    @Test("Collector down: exit 0, nothing on stdout, one line on stderr; collector up: the spooled and new events arrive, once")
    func downThenUp() throws {
        let port = try freePort()
        let environment = ["COLLECTOR_URL": "http://127.0.0.1:\(port)", "COLLECTOR_API_KEY": "k"]
        let lines = #"{"sessionId":"s","eventType":"PreToolUse","toolName":"Bash"}"# + "\n\n" + #"{"sessionId":"s","eventType":"PostToolUse"}"# + "\n"
        let down = try run([], stdin: Array(lines.utf8), environment: environment)
        #expect(down.status == 0)
        #expect(down.stdout.isEmpty)
        #expect(down.stderr.hasSuffix("\n") && down.stderr.dropLast().split(separator: "\n").count == 1)
        #expect(down.stderr.contains("2 event(s) and 0 transcript(s) wait in"))

        let collector = try CollectorHarness { $0.server.port = port }
        let up = try run([#"{"sessionId":"s","eventType":"Stop"}"#], environment: ["COLLECTOR_URL": "http://127.0.0.1:\(port)",
                                                                                   "COLLECTOR_API_KEY": collector.key])
        #expect(up.status == 0)
        #expect(up.stderr.isEmpty)
        #expect(try collector.query("SELECT string_agg(event_type, ',' ORDER BY received_at, event_type) FROM events").firstValue()
                == "PostToolUse,PreToolUse,Stop")
        #expect(try run([], environment: ["COLLECTOR_URL": "http://127.0.0.1:\(port)", "COLLECTOR_API_KEY": collector.key]).stderr.isEmpty)
        #expect(try collector.count() == 3)
    }

    @Test("A SessionEnd command hook uploads the transcript its input names")
    func hookTranscript() throws {
        let collector = try CollectorHarness()
        var hook = try JSONSerialization.jsonObject(with: Data(try ClaudeCodeFixtures.bytes("hooks-SessionEnd.json"))) as? [String: Any] ?? [:]
        hook["transcript_path"] = ClaudeCodeFixtures.path("transcript.jsonl")
        let outcome = try run(["--hook-transcript"], stdin: Array(try JSONSerialization.data(withJSONObject: hook)),
                              environment: ["COLLECTOR_URL": "http://127.0.0.1:\(collector.port)", "COLLECTOR_API_KEY": collector.key])
        #expect(outcome.status == 0)
        #expect(outcome.stderr.isEmpty)
        #expect(try collector.query("SELECT session_id, agent_name FROM transcripts").rows == [[ClaudeCodeFixtures.sessionID, "claude-code"]])
    }

    @Test("Misuse is one line on stderr and still exit 0", arguments: [["--transcript", "/x.jsonl"], ["--session", "s"], ["--hook-transcript"]])
    func misuse(arguments: [String]) throws {
        let outcome = try run(arguments, stdin: Array("not a hook".utf8), environment: [:])
        #expect(outcome.status == 0)
        #expect(outcome.stderr.hasPrefix("collector send: ") && outcome.stderr.split(separator: "\n").count == 1)
    }
}
