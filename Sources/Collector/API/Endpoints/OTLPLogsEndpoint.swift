import HTTPServer
import JSON
import OTLPProtobuf

/// `POST /api/otlp/v1/logs`: OTLP/HTTP log exports (see `OTLPExport`), each record an event (see
/// `OTLPLogDecoder`). The answer comes after the commit: 200 with an empty response or `partial_success`, 503 with
/// `Retry-After` when the database is away (the exporter retries).
struct OTLPLogsEndpoint: Endpoint {
    let export: OTLPExport<OTLPLogDecoder>
    let pipeline: IngestPipeline
    let path = "/api/otlp/v1/logs"
    let methods = ["POST"]

    var bodyLimit: Int { export.bodyLimit }

    func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        export.checkContentType(head)
    }

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        guard let decoded = export.decode(request, caller: caller, writer: writer) else { return }
        let answer = decoded.answer
        pipeline.submit(decoded.rows, writer: writer, success: { _, _ in answer }, spooled: { _ in answer })
    }
}

extension OTLPLogDecoder: OTLPSignal {
    static let rejectedCountField = "rejectedLogRecords"

    var maxItems: Int { limits.maxLogRecords }

    static func protobufAnswer(rejected: Int, errorMessage: String) -> [UInt8] {
        OTLPProtobufResponse.logs(rejectedLogRecords: rejected, errorMessage: errorMessage)
    }
}
