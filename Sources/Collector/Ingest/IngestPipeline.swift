import HTTPServer
import Postgres

/// What every ingest route shares once its decoder has produced validated events: the host's rate limit, the
/// group-commit queue, and the answer once the events are committed or spooled. A host over its rate limit
/// gets 429 and nothing is written; answers carry the host's remaining allowance.
struct IngestPipeline: Sendable {
    let rateLimiter: RateLimiter
    let queue: IngestWriter
    let metrics: SelfMetrics
    let retryAfterSeconds: Int

    func submit(
        _ batch: EventBatch, writer: ResponseWriter,
        success: @escaping @Sendable (_ inserted: Int, _ duplicates: Int) -> HTTPResponse,
        spooled: @escaping @Sendable (_ events: Int) -> HTTPResponse = { events in
            .json(status: 202, body: Array(#"{"spooled":\#(events)}"#.utf8))
        }
    ) {
        var writer = writer
        if rateLimiter.isEnabled {
            let decision = rateLimiter.take(batch.count, for: batch.hostID)
            let limit = String(rateLimiter.eventsPerMinute)
            let remaining = String(decision.remaining)
            guard decision.allowed else {
                metrics.rejected(events: batch.count, reason: "rate_limited")
                var error = APIError(429, "rate_limited",
                                     "this host sent more than \(limit) events in a minute; retry in \(decision.retryAfterSeconds) s")
                error.headers = [("Retry-After", String(decision.retryAfterSeconds)), ("X-RateLimit-Limit", limit),
                                 ("X-RateLimit-Remaining", remaining)]
                return writer.write(error.response)
            }
            let inner = writer
            writer = ResponseWriter { response in
                var response = response
                response.headers.add(name: "X-RateLimit-Limit", value: limit)
                response.headers.add(name: "X-RateLimit-Remaining", value: remaining)
                inner.write(response)
            }
        }
        metrics.batch(events: batch.count)
        if batch.count == 0 {
            return writer.write(success(0, batch.duplicatesWithinRequest))
        }
        let metrics = metrics
        let retryAfterSeconds = retryAfterSeconds
        let accepted = queue.submit(batch) { [writer] result in
            switch result {
            case .committed(let inserted, let duplicates):
                metrics.committed(inserted: inserted, duplicates: duplicates)
                writer.write(success(inserted, duplicates))
            case .spooled(let events):
                metrics.spooled(events: events)
                writer.write(spooled(events))
            case .failed(let error) where error.isTransient:
                metrics.rejected(events: batch.count, reason: "database")
                writer.write(APIError.databaseUnavailable(retryAfter: retryAfterSeconds).response)
            case .failed:
                metrics.rejected(events: batch.count, reason: "database")
                writer.write(APIError(500, "database_error", "the database refused the batch; nothing was stored").response)
            }
        }
        if !accepted {
            metrics.rejected(events: batch.count, reason: "overloaded")
            writer.write(APIError.unavailable("the collector is busy; nothing was stored, retry shortly",
                                              retryAfter: retryAfterSeconds).response)
        }
    }
}
