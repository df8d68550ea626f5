/// The application side of the server: one request in, one response out, through `writer`, from any thread.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, writer: ResponseWriter)

    /// The largest body accepted for a request with this head; nil takes the server's default.
    func bodyLimit(for head: HTTPRequestHead) -> Int?

    /// The answer to a request the server refuses itself; the application chooses the body's shape, so that
    /// every error a client sees looks alike.
    func response(for refusal: ServerRefusal) -> HTTPResponse
}

extension HTTPResponder {
    public func bodyLimit(for head: HTTPRequestHead) -> Int? { nil }

    /// Plain text: `<code>: <message>`, with `Retry-After` when one is given.
    public func response(for refusal: ServerRefusal) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        if let seconds = refusal.retryAfterSeconds { headers.add(name: "Retry-After", value: String(seconds)) }
        return HTTPResponse(status: refusal.status, headers: headers, body: Array("\(refusal.code): \(refusal.message)\n".utf8))
    }
}

/// A request the server answers itself, before or instead of the application: one it cannot parse, one too slow
/// to arrive, one connection too many.
public struct ServerRefusal: Sendable, Equatable {
    public let status: Int
    /// A stable machine-readable name, e.g. `body_too_large`.
    public let code: String
    /// What went wrong, for the person reading it.
    public let message: String
    /// Seconds for `Retry-After`, when trying again later can succeed.
    public let retryAfterSeconds: Int?

    public init(status: Int, code: String, message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Delivers a request's response; the first call wins, later ones are ignored (and their producers cancelled).
public struct ResponseWriter: Sendable {
    private let deliver: @Sendable (HTTPResponse) -> Void

    public init(_ deliver: @escaping @Sendable (HTTPResponse) -> Void) {
        self.deliver = deliver
    }

    public func write(_ response: HTTPResponse) {
        deliver(response)
    }
}
