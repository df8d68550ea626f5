import HTTPServer
import JSON
import Logging
import Postgres
import Threads

/// The API: routes each request, authenticates it, validates its body and hands it on; answers come back
/// from writer and worker threads through the `ResponseWriter`.
final class CollectorResponder: HTTPResponder {
    static let batchPath = "/api/v1/telemetry/batch"
    static let transcriptPath = "/api/v1/transcript"
    static let healthPath = "/api/v1/health"

    private let settings: Settings
    private let keys: KeyStore
    private let ingest: IngestWriter
    private let pool: ConnectionPool
    private let workers: WorkerPool
    private let decoder: EventDecoder
    private let jsonLimits: JSONLimits
    private let logger: Logger

    init(settings: Settings, keys: KeyStore, ingest: IngestWriter, pool: ConnectionPool, workers: WorkerPool,
         logger: Logger) {
        self.settings = settings
        self.keys = keys
        self.ingest = ingest
        self.pool = pool
        self.workers = workers
        self.logger = logger
        jsonLimits = JSONLimits(maxDepth: settings.maxJSONDepth)
        decoder = EventDecoder(maxEvents: settings.maxEventsPerBatch, jsonLimits: jsonLimits)
    }

    func bodyLimit(for head: HTTPRequestHead) -> Int? {
        head.path == Self.transcriptPath ? settings.maxTranscriptBytes : settings.maxBodyBytes
    }

    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        let head = request.head
        let allowed: String
        switch head.path {
        case Self.batchPath, Self.transcriptPath: allowed = "POST"
        case Self.healthPath: allowed = "GET, HEAD"
        default:
            return writer.write(APIError(404, "not_found", "no such endpoint: \(head.path)").response)
        }
        guard allowed.split(separator: ",").contains(where: { $0.drop(while: { $0 == " " }) == head.method }) else {
            var error = APIError(405, "method_not_allowed", "\(head.path) accepts \(allowed)")
            error.headers = [("Allow", allowed)]
            return writer.write(error.response)
        }
        if head.path == Self.healthPath { return health(writer: writer, includeBody: head.method == "GET") }
        if let type = head.headers["Content-Type"], !Self.isJSON(type) {
            return writer.write(APIError(415, "unsupported_media_type",
                                         "send the body as application/json, not \(type)").response)
        }
        guard let key = Self.apiKey(in: head.headers) else {
            return writer.write(APIError(401, "missing_api_key",
                                         "send the host's API key in the X-API-Key header").response)
        }
        keys.host(forKey: key.utf8) { [self] outcome in
            switch outcome {
            case .host(let host):
                if head.path == Self.batchPath {
                    ingestBatch(request.body, host: host, writer: writer)
                } else {
                    saveTranscript(request.body, host: host, writer: writer)
                }
            case .unknown:
                writer.write(APIError(401, "invalid_api_key", "the API key is unknown or revoked").response)
            case .unavailable(let reason):
                logger.warning("key check failed", metadata: ["reason": "\(reason)"])
                writer.write(APIError.unavailable("the database is unavailable; retry shortly",
                                                  retryAfter: settings.retryAfterSeconds).response)
            }
        }
    }

    private func ingestBatch(_ body: [UInt8], host: String, writer: ResponseWriter) {
        let batch: EventBatch
        do {
            batch = try decoder.decode(body, hostID: host)
        } catch {
            return writer.write(error.response)
        }
        if batch.count == 0 {
            return writer.write(Self.batchResponse(inserted: 0, duplicates: batch.duplicatesWithinRequest))
        }
        let accepted = ingest.submit(batch) { [settings] result in
            switch result {
            case .committed(let inserted, let duplicates):
                writer.write(Self.batchResponse(inserted: inserted, duplicates: duplicates))
            case .failed(let error) where error.isTransient:
                writer.write(APIError.unavailable("the database is unavailable; nothing was stored, retry shortly",
                                                  retryAfter: settings.retryAfterSeconds).response)
            case .failed:
                writer.write(APIError(500, "database_error", "the database refused the batch; nothing was stored").response)
            }
        }
        if !accepted {
            writer.write(APIError.unavailable("the collector is busy; nothing was stored, retry shortly",
                                              retryAfter: settings.retryAfterSeconds).response)
        }
    }

    private func saveTranscript(_ body: [UInt8], host: String, writer: ResponseWriter) {
        let upload: TranscriptUpload
        do {
            upload = try TranscriptUpload.decode(body, hostID: host, limits: jsonLimits)
        } catch {
            return writer.write(error.response)
        }
        let submitted = workers.submit { [pool, settings, logger] in
            do throws(PostgresError) {
                let created = try pool.withConnection { connection throws(PostgresError) in try upload.save(on: connection) }
                var out: [UInt8] = Array(#"{"sessionId":"#.utf8)
                JSONText.appendQuoted(upload.sessionID, to: &out)
                out.append(contentsOf: #","created":\#(created)}"#.utf8)
                writer.write(.json(status: 200, body: out))
            } catch where error.isTransient {
                writer.write(APIError.unavailable("the database is unavailable; retry shortly",
                                                  retryAfter: settings.retryAfterSeconds).response)
            } catch {
                logger.error("transcript refused by PostgreSQL", metadata: ["error": "\(error)"])
                writer.write(APIError(500, "database_error", "the database refused the transcript").response)
            }
        }
        if !submitted {
            writer.write(APIError.unavailable("the collector is busy; retry shortly",
                                              retryAfter: settings.retryAfterSeconds).response)
        }
    }

    private func health(writer: ResponseWriter, includeBody: Bool) {
        let submitted = workers.submit { [pool] in
            var response: HTTPResponse
            do throws(PostgresError) {
                _ = try pool.withConnection { connection throws(PostgresError) in
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
        if !submitted {
            writer.write(.json(status: 503, body: Array(#"{"status":"unavailable","error":"busy"}"#.utf8)))
        }
    }

    static func batchResponse(inserted: Int, duplicates: Int) -> HTTPResponse {
        .json(status: 200, body: Array(#"{"inserted":\#(inserted),"duplicates":\#(duplicates)}"#.utf8))
    }

    /// `application/json`, with or without parameters such as `charset=utf-8`.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingWhitespace().lowercased() == "application/json"
    }

    /// The key from `X-API-Key`, or from `Authorization: Bearer <key>`.
    static func apiKey(in headers: HTTPHeaders) -> String? {
        if let key = headers["X-API-Key"]?.trimmingWhitespace(), !key.isEmpty, key.utf8.count <= 256 {
            return String(key)
        }
        if let authorization = headers["Authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let key = parts[1].trimmingWhitespace()
                if !key.isEmpty && key.utf8.count <= 256 { return String(key) }
            }
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> SubSequence {
        let start = firstIndex(where: { $0 != " " && $0 != "\t" }) ?? endIndex
        let end = lastIndex(where: { $0 != " " && $0 != "\t" }).map { index(after: $0) } ?? start
        return end > start ? self[start..<end] : self[start..<start]
    }
}
