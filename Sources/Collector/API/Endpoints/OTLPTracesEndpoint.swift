import HTTPServer
import JSON
import Postgres

/// `POST /api/otlp/v1/traces`: OTLP/HTTP trace exports, each span a row of `spans` (see `OTLPSpanJSONDecoder`).
/// Every span of a request goes in with one statement on a database worker, and the answer comes after the commit:
/// a span is acknowledged only once it is stored. 200 with `{}` or `partialSuccess` (`rejectedSpans`), or 503 with
/// `Retry-After` when the database is away (the exporter retries; a span it sends again is not stored twice).
struct OTLPTracesEndpoint: Endpoint {
    let bodyLimit: Int
    let jsonLimits: JSONLimits
    let database: DatabaseWork
    let path = "/api/otlp/v1/traces"
    let methods = ["POST"]

    func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        OTLPExport.checkContentType(head)
    }

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        guard let decoded = RequestBody.decode(request, limit: bodyLimit, answeringErrorsTo: writer, { body throws(ValidationError) in
            try OTLPSpanJSONDecoder().decode(OTLPExport.root(body, jsonLimits: jsonLimits).root)
        }) else { return }
        let answer = OTLPExport.answer(decoded.rejections, countField: "rejectedSpans")
        guard !decoded.rows.isEmpty else { return writer.write(answer) }
        let columns = decoded.columns(hostID: caller.hostID)
        database.write("spans", writer: writer, refusal: "the database refused the spans; nothing was stored") {
            connection throws(PostgresError) in
            try columns.insert(on: connection)
            return answer
        }
    }
}
