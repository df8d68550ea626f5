import HTTPServer
import JSON

/// `POST /api/otlp/v1/logs`: OTLP/HTTP log exports in JSON (gzip too), each record an event (see
/// `OTLPLogDecoder`). The answer comes after the commit: 200 with `{}` or `partialSuccess`, 503 with
/// `Retry-After` when the database is away (the exporter retries).
struct OTLPLogsEndpoint: Endpoint {
    let context: CollectorContext
    let path = "/api/otlp/v1/logs"
    let methods = ["POST"]

    func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        OTLPRequest.checkContentType(head)
    }

    func handle(_ request: HTTPRequest, host: String?, writer: ResponseWriter) {
        let decoded: OTLPLogDecoder.Decoded
        do {
            let document = try OTLPRequest.root(request, limit: bodyLimit(context.settings), jsonLimits: context.jsonLimits)
            decoded = try OTLPLogDecoder().decode(document.root, hostID: host ?? "",
                                                  receivedAt: Timestamp.nowMicrosecondsSince2000())
        } catch {
            return writer.write(error.response)
        }
        let answer = OTLPRequest.answer(decoded.rejections, countField: "rejectedLogRecords")
        context.ingest(decoded.batch, writer: writer, success: { _, _ in answer }, spooled: { _ in answer })
    }
}
