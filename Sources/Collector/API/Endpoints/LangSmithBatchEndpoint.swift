import HTTPServer

/// `POST /api/langsmith/runs/batch`: `{"post": [runs], "patch": [runs]}`, the LangSmith SDK's JSON route.
struct LangSmithBatchEndpoint: Endpoint {
    let decoder: LangSmithRunDecoder
    let bodyLimit: Int
    let store: LangSmithRunStore
    let path = "/api/langsmith/runs/batch"
    let methods = ["POST"]

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        guard let runs = RequestBody.decode(request, limit: bodyLimit, answeringErrorsTo: writer, { body throws(ValidationError) in
            try decoder.batch(body)
        }) else { return }
        store.store(runs, caller: caller, writer: writer)
    }
}
