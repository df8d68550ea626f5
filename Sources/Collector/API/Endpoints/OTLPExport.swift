import HTTPServer
import JSON

/// What the OTLP/HTTP endpoints share: JSON only (protobuf gets a 415 that says how to switch), the request
/// object, and the answer, which tells in `partialSuccess` how many items were refused and why.
enum OTLPExport {
    static func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        guard let type = head.headers["Content-Type"], MediaType(type) != .json else { return nil }
        let message = MediaType(type).name.hasSuffix("protobuf")
            ? "this collector takes OTLP/HTTP with JSON encoding only: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json"
            : "send OTLP/HTTP as application/json (OTEL_EXPORTER_OTLP_PROTOCOL=http/json), not \(type)"
        return APIError(415, "unsupported_media_type", message)
    }

    /// The request object of a body. Protobuf's JSON mapping lets the last of repeated keys win, and OTLP clients
    /// follow it.
    static func root(_ body: [UInt8], jsonLimits: JSONLimits) throws(ValidationError) -> JSONDocument {
        try JSONBody.object(body, limits: jsonLimits, expected: "an OTLP/JSON export request object", allowDuplicateKeys: true)
    }

    /// 200 with `{}` when everything was taken, else with `partialSuccess` naming the count in `countField`
    /// (`rejectedLogRecords`, `rejectedDataPoints`) and the first reason.
    static func answer(_ rejections: OTLPRejections, countField: String) -> HTTPResponse {
        guard rejections.count > 0 else { return .json(status: 200, body: Array("{}".utf8)) }
        // int64 fields are strings in the protobuf JSON mapping; receivers accept both.
        var body: [UInt8] = Array(#"{"partialSuccess":{"\#(countField)":"\#(rejections.count)","errorMessage":"#.utf8)
        JSONText.appendQuoted(rejections.message, to: &body)
        body.append(contentsOf: "}}".utf8)
        return .json(status: 200, body: body)
    }
}
