import HTTPServer
import Postgres

/// What the LangSmith run routes share once a body is decoded into runs: one upsert on a database worker
/// (`RunUpsert`), answered 202 with how many runs were stored, 400 naming a patch that cannot be placed, or 503 with
/// `Retry-After` while PostgreSQL is away (the SDK retries).
struct LangSmithRunStore: Sendable {
    let database: DatabaseWork

    func store(_ runs: LangSmithRunDecoder.Runs, caller: Caller, writer: ResponseWriter) {
        guard !runs.isEmpty else { return writer.write(Self.accepted(0)) }
        database.write("LangSmith runs", writer: writer, refusal: "the database refused the runs; nothing was stored") {
            connection throws(PostgresError) in
            switch try RunUpsert.store(runs, hostID: caller.hostID, on: connection) {
            case .stored(let count):
                return Self.accepted(count)
            case .unplaced(let id):
                return APIError(400, "unknown_run", "run \(id) is patched without dotted_order or start_time and is not "
                                + "stored yet: send its post first, or the patch with its dotted_order; nothing was stored",
                                field: id).response
            }
        }
    }

    static func accepted(_ count: Int) -> HTTPResponse {
        .json(status: 202, body: Array(#"{"stored":\#(count)}"#.utf8))
    }
}
