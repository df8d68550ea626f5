import HTTPServer

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
