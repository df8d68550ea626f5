import HTTPServer
import Postgres

/// `POST /api/v1/telemetry/batch`: 1 to 100 events, all stored in one transaction or none.
struct BatchEndpoint: Endpoint {
    let context: CollectorContext
    let decoder: EventDecoder
    let path = "/api/v1/telemetry/batch"
    let methods = ["POST"]

    init(context: CollectorContext) {
        self.context = context
        decoder = EventDecoder(maxEvents: context.settings.maxEventsPerBatch, jsonLimits: context.jsonLimits)
    }

    func handle(_ request: HTTPRequest, host: String?, writer: ResponseWriter) {
        let batch: EventBatch
        do {
            batch = try decoder.decode(ContentEncoding.decodedBody(request, limit: context.settings.maxBodyBytes),
                                       hostID: host ?? "")
        } catch {
            return writer.write(error.response)
        }
        context.ingest(batch, writer: writer) { inserted, duplicates in
            .json(status: 200, body: Array(#"{"inserted":\#(inserted),"duplicates":\#(duplicates)}"#.utf8))
        }
    }
}

extension CollectorContext {
    /// Hands validated events to the group-commit writer and answers once they are committed or spooled;
    /// a host over its rate limit gets 429 and nothing is written. Answers carry the host's remaining allowance.
    func ingest(
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
        let accepted = ingest.submit(batch) { [self, writer] result in
            switch result {
            case .committed(let inserted, let duplicates):
                metrics.committed(inserted: inserted, duplicates: duplicates)
                writer.write(success(inserted, duplicates))
            case .spooled(let events):
                metrics.spooled(events: events)
                writer.write(spooled(events))
            case .failed(let error) where error.isTransient:
                metrics.rejected(events: batch.count, reason: "database")
                writer.write(unavailable.response)
            case .failed:
                metrics.rejected(events: batch.count, reason: "database")
                writer.write(APIError(500, "database_error", "the database refused the batch; nothing was stored").response)
            }
        }
        if !accepted {
            metrics.rejected(events: batch.count, reason: "overloaded")
            writer.write(APIError.unavailable("the collector is busy; nothing was stored, retry shortly",
                                              retryAfter: settings.retryAfterSeconds).response)
        }
    }
}
