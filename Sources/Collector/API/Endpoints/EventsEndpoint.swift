import HTTPServer
import Postgres

/// `GET /api/v1/events` for read keys: events filtered by host, session, type, agent and tool in a time range,
/// a page at a time with an opaque `next` cursor.
struct EventsEndpoint: Endpoint {
    let reads: DatabaseWork
    let maxRangeDays: Int
    let bodyLimit: Int
    let path = "/api/v1/events"
    let methods = ["GET"]
    let requiredScope: KeyScope? = .read

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        let query: EventQuery
        do {
            query = try EventQuery(request.head.query, now: TimeRange.now, maxDays: maxRangeDays)
        } catch {
            return writer.write(APIError(error).response)
        }
        reads.read("events query", writer: writer) { connection throws(PostgresError) in
            .json(status: 200, body: try query.run(on: connection))
        }
    }
}
