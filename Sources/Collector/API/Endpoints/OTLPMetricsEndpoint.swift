import HTTPServer
import JSON
import OTLPProtobuf
import Postgres

/// `POST /api/otlp/v1/metrics`: OTLP/HTTP metric exports (see `OTLPExport`). Every data point of a request goes
/// into `otlp_metrics` with one statement on a database worker (see `OTLPMetricDecoder`); the answer is 200 with an
/// empty response or `partial_success`, or 503 with `Retry-After` when the database is away (the exporter retries).
struct OTLPMetricsEndpoint: Endpoint {
    let export: OTLPExport<OTLPMetricDecoder>
    let database: DatabaseWork
    let path = "/api/otlp/v1/metrics"
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
        database.write("metric points", writer: writer, refusal: "the database refused the data points; nothing was stored") {
            connection throws(PostgresError) in
            try columns.insert(on: connection)
            return answer
        }
    }
}

extension OTLPMetricDecoder: OTLPSignal {
    static let rejectedCountField = "rejectedDataPoints"

    var maxItems: Int { limits.maxDataPoints }

    static func protobufAnswer(rejected: Int, errorMessage: String) -> [UInt8] {
        OTLPProtobufResponse.metrics(rejectedDataPoints: rejected, errorMessage: errorMessage)
    }
}
