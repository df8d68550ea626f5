import HTTPServer
import OTLPProtobuf
import Postgres

/// `POST /api/otlp/v1/traces`: OTLP/HTTP trace exports in protobuf or JSON (see `OTLPExport`), each span a row of
/// `spans` (see `OTLPSpanDecoder`). Every span of a request goes in with one statement on a database worker, and the
/// answer comes after the commit: a span is acknowledged only once it is stored. 200 with an empty response or
/// `partial_success` (`rejected_spans`), or 503 with `Retry-After` when the database is away (the exporter retries;
/// a span it sends again is not stored twice).
struct OTLPTracesEndpoint: Endpoint {
    let export: OTLPExport<OTLPSpanDecoder>
    let database: DatabaseWork
    let path = "/api/otlp/v1/traces"
    let methods = ["POST"]

    var bodyLimit: Int { export.bodyLimit }

    func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        export.checkContentType(head)
    }

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        guard let decoded = export.decode(request, caller: caller, writer: writer) else { return }
        let answer = decoded.answer
        let columns = decoded.rows
        guard columns.count > 0 else { return writer.write(answer) }
        database.write("spans", writer: writer, refusal: "the database refused the spans; nothing was stored") {
            connection throws(PostgresError) in
            try columns.insert(on: connection)
            return answer
        }
    }
}

extension OTLPSpanDecoder: OTLPSignal {
    static let rejectedCountField = "rejectedSpans"

    var maxItems: Int { limits.maxSpans }

    static func protobufAnswer(rejected: Int, errorMessage: String) -> [UInt8] {
        OTLPProtobufResponse.traces(rejectedSpans: rejected, errorMessage: errorMessage)
    }
}
