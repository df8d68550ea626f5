import HTTPServer
import Postgres

/// `GET /api/v1/export` for read keys: every event of a time range (one host's or all), as NDJSON or CSV,
/// streamed with chunked transfer encoding in constant memory.
struct ExportEndpoint: Endpoint {
    let reads: DatabaseWork
    let maxRangeDays: Int
    let bodyLimit: Int
    let path = "/api/v1/export"
    let methods = ["GET"]
    let requiredScope: KeyScope? = .read

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        let query: ExportQuery
        do {
            query = try ExportQuery(request.head.query, now: TimeRange.now, maxDays: maxRangeDays)
        } catch {
            return writer.write(APIError(error).response)
        }
        // The cursor is opened and its first batch read before the head is sent, so that a failure to start is
        // an ordinary error answer; a failure later cuts the body short. The connection stays with the stream.
        reads.submit(writer: writer) { [reads] in
            let connection: PostgresConnection
            do throws(PostgresError) {
                connection = try reads.pool.acquire()
            } catch {
                return writer.write(reads.readFailure(error, what: "export"))
            }
            do throws(PostgresError) {
                try query.open(on: connection)
                let first = query.preamble + (try query.fetch(on: connection))
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: query.format.contentType)
                headers.add(name: "Content-Disposition", value: "attachment; filename=\"events.\(query.format.rawValue)\"")
                writer.write(HTTPResponse(status: 200, headers: headers,
                                          producer: ExportStream(query: query, connection: connection, first: first, reads: reads)))
            } catch {
                reads.pool.release(connection)
                writer.write(reads.readFailure(error, what: "export"))
            }
        }
    }
}
