import Foundation
import OTLPProtobuf
import SwiftProtobuf

/// A protobuf traces export written as OTLP/JSON, as an exporter set to http/json writes the same spans: protobuf's
/// JSON mapping (swift-protobuf's), except the ids, which OTLP/JSON sends as hex rather than base64.
enum OTLPJSONFromProtobuf {
    static func traces(_ protobuf: [UInt8]) throws -> [UInt8] {
        let request = try OTLP.ExportTraceServiceRequest(serializedBytes: protobuf)
        let json: [UInt8] = try request.jsonUTF8Bytes()
        let mapped = try JSONSerialization.jsonObject(with: Data(json))
        return Array(try JSONSerialization.data(withJSONObject: hexIDs(mapped)))
    }

    private static let idFields: Set<String> = ["traceId", "spanId", "parentSpanId"]

    private static func hexIDs(_ value: Any) -> Any {
        if let array = value as? [Any] { return array.map(hexIDs) }
        guard let object = value as? [String: Any] else { return value }
        var result: [String: Any] = [:]
        for (key, member) in object {
            if idFields.contains(key), let base64 = member as? String, let bytes = Data(base64Encoded: base64) {
                result[key] = bytes.map { String(format: "%02x", $0) }.joined()
            } else {
                result[key] = hexIDs(member)
            }
        }
        return result
    }
}
