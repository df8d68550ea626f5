import HTTPServer

/// `POST /api/langsmith/runs`: one run, as older SDKs and hand-made clients send it.
struct LangSmithRunEndpoint: Endpoint {
    let decoder: LangSmithRunDecoder
    let bodyLimit: Int
    let store: LangSmithRunStore
    let path = "/api/langsmith/runs"
    let methods = ["POST"]

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        guard let runs = RequestBody.decode(request, limit: bodyLimit, answeringErrorsTo: writer, { body throws(ValidationError) in
            try decoder.single(body, kind: .post, pathID: nil)
        }) else { return }
        store.store(runs, caller: caller, writer: writer)
    }
}
