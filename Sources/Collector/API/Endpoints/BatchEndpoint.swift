import HTTPServer

/// `POST /api/v1/telemetry/batch`: 1 to `MAX_EVENTS_PER_BATCH` events, all stored in one transaction or none.
struct BatchEndpoint: Endpoint {
    let decoder: EventDecoder
    let bodyLimit: Int
    let pipeline: IngestPipeline
    let path = "/api/v1/telemetry/batch"
    let methods = ["POST"]

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        guard let batch = RequestBody.decode(request, limit: bodyLimit, answeringErrorsTo: writer, { body throws(ValidationError) in
            try decoder.decode(body, hostID: caller.hostID)
        }) else { return }
        pipeline.submit(batch, writer: writer) { inserted, duplicates in
            .json(status: 200, body: Array(#"{"inserted":\#(inserted),"duplicates":\#(duplicates)}"#.utf8))
        }
    }
}
