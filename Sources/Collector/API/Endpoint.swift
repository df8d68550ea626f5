import HTTPServer
import JSON
import Logging
import Postgres
import Threads

/// One route of the API. The responder finds it by path, checks the method, the content type and (when
/// `requiresKey`) the API key, then calls `handle` with the key's host.
protocol Endpoint: Sendable {
    var path: String { get }
    /// Methods in the order `Allow` lists them.
    var methods: [String] { get }
    var requiresKey: Bool { get }
    func bodyLimit(_ settings: Settings) -> Int
    /// nil when the body's type is acceptable, else the error to answer with.
    func checkContentType(_ head: HTTPRequestHead) -> APIError?
    func handle(_ request: HTTPRequest, host: String?, writer: ResponseWriter)
}

extension Endpoint {
    var requiresKey: Bool { true }

    func bodyLimit(_ settings: Settings) -> Int { settings.maxBodyBytes }

    /// JSON bodies: `application/json` with any parameters, or no Content-Type at all.
    func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        let types = head.headers.values("Content-Type")
        guard types.count <= 1 else {
            return APIError(400, "invalid_content_type", "send one Content-Type header, not \(types.count)")
        }
        guard let type = types.first, !MediaType.isJSON(type) else { return nil }
        return APIError(415, "unsupported_media_type", "send the body as application/json, not \(type)")
    }
}

/// The parts of the running collector that endpoints share.
struct CollectorContext: Sendable {
    let settings: Settings
    let keys: KeyStore
    let ingest: IngestWriter
    let rateLimiter: RateLimiter
    let metrics: Metrics
    /// nil when SPOOL_MAX_BYTES is 0.
    let spool: DiskSpool?
    let pool: ConnectionPool
    let workers: WorkerPool
    let logger: Logger
    let jsonLimits: JSONLimits

    /// Runs a blocking database job on a worker thread; answers 503 itself when the queue is full.
    func onWorker(writer: ResponseWriter, _ job: @escaping @Sendable () -> Void) {
        if !workers.submit(job) {
            writer.write(APIError.unavailable("the collector is busy; retry shortly", retryAfter: settings.retryAfterSeconds).response)
        }
    }

    var unavailable: APIError {
        .unavailable("the database is unavailable; nothing was stored, retry shortly", retryAfter: settings.retryAfterSeconds)
    }
}

enum MediaType {
    /// `application/json`, with or without parameters such as `charset=utf-8`.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingWhitespace().lowercased() == "application/json"
    }
}
