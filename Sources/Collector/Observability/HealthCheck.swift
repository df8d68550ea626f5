import JSON
import Postgres
import Spool

/// Whether the collector can store what it is sent: a database round trip and the spool's state. The public
/// answer says `database: down` and nothing more; why it is down (libpq's message, which names the database's
/// address) goes to the log and to the private metrics port's `/health`.
struct HealthCheck: Sendable {
    let pool: ConnectionPool
    /// nil when SPOOL_MAX_BYTES is 0.
    let spool: DiskSpool?

    struct Report: Sendable {
        /// ok, degraded or unavailable.
        let status: String
        let databaseError: PostgresError?
        let spool: (records: Int, bytes: Int, maxBytes: Int)?

        var httpStatus: Int { status == "unavailable" ? 503 : 200 }

        /// `{"status", "database", "spool"?}`, plus `error` when `detailed`.
        func json(detailed: Bool) -> [UInt8] {
            var body: [UInt8] = Array(#"{"status":"\#(status)","database":"\#(databaseError == nil ? "up" : "down")""#.utf8)
            if let spool {
                body.append(contentsOf: #","spool":{"records":\#(spool.records),"bytes":\#(spool.bytes),"maxBytes":\#(spool.maxBytes)}"#.utf8)
            }
            if detailed, let databaseError {
                body.append(contentsOf: #","error":"#.utf8)
                JSONText.appendQuoted(databaseError.description, to: &body)
            }
            body.append(UInt8(ascii: "}"))
            return body
        }
    }

    /// Blocks for a round trip: run it on a worker thread.
    func run() -> Report {
        var databaseError: PostgresError?
        do throws(PostgresError) {
            _ = try pool.withConnection { connection throws(PostgresError) in try connection.execute("SELECT 1") }
        } catch {
            databaseError = error
        }
        let journal = spool?.journal
        let spoolHasRoom = spool?.canTakeMore ?? false
        let status = databaseError == nil
            ? (journal?.isEmpty ?? true ? "ok" : "degraded")
            : (spoolHasRoom ? "degraded" : "unavailable")
        return Report(status: status, databaseError: databaseError,
                      spool: journal.map { ($0.pendingRecords, $0.pendingBytes, $0.maxBytes) })
    }
}
