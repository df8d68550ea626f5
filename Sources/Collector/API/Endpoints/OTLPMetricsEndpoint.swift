import HTTPServer
import JSON
import Postgres

/// `POST /api/otlp/v1/metrics`: OTLP/HTTP metric exports in JSON (gzip too). Every data point of a request goes
/// into `otlp_metrics` with one statement on a database worker (see `OTLPMetricDecoder`); the answer is 200 with
/// `{}` or `partialSuccess`, or 503 with `Retry-After` when the database is away (the exporter retries).
struct OTLPMetricsEndpoint: Endpoint {
    let bodyLimit: Int
    let jsonLimits: JSONLimits
    let database: DatabaseWork
    let path = "/api/otlp/v1/metrics"
    let methods = ["POST"]

    func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        OTLPExport.checkContentType(head)
    }

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        guard let decoded = RequestBody.decode(request, limit: bodyLimit, answeringErrorsTo: writer, { body throws(ValidationError) in
            try OTLPMetricDecoder().decode(OTLPExport.root(body, jsonLimits: jsonLimits).root, hostID: caller.hostID,
                                           receivedAt: Timestamp.nowMicrosecondsSince2000())
        }) else { return }
        let answer = OTLPExport.answer(decoded.rejections, countField: "rejectedDataPoints")
        guard decoded.columns.count > 0 else { return writer.write(answer) }
        database.write("metric points", writer: writer, refusal: "the database refused the data points; nothing was stored") {
            connection throws(PostgresError) in
            try decoded.columns.insert(on: connection)
            return answer
        }
    }
}
