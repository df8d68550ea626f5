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
            batch = try decoder.decode(request.body, hostID: host ?? "")
        } catch {
            return writer.write(error.response)
        }
        context.ingest(batch, writer: writer) { inserted, duplicates in
            .json(status: 200, body: Array(#"{"inserted":\#(inserted),"duplicates":\#(duplicates)}"#.utf8))
        }
    }
}

extension CollectorContext {
    /// Hands validated events to the group-commit writer and answers once they are committed or spooled.
    func ingest(
        _ batch: EventBatch, writer: ResponseWriter,
        success: @escaping @Sendable (_ inserted: Int, _ duplicates: Int) -> HTTPResponse,
        spooled: @escaping @Sendable (_ events: Int) -> HTTPResponse = { events in
            .json(status: 202, body: Array(#"{"spooled":\#(events)}"#.utf8))
        }
    ) {
        if batch.count == 0 {
            return writer.write(success(0, batch.duplicatesWithinRequest))
        }
        let accepted = ingest.submit(batch) { [self] result in
            switch result {
            case .committed(let inserted, let duplicates):
                writer.write(success(inserted, duplicates))
            case .spooled(let events):
                writer.write(spooled(events))
            case .failed(let error) where error.isTransient:
                writer.write(unavailable.response)
            case .failed:
                writer.write(APIError(500, "database_error", "the database refused the batch; nothing was stored").response)
            }
        }
        if !accepted {
            writer.write(APIError.unavailable("the collector is busy; nothing was stored, retry shortly",
                                              retryAfter: settings.retryAfterSeconds).response)
        }
    }
}
