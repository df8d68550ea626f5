import HTTPServer
import JSON

/// What the two OTLP/HTTP endpoints share: JSON only (protobuf gets a 415 that says how to switch), the request's
/// outer structure, and the answer, which tells in `partialSuccess` how many records were refused and why.
enum OTLPRequest {
    static func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        guard let type = head.headers["Content-Type"], !MediaType.isJSON(type) else { return nil }
        let mediaType = type.split(separator: ";", maxSplits: 1).first.map { $0.trimmingWhitespace().lowercased() } ?? ""
        let message = mediaType.hasSuffix("protobuf")
            ? "this collector takes OTLP/HTTP with JSON encoding only: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json"
            : "send OTLP/HTTP as application/json (OTEL_EXPORTER_OTLP_PROTOCOL=http/json), not \(type)"
        return APIError(415, "unsupported_media_type", message)
    }

    /// The request object, after undoing any gzip.
    static func root(_ request: HTTPRequest, limit: Int, jsonLimits: JSONLimits) throws(APIError) -> JSONDocument {
        let body = try ContentEncoding.decodedBody(request, limit: limit)
        // Protobuf's JSON mapping lets the last of repeated keys win, and OTLP clients follow it.
        return try JSONBody.object(body, limits: jsonLimits, expected: "an OTLP/JSON export request object",
                                   allowDuplicateKeys: true)
    }

    /// The elements of a repeated field of the request's structure (resourceLogs, scopeMetrics, ...); absent is
    /// empty, anything but an array of objects rejects the request.
    static func objects(_ parent: JSONValue, _ field: String, path: String) throws(APIError) -> [JSONValue] {
        guard let value = parent.member(field), !value.isNull else { return [] }
        let elements = Array(value.elements)
        guard value.kind == .array, elements.allSatisfy({ $0.kind == .object }) else {
            throw APIError(400, "invalid_body", "\(path)\(field) must be an array of objects", field: field)
        }
        return elements
    }

    /// 200 with `{}` when everything was taken, else with `partialSuccess` naming the count in `countField`
    /// (`rejectedLogRecords`, `rejectedDataPoints`) and the first reason.
    static func answer(_ rejections: OTLPRejections, countField: String) -> HTTPResponse {
        guard rejections.count > 0 else { return .json(status: 200, body: Array("{}".utf8)) }
        // int64 fields are strings in the protobuf JSON mapping; receivers accept both.
        var body: [UInt8] = Array(#"{"partialSuccess":{"\#(countField)":"\#(rejections.count)","errorMessage":"#.utf8)
        JSONText.appendQuoted(rejections.message(countField: countField), to: &body)
        body.append(contentsOf: "}}".utf8)
        return .json(status: 200, body: body)
    }
}

/// The records or data points of one request that were refused, and where the first one was.
struct OTLPRejections: Sendable {
    private(set) var count = 0
    private(set) var total = 0
    private var first: String?

    mutating func accepted() {
        total += 1
    }

    mutating func reject(_ count: Int = 1, at path: String, _ reason: String) {
        self.count += count
        total += count
        if first == nil { first = "\(path): \(reason)" }
    }

    func message(countField: String) -> String {
        let what = countField == "rejectedDataPoints" ? "data points" : "log records"
        return "\(count) of \(total) \(what) rejected; the first: \(first ?? "")"
    }
}
