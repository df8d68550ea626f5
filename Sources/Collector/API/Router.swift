import CCrypto
import HTTPServer
import Logging
import TextFormats
import Threads

/// The API's front door: finds the endpoint, checks method, content type and key, then hands the request on.
/// Answers come back later from writer and worker threads through the `ResponseWriter`.
final class CollectorResponder: HTTPResponder {
    private let endpoints: [String: any Endpoint]
    private let context: CollectorContext

    init(context: CollectorContext, endpoints: [any Endpoint]) {
        self.context = context
        self.endpoints = Dictionary(uniqueKeysWithValues: endpoints.map { ($0.path, $0) })
    }

    func bodyLimit(for head: HTTPRequestHead) -> Int? {
        endpoints[head.path]?.bodyLimit(context.settings)
    }

    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        let head = request.head
        let route = endpoints[head.path]?.path ?? "unknown"
        let writer = observed(writer, request: head, route: route)
        guard let endpoint = endpoints[head.path] else {
            return writer.write(APIError(404, "not_found", "no such endpoint: \(head.path)").response)
        }
        guard endpoint.methods.contains(head.method) else {
            let allowed = endpoint.methods.joined(separator: ", ")
            var error = APIError(405, "method_not_allowed", "\(head.path) accepts \(allowed)")
            error.headers = [("Allow", allowed)]
            return writer.write(error.response)
        }
        if let error = endpoint.checkContentType(head) { return writer.write(error.response) }
        guard endpoint.requiresKey else { return endpoint.handle(request, host: nil, writer: writer) }
        guard let key = Self.apiKey(in: head.headers) else {
            return writer.write(APIError(401, "missing_api_key", "send the host's API key in the X-API-Key header").response)
        }
        context.keys.host(forKey: key.utf8) { [context] outcome in
            switch outcome {
            case .host(let host):
                endpoint.handle(request, host: host, writer: writer)
            case .unknown:
                writer.write(APIError(401, "invalid_api_key", "the API key is unknown or revoked").response)
            case .unavailable(let reason):
                context.logger.warning("key check failed", metadata: ["reason": "\(reason)"])
                writer.write(APIError.unavailable("the database is unavailable; retry shortly",
                                                  retryAfter: context.settings.retryAfterSeconds).response)
            }
        }
    }

    /// Every answer carries `X-Request-Id` (the client's, or a new one), is counted, and is logged: one line per
    /// request at debug, a warning for each 5xx.
    private func observed(_ writer: ResponseWriter, request head: HTTPRequestHead, route: String) -> ResponseWriter {
        let started = MonotonicClock.now
        let requestID = Self.requestID(from: head.headers["X-Request-Id"])
        let (metrics, logger) = (context.metrics, context.logger)
        return ResponseWriter { response in
            var response = response
            response.headers.add(name: "X-Request-Id", value: requestID)
            let seconds = Double(MonotonicClock.now - started) / 1e9
            metrics.request(route: route, status: response.status, seconds: seconds)
            let metadata: Logger.Metadata = [
                "request_id": "\(requestID)", "method": "\(head.method)", "route": "\(route)",
                "status": "\(response.status)", "duration_ms": "\(Int(seconds * 1000))",
            ]
            if response.status >= 500 {
                logger.warning("request failed", metadata: metadata)
            } else {
                logger.debug("request", metadata: metadata)
            }
            writer.write(response)
        }
    }

    /// A client's request id when it is short and printable (it goes into logs), else a new random one.
    static func requestID(from given: String?) -> String {
        if let given, !given.isEmpty, given.utf8.count <= 128,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return given
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        _ = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, 16) }
        return Hex.string(bytes)
    }

    /// The key from `X-API-Key`, or from `Authorization: Bearer <key>`.
    static func apiKey(in headers: HTTPHeaders) -> String? {
        if let key = headers["X-API-Key"]?.trimmingWhitespace(), !key.isEmpty, key.utf8.count <= 256 {
            return String(key)
        }
        if let authorization = headers["Authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let key = parts[1].trimmingWhitespace()
                if !key.isEmpty && key.utf8.count <= 256 { return String(key) }
            }
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> SubSequence {
        let start = firstIndex(where: { $0 != " " && $0 != "\t" }) ?? endIndex
        let end = lastIndex(where: { $0 != " " && $0 != "\t" }).map { index(after: $0) } ?? start
        return end > start ? self[start..<end] : self[start..<start]
    }
}
