import HTTPServer
import JSON
import Postgres
import Spool

/// `GET /api/v1/health`, no key needed: `ok` (200) when a database round trip succeeds and the spool is empty;
/// `degraded` (200) while the spool holds records, the database being away or catching up, since accepted
/// events are safe on disk; `unavailable` (503) when the database is away and nothing can be spooled.
struct HealthEndpoint: Endpoint {
    let database: DatabaseWork
    /// nil when SPOOL_MAX_BYTES is 0.
    let spool: DiskSpool?
    let path = "/api/v1/health"
    let methods = ["GET", "HEAD"]
    /// Bodies are ignored, but one within the usual limit is read, so a wrong method still gets its 405.
    let bodyLimit: Int
    let requiresKey = false

    func checkContentType(_ head: HTTPRequestHead) -> APIError? { nil }

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        database.submit(writer: writer) { [database, spool] in
            var databaseError: PostgresError?
            do throws(PostgresError) {
                _ = try database.pool.withConnection { connection throws(PostgresError) in
                    try connection.execute("SELECT 1")
                }
            } catch {
                databaseError = error
            }
            let journal = spool?.journal
            let spoolHasRoom = journal.map { $0.pendingBytes < $0.maxBytes } ?? false
            let status = databaseError == nil
                ? (journal?.isEmpty ?? true ? "ok" : "degraded")
                : (spoolHasRoom ? "degraded" : "unavailable")
            var body: [UInt8] = Array(#"{"status":"\#(status)","database":"\#(databaseError == nil ? "up" : "down")""#.utf8)
            if let journal {
                body.append(contentsOf: #","spool":{"records":\#(journal.pendingRecords),"bytes":\#(journal.pendingBytes),"maxBytes":\#(journal.maxBytes)}"#.utf8)
            }
            if let databaseError {
                body.append(contentsOf: #","error":"#.utf8)
                JSONText.appendQuoted(databaseError.description, to: &body)
            }
            body.append(UInt8(ascii: "}"))
            writer.write(HTTPResponse.json(status: status == "unavailable" ? 503 : 200, body: body))
        }
    }
}
