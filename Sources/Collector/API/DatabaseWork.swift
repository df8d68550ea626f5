import HTTPServer
import Logging
import Postgres
import Threads

/// Requests that need PostgreSQL outside the group-commit writer (transcripts, metric points, health) run their
/// blocking work here, on a database worker thread, and answer the same way when it fails: 503 with `Retry-After`
/// while PostgreSQL is away or the queue is full, 500 when it refuses for good.
struct DatabaseWork: Sendable {
    let workers: WorkerPool
    let pool: ConnectionPool
    let retryAfterSeconds: Int
    let logger: Logger

    /// Runs a blocking job on a worker thread; answers 503 itself when the queue is full.
    func submit(writer: ResponseWriter, _ job: @escaping @Sendable () -> Void) {
        if !workers.submit(job) {
            writer.write(APIError.unavailable("the collector is busy; retry shortly", retryAfter: retryAfterSeconds).response)
        }
    }

    /// Runs `body` with a connection on a worker and answers with what it returns. While PostgreSQL is away the
    /// answer is `whenAway(error)`, 503 by default; when it refuses `what` for good, 500 with `refusal`.
    func write(
        _ what: String, writer: ResponseWriter, refusal: String,
        whenAway: @escaping @Sendable (PostgresError) -> HTTPResponse? = { _ in nil },
        _ body: @escaping @Sendable (PostgresConnection) throws(PostgresError) -> HTTPResponse
    ) {
        submit(writer: writer) { [self] in
            do throws(PostgresError) {
                writer.write(try pool.withConnection(body))
            } catch where error.isTransient {
                writer.write(whenAway(error) ?? unavailable.response)
            } catch {
                logger.error("\(what) refused by PostgreSQL", metadata: ["error": "\(error)"])
                writer.write(APIError(500, "database_error", refusal).response)
            }
        }
    }

    /// Runs a read query (on the read API's own workers and connections) and answers with what it returns.
    func read(_ what: String, writer: ResponseWriter,
              _ body: @escaping @Sendable (PostgresConnection) throws(PostgresError) -> HTTPResponse) {
        submit(writer: writer) { [self] in
            do throws(PostgresError) {
                writer.write(try pool.withConnection(body))
            } catch {
                writer.write(readFailure(error, what: what))
            }
        }
    }

    /// The answer to a read PostgreSQL stopped: 503 `query_timeout` when READ_STATEMENT_TIMEOUT_SECONDS ran out
    /// (which asks for less rather than later), 503 while PostgreSQL is away, else 500.
    func readFailure(_ error: PostgresError, what: String) -> HTTPResponse {
        if case .server("57014", _) = error {
            return APIError(503, "query_timeout", "the \(what) took longer than READ_STATEMENT_TIMEOUT_SECONDS allows; "
                            + "ask for a shorter time range or filter by host").response
        }
        if error.isTransient { return unavailable.response }
        logger.error("\(what) refused by PostgreSQL", metadata: ["error": "\(error)"])
        return APIError(500, "database_error", "the database refused the \(what)").response
    }

    var unavailable: APIError { .databaseUnavailable(retryAfter: retryAfterSeconds) }
}
