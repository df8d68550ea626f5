import HTTPServer
import JSON
import Postgres

/// `POST /api/v1/transcript`: upserts one session's transcript, with its own, larger body limit. While PostgreSQL
/// is away the upload goes to the spool (202) when it has room.
struct TranscriptEndpoint: Endpoint {
    let bodyLimit: Int
    let jsonLimits: JSONLimits
    let database: DatabaseWork
    /// nil when SPOOL_MAX_BYTES is 0.
    let spool: DiskSpool?
    let path = "/api/v1/transcript"
    let methods = ["POST"]

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        guard let upload = RequestBody.decode(request, limit: bodyLimit, answeringErrorsTo: writer, { body throws(ValidationError) in
            try TranscriptUpload.decode(body, hostID: caller.hostID, limits: jsonLimits)
        }) else { return }
        let spool = spool
        database.write("transcript", writer: writer, refusal: "the database refused the transcript", whenAway: { error in
            guard let spool, case .spooled = spool.keep([.transcript(upload)], because: error)[0] else { return nil }
            return Self.answer(upload, status: 202, #","spooled":true}"#)
        }) { connection throws(PostgresError) in
            let created = try upload.save(on: connection)
            return Self.answer(upload, status: 200, #","created":\#(created)}"#)
        }
    }

    /// `{"sessionId": ..., <rest>`, where `rest` closes the object.
    private static func answer(_ upload: TranscriptUpload, status: Int, _ rest: String) -> HTTPResponse {
        var body: [UInt8] = Array(#"{"sessionId":"#.utf8)
        JSONText.appendQuoted(upload.sessionID, to: &body)
        body.append(contentsOf: rest.utf8)
        return .json(status: status, body: body)
    }
}
