import HTTPServer
import Logging

/// `GET /api/v1/health`, no key needed: `ok` (200) when a database round trip succeeds and the spool is empty;
/// `degraded` (200) while the spool holds records, the database being away or catching up, since accepted
/// events are safe on disk; `unavailable` (503) when the database is away and nothing can be spooled. Why the
/// database is away is not told here, to anyone on the internet: it is logged, and the metrics port's `/health`
/// says it.
struct HealthEndpoint: Endpoint {
    let check: HealthCheck
    let database: DatabaseWork
    /// Bodies are ignored, but one within the usual limit is read, so a wrong method still gets its 405.
    let bodyLimit: Int
    let logger: Logger
    let path = "/api/v1/health"
    let methods = ["GET", "HEAD"]
    let requiredScope: KeyScope? = nil

    func checkContentType(_ head: HTTPRequestHead) -> APIError? { nil }

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        database.submit(writer: writer) { [check, logger] in
            let report = check.run()
            if let error = report.databaseError {
                logger.warning("health check: PostgreSQL unreachable", metadata: ["error": "\(error)"])
            }
            writer.write(HTTPResponse.json(status: report.httpStatus, body: report.json(detailed: false)))
        }
    }
}
