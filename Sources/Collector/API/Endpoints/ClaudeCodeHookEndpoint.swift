import HTTPServer

/// `POST /api/v1/hooks/claude-code`: the target of Claude Code's `"type": "http"` hooks. Each call becomes one
/// event (see `ClaudeCodeHookDecoder`), answered once it is stored with a 200 and an empty body, the one answer
/// that changes nothing in Claude Code: it adds a plain-text body to the conversation and reads a JSON body as a
/// decision. Errors are JSON as everywhere else; Claude Code logs them and carries on.
struct ClaudeCodeHookEndpoint: Endpoint {
    let context: CollectorContext
    let decoder: ClaudeCodeHookDecoder
    let path = "/api/v1/hooks/claude-code"
    let methods = ["POST"]

    init(context: CollectorContext) {
        self.context = context
        decoder = ClaudeCodeHookDecoder(fieldMaxBytes: context.settings.hookFieldMaxBytes, jsonLimits: context.jsonLimits)
    }

    func handle(_ request: HTTPRequest, host: String?, writer: ResponseWriter) {
        let batch: EventBatch
        do {
            let body = try ContentEncoding.decodedBody(request, limit: bodyLimit(context.settings))
            batch = try decoder.decode(body, hostID: host ?? "", receivedAt: Timestamp.nowMicrosecondsSince2000())
        } catch {
            return writer.write(error.response)
        }
        context.ingest(batch, writer: writer, success: { _, _ in Self.stored }, spooled: { _ in Self.stored })
    }

    static let stored = HTTPResponse(status: 200)
}
