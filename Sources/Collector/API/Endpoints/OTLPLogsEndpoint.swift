import HTTPServer
import JSON

/// `POST /api/otlp/v1/logs`: OTLP/HTTP log exports in JSON (gzip too), each record an event (see
/// `OTLPLogDecoder`). The answer comes after the commit: 200 with `{}` or `partialSuccess`, 503 with
/// `Retry-After` when the database is away (the exporter retries).
struct OTLPLogsEndpoint: Endpoint {
    let bodyLimit: Int
    let jsonLimits: JSONLimits
    let pipeline: IngestPipeline
    let path = "/api/otlp/v1/logs"
    let methods = ["POST"]

    func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        OTLPExport.checkContentType(head)
    }

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        guard let decoded = RequestBody.decode(request, limit: bodyLimit, answeringErrorsTo: writer, { body throws(ValidationError) in
            try OTLPLogDecoder().decode(OTLPExport.root(body, jsonLimits: jsonLimits).root, hostID: caller.hostID,
                                        receivedAt: Timestamp.nowMicrosecondsSince2000())
        }) else { return }
        let answer = OTLPExport.answer(decoded.rejections, countField: "rejectedLogRecords")
        pipeline.submit(decoded.batch, writer: writer, success: { _, _ in answer }, spooled: { _ in answer })
    }
}
