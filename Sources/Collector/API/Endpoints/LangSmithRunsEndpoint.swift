import HTTPServer
import Postgres

/// What the LangSmith run routes share once a body is decoded into runs: one upsert on a database worker
/// (`RunUpsert`), answered 202 with how many runs were stored, 400 naming a patch that cannot be placed, or 503 with
/// `Retry-After` while PostgreSQL is away (the SDK retries).
struct LangSmithRunStore: Sendable {
    let database: DatabaseWork

    func store(_ runs: LangSmithRunDecoder.Runs, caller: Caller, writer: ResponseWriter) {
        guard !runs.isEmpty else { return writer.write(Self.accepted(0)) }
        database.write("LangSmith runs", writer: writer, refusal: "the database refused the runs; nothing was stored") {
            connection throws(PostgresError) in
            switch try RunUpsert.store(runs, hostID: caller.hostID, on: connection) {
            case .stored(let count):
                return Self.accepted(count)
            case .unplaced(let id):
                return APIError(400, "unknown_run", "run \(id) is patched without dotted_order or start_time and is not "
                                + "stored yet: send its post first, or the patch with its dotted_order; nothing was stored",
                                field: id).response
            }
        }
    }

    static func accepted(_ count: Int) -> HTTPResponse {
        .json(status: 202, body: Array(#"{"stored":\#(count)}"#.utf8))
    }
}

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

/// `POST /api/langsmith/runs/multipart`: the SDK's default route, a `multipart/form-data` body of run parts (see
/// `LangSmithRunDecoder.multipart`). gzip and deflate are undone; zstd is refused with 415, and `/info` tells the
/// SDK not to use it.
struct LangSmithMultipartEndpoint: Endpoint {
    let decoder: LangSmithRunDecoder
    let bodyLimit: Int
    let store: LangSmithRunStore
    let path = "/api/langsmith/runs/multipart"
    let methods = ["POST"]

    func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        let types = head.headers.values("Content-Type")
        guard types.count == 1, MediaType(types[0]) == .multipartFormData else {
            return APIError(415, "unsupported_media_type",
                            "send the runs as multipart/form-data with a boundary, as the LangSmith SDK does")
        }
        return nil
    }

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        guard let boundary = request.head.headers["Content-Type"].flatMap(MultipartForm.boundary(ofContentType:)) else {
            return writer.write(APIError(400, "invalid_multipart", "the Content-Type multipart/form-data needs a boundary "
                                         + "parameter of 1 to \(MultipartForm.maxBoundaryLength) characters").response)
        }
        guard let runs = RequestBody.decode(request, limit: bodyLimit, answeringErrorsTo: writer, { body throws(ValidationError) in
            try decoder.multipart(body, boundary: boundary)
        }) else { return }
        store.store(runs, caller: caller, writer: writer)
    }
}
