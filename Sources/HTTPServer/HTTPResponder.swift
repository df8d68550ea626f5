/// The application side of the server: one request in, one response out, through `writer`, from any thread.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, writer: ResponseWriter)

    /// The largest body accepted for a request with this head; nil takes the server's default.
    func bodyLimit(for head: HTTPRequestHead) -> Int?
}

extension HTTPResponder {
    public func bodyLimit(for head: HTTPRequestHead) -> Int? { nil }
}

/// Delivers a request's response; the first call wins, later ones are ignored.
public struct ResponseWriter: Sendable {
    private let deliver: @Sendable (HTTPResponse) -> Void

    public init(_ deliver: @escaping @Sendable (HTTPResponse) -> Void) {
        self.deliver = deliver
    }

    public func write(_ response: HTTPResponse) {
        deliver(response)
    }
}
