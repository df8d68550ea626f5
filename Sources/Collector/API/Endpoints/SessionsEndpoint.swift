import HTTPServer
import Postgres

/// `GET /api/v1/sessions` for read keys: the sessions active in a time range, each with its counts, tokens, cost and
/// transcript size.
struct SessionsEndpoint: Endpoint {
    let reads: DatabaseWork
    let maxRangeDays: Int
    let bodyLimit: Int
    let path = "/api/v1/sessions"
    let methods = ["GET"]
    let requiredScope: KeyScope? = .read

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        let query: SessionListQuery
        do {
            query = try SessionListQuery(request.head.query, now: TimeRange.now, maxDays: maxRangeDays)
        } catch {
            return writer.write(APIError(error).response)
        }
        reads.read("sessions query", writer: writer) { connection throws(PostgresError) in
            .json(status: 200, body: try query.run(on: connection))
        }
    }
}
