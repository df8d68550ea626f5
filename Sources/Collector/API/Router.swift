import HTTPServer
import Logging
import TextFormats

/// The API's front door: finds the endpoint, checks method, content type and key, then hands the request on.
/// Answers come back later from writer and worker threads through the `ResponseWriter`.
final class Router: HTTPResponder {
    private let endpoints: [String: any Endpoint]
    private let keys: KeyStore
    private let observer: RequestObserver

    init(endpoints: [any Endpoint], keys: KeyStore, observer: RequestObserver) {
        self.endpoints = Dictionary(uniqueKeysWithValues: endpoints.map { ($0.path, $0) })
        self.keys = keys
        self.observer = observer
    }

    func bodyLimit(for head: HTTPRequestHead) -> Int? {
        endpoints[head.path]?.bodyLimit
    }

    func response(for refusal: ServerRefusal) -> HTTPResponse {
        APIError(refusal).response
    }

    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        let head = request.head
        let endpoint = endpoints[head.path]
        let writer = observer.observe(writer, request: head, route: endpoint?.path ?? "unknown")
        guard let endpoint else {
            return writer.write(APIError(404, "not_found", "no such endpoint: \(head.path)").response)
        }
        guard endpoint.methods.contains(head.method) else {
            let allowed = endpoint.methods.joined(separator: ", ")
            var error = APIError(405, "method_not_allowed", "\(head.path) accepts \(allowed)")
            error.headers = [("Allow", allowed)]
            return writer.write(error.response)
        }
        if let error = endpoint.checkContentType(head) { return writer.write(error.response) }
        guard endpoint.requiresKey else { return endpoint.handle(request, caller: .anonymous, writer: writer) }
        guard let key = Self.apiKey(in: head.headers) else {
            return writer.write(APIError(401, "missing_api_key", Self.missingKeyMessage).response)
        }
        guard let host = keys.host(forKey: key.utf8) else {
            return writer.write(APIError(401, "invalid_api_key", Self.unknownKeyMessage).response)
        }
        endpoint.handle(request, caller: .host(host), writer: writer)
    }

    static let missingKeyMessage = "send the host's API key in the X-API-Key header (or as Authorization: Bearer <key>); "
        + "the collector's operator makes one per host with `collector keys create --host <name>`"
    static let unknownKeyMessage = "the API key is unknown or revoked: check the key this host sends in X-API-Key, "
        + "or ask the collector's operator for a new one (`collector keys create --host <name>`)"

    /// Longest key taken from a header; real keys are 64 characters.
    static let maxKeyBytes = 256

    /// The key from `X-API-Key`, or from `Authorization: Bearer <key>`.
    static func apiKey(in headers: HTTPHeaders) -> String? {
        if let key = headers["X-API-Key"]?.trimmingSpacesAndTabs(), !key.isEmpty, key.utf8.count <= maxKeyBytes {
            return String(key)
        }
        if let authorization = headers["Authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let key = parts[1].trimmingSpacesAndTabs()
                if !key.isEmpty && key.utf8.count <= maxKeyBytes { return String(key) }
            }
        }
        return nil
    }
}
