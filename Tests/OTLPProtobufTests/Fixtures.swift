import Foundation

/// The real bodies in `../shared/fixtures` beside the repository (CI clones it there): Claude Code's protobuf exports
/// and the OpenTelemetry Python SDK's.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/fixtures").standardized

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(path)))
    }
}
