import HTTPServer
import Threads

/// The private metrics port: `GET /metrics` in the Prometheus text format, and `GET /health` with the detail the
/// public health answer leaves out (why PostgreSQL is unreachable).
struct MetricsResponder: HTTPResponder {
    let render: @Sendable () -> String
    let health: HealthCheck
    let workers: WorkerPool
    let retryAfterSeconds: Int

    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        guard request.head.path == "/metrics" || request.head.path == "/health" else {
            return writer.write(APIError(404, "not_found", "the metrics port serves /metrics and /health").response)
        }
        guard request.head.method == "GET" || request.head.method == "HEAD" else {
            var error = APIError(405, "method_not_allowed", "\(request.head.path) accepts GET, HEAD")
            error.headers = [("Allow", "GET, HEAD")]
            return writer.write(error.response)
        }
        if request.head.path == "/health" {
            let accepted = workers.submit { [health] in
                let report = health.run()
                writer.write(HTTPResponse.json(status: report.httpStatus, body: report.json(detailed: true)))
            }
            if !accepted { writer.write(APIError.unavailable("the collector is busy; retry shortly", retryAfter: retryAfterSeconds).response) }
            return
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
        writer.write(HTTPResponse(status: 200, headers: headers, body: Array(render().utf8)))
    }

    func response(for refusal: ServerRefusal) -> HTTPResponse {
        APIError(refusal).response
    }
}
