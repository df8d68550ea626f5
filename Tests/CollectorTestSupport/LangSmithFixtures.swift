import Foundation
import TestSupport

/// What the LangSmith SDK (PyPI `langsmith`) really sent: the bodies in `../shared/fixtures/langsmith` beside the
/// repository (CI clones it there) and those the deploy test captured into `Tests/deploy/fixtures/langsmith`. Each has
/// a `.headers.json` beside it with the request's method, path and headers.
public enum LangSmithFixtures {
    public static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/fixtures/langsmith").standardized
    public static let captured = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../deploy/fixtures/langsmith").standardized

    public static func bytes(_ name: String, in directory: URL = shared) throws -> [UInt8] {
        let path = directory.appendingPathComponent(name).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TestSupportError("fixture \(path) is missing")
        }
        return Array(data)
    }

    /// The Content-Type the body was sent with.
    public static func contentType(_ name: String, in directory: URL = shared) throws -> String {
        let headers = try JSONSerialization.jsonObject(with: Data(try bytes(name + ".headers.json", in: directory)))
        guard let type = ((headers as? [String: Any])?["headers"] as? [String: Any])?["Content-Type"] as? String else {
            throw TestSupportError("\(name).headers.json has no Content-Type")
        }
        return type
    }
}
