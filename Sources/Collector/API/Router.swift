import HTTPServer
import Logging
import TextFormats

/// The API's front door: finds the endpoint, checks method, content type and key, then hands the request on.
/// Answers come back later from writer and worker threads through the `ResponseWriter`.
final class Router: HTTPResponder {
    /// Routes without parameters, by path: most requests are found with one look-up.
    private let literal: [String: any Endpoint]
    /// Routes with `{name}` segments, tried in order after the literal ones.
    private let patterned: [(pattern: RoutePattern, endpoint: any Endpoint)]
    private let keys: KeyStore
    private let observer: RequestObserver

    init(endpoints: [any Endpoint], keys: KeyStore, observer: RequestObserver) {
        let patterns = endpoints.map { (pattern: RoutePattern($0.path), endpoint: $0) }
        literal = Dictionary(uniqueKeysWithValues: patterns.filter(\.pattern.isLiteral).map { ($0.endpoint.path, $0.endpoint) })
        patterned = patterns.filter { !$0.pattern.isLiteral }
        self.keys = keys
        self.observer = observer
    }

    private func endpoint(for path: String) -> (any Endpoint)? {
        literal[path] ?? patterned.first { $0.pattern.match(path) != nil }?.endpoint
    }

    func bodyLimit(for head: HTTPRequestHead) -> Int? {
        endpoint(for: head.path)?.bodyLimit
    }

    func response(for refusal: ServerRefusal) -> HTTPResponse {
        APIError(refusal).response
    }

    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        let head = request.head
        let endpoint = endpoint(for: head.path)
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
        guard let scope = endpoint.requiredScope else { return endpoint.handle(request, caller: .anonymous, writer: writer) }
        guard let key = Self.apiKey(in: head.headers) else {
            return writer.write(APIError(401, "missing_api_key", Self.missingKeyMessage).response)
        }
        guard let holder = keys.holder(forKey: key.utf8) else {
            return writer.write(APIError(401, "invalid_api_key", Self.unknownKeyMessage).response)
        }
        guard holder.scope == scope else {
            return writer.write(APIError(403, "wrong_key_scope", Self.wrongScopeMessage(holder.scope, path: head.path)).response)
        }
        switch holder.scope {
        case .ingest: endpoint.handle(request, caller: .host(holder.host), writer: writer)
        case .read: endpoint.handle(request, caller: .reader, writer: writer)
        }
    }

    static func wrongScopeMessage(_ scope: KeyScope, path: String) -> String {
        switch scope {
        case .ingest:
            "\(path) needs a read key, and this is a host's ingest key: the collector's operator makes read keys with "
                + "`collector keys create --read --description <who>`"
        case .read:
            "\(path) needs a host's ingest key, and this is a read key, which may query but not send: the collector's "
                + "operator makes a host's key with `collector keys create --host <name>`"
        }
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
