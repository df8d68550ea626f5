import HTTPServer

/// `GET /api/langsmith/info`, no key needed (as LangSmith's own): what the LangSmith SDK reads before it traces.
/// `batch_ingest_config` keeps it on the multipart route with this collector's limits (runs and bytes per request);
/// `instance_flags` says zstd is off, so the SDK sends its multipart bodies uncompressed.
struct LangSmithInfoEndpoint: Endpoint {
    let maxRunsPerRequest: Int
    let maxBodyBytes: Int
    /// Bodies are ignored, but one within the usual limit is read, so a wrong method still gets its 405.
    let bodyLimit: Int
    let path = "/api/langsmith/info"
    let methods = ["GET"]
    let requiredScope: KeyScope? = nil

    func checkContentType(_ head: HTTPRequestHead) -> APIError? { nil }

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        writer.write(.json(status: 200, body: body))
    }

    /// The SDK takes `batch_ingest_config` as a whole when it is sent, so every key it reads is here; the
    /// scale-up and scale-down values are its own defaults.
    var body: [UInt8] {
        Array("""
            {"version":"0.0.0","batch_ingest_config":{"use_multipart_endpoint":true,"size_limit":\(maxRunsPerRequest),\
            "size_limit_bytes":\(maxBodyBytes),"scale_up_qsize_trigger":200,"scale_up_nthreads_limit":32,\
            "scale_down_nempty_trigger":4},"instance_flags":{"zstd_compression_enabled":false}}
            """.utf8)
    }
}
