import Foundation
import TestSupport

/// The real bodies in `../shared/fixtures` beside the repository (CI clones it there), by their path in it:
/// `otel-python/logs-1.pb`, `claude-code/protobuf/otlp-logs-1.pb`. A missing file fails the test that needs it.
public enum SharedFixtures {
    public static func bytes(_ path: String) throws -> [UInt8] {
        try ClaudeCodeFixtures.bytes("../" + path)
    }
}

/// The real Claude Code bodies in `../shared/fixtures/claude-code` beside the repository (CI clones it there). A
/// missing file fails the test that needs it: these tests are the proof that real payloads work.
public enum ClaudeCodeFixtures {
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/fixtures/claude-code").standardized

    public static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    public static func bytes(_ name: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(name)) else {
            throw TestSupportError("fixture \(path(name)) is missing: the tests expect shared/ beside the repository")
        }
        return Array(data)
    }

    public static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    public static let hookEvents = ["UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop", "SessionEnd"]
    public static let sessionID = "fee6907c-a7f0-4412-8c9c-5b995d46c3c4"
}
