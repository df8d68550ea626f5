import HTTPServer
import Postgres

/// `GET /api/v1/stats/summary?window=24h` for read keys: events, sessions, active and silent hosts, denials,
/// errors, tokens and cost of the window, as one flat object.
struct SummaryEndpoint: Endpoint {
    let reads: DatabaseWork
    let maxRangeDays: Int
    let bodyLimit: Int
    let path = "/api/v1/stats/summary"
    let methods = ["GET"]
    let requiredScope: KeyScope? = .read

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        let query: SummaryQuery
        do {
            query = try SummaryQuery(request.head.query, now: TimeRange.now, maxDays: maxRangeDays)
        } catch {
            return writer.write(APIError(error).response)
        }
        reads.read("summary query", writer: writer) { connection throws(PostgresError) in
            .json(status: 200, body: try query.run(on: connection))
        }
    }
}
