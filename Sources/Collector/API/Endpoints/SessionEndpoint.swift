import HTTPServer
import Postgres

/// `GET /api/v1/sessions/{host}/{session}` for read keys: one session's events in order, its spans and its
/// transcript; 404 when the collector has none of them.
struct SessionEndpoint: Endpoint {
    let reads: DatabaseWork
    let bodyLimit: Int
    let path = "/api/v1/sessions/{host}/{session}"
    let methods = ["GET"]
    let requiredScope: KeyScope? = .read

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        // The router matched this path against the same pattern, so both parameters are there.
        let values = RoutePattern(path).match(request.head.path) ?? [:]
        let query: SessionDetailQuery
        do {
            query = try SessionDetailQuery(host: values["host"] ?? "", session: values["session"] ?? "",
                                           query: request.head.query)
        } catch {
            return writer.write(APIError(error).response)
        }
        reads.read("session query", writer: writer) { connection throws(PostgresError) in
            guard let body = try query.run(on: connection) else {
                return APIError(404, "session_not_found",
                                "no events, spans or transcript of session \(query.session) from host \(query.host)").response
            }
            return .json(status: 200, body: body)
        }
    }
}
