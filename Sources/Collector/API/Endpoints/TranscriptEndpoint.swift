import HTTPServer
import Logging
import JSON
import Postgres

/// `POST /api/v1/transcript`: upserts one session's transcript; its own, larger body limit.
struct TranscriptEndpoint: Endpoint {
    let context: CollectorContext
    let path = "/api/v1/transcript"
    let methods = ["POST"]

    func bodyLimit(_ settings: Settings) -> Int { settings.maxTranscriptBytes }

    func handle(_ request: HTTPRequest, host: String?, writer: ResponseWriter) {
        let upload: TranscriptUpload
        do {
            upload = try TranscriptUpload.decode(
                ContentEncoding.decodedBody(request, limit: context.settings.maxTranscriptBytes), hostID: host ?? "",
                limits: context.jsonLimits)
        } catch {
            return writer.write(error.response)
        }
        context.onWorker(writer: writer) { [context] in
            do throws(PostgresError) {
                let created = try context.pool.withConnection { connection throws(PostgresError) in
                    try upload.save(on: connection)
                }
                var body: [UInt8] = Array(#"{"sessionId":"#.utf8)
                JSONText.appendQuoted(upload.sessionID, to: &body)
                body.append(contentsOf: #","created":\#(created)}"#.utf8)
                writer.write(.json(status: 200, body: body))
            } catch where error.isTransient {
                guard let spool = context.spool, case .spooled = spool.keep([.transcript(upload)], because: error)[0] else {
                    return writer.write(context.unavailable.response)
                }
                var body: [UInt8] = Array(#"{"sessionId":"#.utf8)
                JSONText.appendQuoted(upload.sessionID, to: &body)
                body.append(contentsOf: #","spooled":true}"#.utf8)
                writer.write(.json(status: 202, body: body))
            } catch {
                context.logger.error("transcript refused by PostgreSQL", metadata: ["error": "\(error)"])
                writer.write(APIError(500, "database_error", "the database refused the transcript").response)
            }
        }
    }
}
