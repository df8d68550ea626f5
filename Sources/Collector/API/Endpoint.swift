import HTTPServer

/// Who is calling, as the router established it.
enum Caller: Sendable, Equatable {
    /// A route that needs no key.
    case anonymous
    /// The host an ingest key belongs to; everything the request stores is stored as this host's.
    case host(String)
    /// A read key: it may query and export every host's telemetry, and store nothing.
    case reader

    /// The host of an ingest call; empty for the others (whose routes store nothing).
    var hostID: String {
        switch self {
        case .anonymous, .reader: ""
        case .host(let host): host
        }
    }
}

/// One route of the API. The router finds it by path (`{name}` in it matches one segment), checks the method, the
/// content type and the API key's scope (`requiredScope`, nil for a route that needs no key), then calls `handle`.
/// Each endpoint is given what it needs when it is built, and nothing else.
protocol Endpoint: Sendable {
    var path: String { get }
    /// Methods in the order `Allow` lists them.
    var methods: [String] { get }
    var requiredScope: KeyScope? { get }
    /// The largest body the route takes (413 above), decided from the head before any of the body is read.
    var bodyLimit: Int { get }
    /// nil when the body's type is acceptable, else the error to answer with.
    func checkContentType(_ head: HTTPRequestHead) -> APIError?
    func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter)
}

extension Endpoint {
    var requiredScope: KeyScope? { .ingest }

    /// JSON bodies: `application/json` with any parameters, or no Content-Type at all.
    func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        let types = head.headers.values("Content-Type")
        guard types.count <= 1 else {
            return APIError(400, "invalid_content_type", "send one Content-Type header, not \(types.count)")
        }
        guard let type = types.first, MediaType(type) != .json else { return nil }
        return APIError(415, "unsupported_media_type", "send the body as application/json, not \(type)")
    }
}
