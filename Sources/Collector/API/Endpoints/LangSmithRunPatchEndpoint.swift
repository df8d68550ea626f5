import HTTPServer

/// `PATCH /api/langsmith/runs/{id}`: the end of one run (outputs, end_time, error), before or after its post.
struct LangSmithRunPatchEndpoint: Endpoint {
    let decoder: LangSmithRunDecoder
    let bodyLimit: Int
    let store: LangSmithRunStore
    let path = "/api/langsmith/runs/{id}"
    let methods = ["PATCH"]

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        // The router matched this path against the same pattern, so the parameter is there.
        let segment = RoutePattern(path).match(request.head.path)?["id"] ?? ""
        guard let id = RunID.parse(segment.utf8) else {
            return writer.write(APIError(400, "invalid_field", "the path must end in the run's id, a UUID, not \(segment)",
                                         field: "id").response)
        }
        guard let runs = RequestBody.decode(request, limit: bodyLimit, answeringErrorsTo: writer, { body throws(ValidationError) in
            try decoder.single(body, kind: .patch, pathID: id)
        }) else { return }
        store.store(runs, caller: caller, writer: writer)
    }
}
