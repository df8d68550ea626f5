import HTTPServer
import JSON
import Logging
import Postgres

/// `POST /api/otlp/v1/metrics`: OTLP/HTTP metric exports in JSON (gzip too). Every data point of a request goes
/// into `otlp_metrics` with one statement on a database worker (see `OTLPMetricDecoder`); the answer is 200 with
/// `{}` or `partialSuccess`, or 503 with `Retry-After` when the database is away (the exporter retries).
struct OTLPMetricsEndpoint: Endpoint {
    let context: CollectorContext
    let path = "/api/otlp/v1/metrics"
    let methods = ["POST"]

    func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        OTLPRequest.checkContentType(head)
    }

    func handle(_ request: HTTPRequest, host: String?, writer: ResponseWriter) {
        let decoded: OTLPMetricDecoder.Decoded
        do {
            let document = try OTLPRequest.root(request, limit: bodyLimit(context.settings), jsonLimits: context.jsonLimits)
            decoded = try OTLPMetricDecoder().decode(document.root, receivedAt: Timestamp.nowMicrosecondsSince2000())
        } catch {
            return writer.write(error.response)
        }
        let answer = OTLPRequest.answer(decoded.rejections, countField: "rejectedDataPoints")
        guard decoded.columns.count > 0 else { return writer.write(answer) }
        let hostID = host ?? ""
        context.onWorker(writer: writer) { [context] in
            do throws(PostgresError) {
                _ = try context.pool.withConnection { connection throws(PostgresError) in
                    try connection.execute(prepared: "insert_otlp_metrics", sql: MetricColumns.insertSQL,
                                           decoded.columns.parameters(hostID: hostID))
                }
                writer.write(answer)
            } catch where error.isTransient {
                writer.write(context.unavailable.response)
            } catch {
                context.logger.error("metric points refused by PostgreSQL", metadata: ["error": "\(error)"])
                writer.write(APIError(500, "database_error", "the database refused the data points; nothing was stored").response)
            }
        }
    }
}
