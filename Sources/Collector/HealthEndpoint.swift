import HTTPServer
import JSON
import Postgres

/// `GET /api/v1/health`: 200 when a database round trip succeeds, else 503. No key needed.
struct HealthEndpoint: Endpoint {
    let context: CollectorContext
    let path = "/api/v1/health"
    let methods = ["GET", "HEAD"]
    let requiresKey = false

    func checkContentType(_ head: HTTPRequestHead) -> APIError? { nil }

    func handle(_ request: HTTPRequest, host: String?, writer: ResponseWriter) {
        let includeBody = request.head.method == "GET"
        context.onWorker(writer: writer) { [context] in
            var response: HTTPResponse
            do throws(PostgresError) {
                _ = try context.pool.withConnection { connection throws(PostgresError) in
                    try connection.execute("SELECT 1")
                }
                response = .json(status: 200, body: Array(#"{"status":"ok","database":"up"}"#.utf8))
            } catch {
                var body: [UInt8] = Array(#"{"status":"unavailable","database":"down","error":"#.utf8)
                JSONText.appendQuoted(error.description, to: &body)
                body.append(UInt8(ascii: "}"))
                response = .json(status: 503, body: body)
            }
            if !includeBody { response.body = [] }
            writer.write(response)
        }
    }
}
