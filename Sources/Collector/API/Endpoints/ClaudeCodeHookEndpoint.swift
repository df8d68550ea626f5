import HTTPServer

/// `POST /api/v1/hooks/claude-code`: the target of Claude Code's `"type": "http"` hooks. Each call becomes one
/// event (see `ClaudeCodeHookDecoder`), answered once it is stored with a 200 and an empty body, the one answer
/// that changes nothing in Claude Code: it adds a plain-text body to the conversation and reads a JSON body as a
/// decision. Errors are JSON as everywhere else; Claude Code logs them and carries on.
struct ClaudeCodeHookEndpoint: Endpoint {
    let decoder: ClaudeCodeHookDecoder
    let bodyLimit: Int
    let pipeline: IngestPipeline
    let path = "/api/v1/hooks/claude-code"
    let methods = ["POST"]

    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
        guard let batch = RequestBody.decode(request, limit: bodyLimit, answeringErrorsTo: writer, { body throws(ValidationError) in
            try decoder.decode(body, hostID: caller.hostID, receivedAt: Timestamp.nowMicrosecondsSince2000())
        }) else { return }
        pipeline.submit(batch, writer: writer, success: { _, _ in Self.stored }, spooled: { _ in Self.stored })
    }

    static let stored = HTTPResponse(status: 200)
}
