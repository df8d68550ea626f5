import HTTPServer
import JSON

/// An answer other than success: `{"error": "<what to do>", "code": "<machine_code>"}`, plus `index` and
/// `field` when one event or field is to blame. Every error body the collector sends, the server's own refusals
/// included, is written here.
struct APIError: Error, Sendable {
    var status: Int
    var code: String
    var message: String
    var index: Int?
    var field: String?
    var headers: [(String, String)] = []

    init(_ status: Int, _ code: String, _ message: String, index: Int? = nil, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.index = index
        self.field = field
    }

    /// A decoding failure: 400, or 403 when the content names another host than the key's.
    init(_ error: ValidationError) {
        let status = switch error.kind {
        case .invalid: 400
        case .hostMismatch: 403
        }
        self.init(status, error.code, error.message, index: error.index, field: error.field)
    }

    /// A read request's parameter that cannot be used: 400, naming it in `field`.
    init(_ error: QueryParameterError) {
        self.init(400, "invalid_parameter", error.message, field: error.parameter)
    }

    init(_ refusal: ServerRefusal) {
        self.init(refusal.status, refusal.code, refusal.message)
        if let seconds = refusal.retryAfterSeconds { headers = [("Retry-After", String(seconds))] }
    }

    var response: HTTPResponse {
        var body: [UInt8] = Array(#"{"error":"#.utf8)
        JSONText.appendQuoted(message, to: &body)
        body.append(contentsOf: #","code":"#.utf8)
        JSONText.appendQuoted(code, to: &body)
        if let index { body.append(contentsOf: #","index":\#(index)"#.utf8) }
        if let field {
            body.append(contentsOf: #","field":"#.utf8)
            JSONText.appendQuoted(field, to: &body)
        }
        body.append(UInt8(ascii: "}"))
        var response = HTTPResponse.json(status: status, body: body)
        for (name, value) in headers { response.headers.add(name: name, value: value) }
        return response
    }

    static func databaseUnavailable(retryAfter: Int) -> APIError {
        .unavailable("the database is unavailable; nothing was stored, retry shortly", retryAfter: retryAfter)
    }

    static func unavailable(_ message: String, retryAfter: Int) -> APIError {
        var error = APIError(503, "unavailable", message)
        error.headers = [("Retry-After", String(retryAfter))]
        return error
    }
}

extension HTTPResponse {
    static func json(status: Int, body: [UInt8]) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return HTTPResponse(status: status, headers: headers, body: body)
    }
}
