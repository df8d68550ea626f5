import HTTPServer

/// The metrics port's only route: `GET /metrics` in the Prometheus text format.
struct MetricsResponder: HTTPResponder {
    let render: @Sendable () -> String

    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        guard request.head.path == "/metrics" else {
            return writer.write(APIError(404, "not_found", "the metrics port serves /metrics only").response)
        }
        guard request.head.method == "GET" || request.head.method == "HEAD" else {
            var error = APIError(405, "method_not_allowed", "/metrics accepts GET, HEAD")
            error.headers = [("Allow", "GET, HEAD")]
            return writer.write(error.response)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
        writer.write(HTTPResponse(status: 200, headers: headers, body: Array(render().utf8)))
    }
}
