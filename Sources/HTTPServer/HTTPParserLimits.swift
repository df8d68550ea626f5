/// Bounds on how much one client can make the request parser hold or scan. Each one, when crossed, ends the request
/// with the `HTTPParseError` named beside it, so a slow or hostile client costs bounded memory and CPU.
public struct HTTPParserLimits: Sendable, Equatable {
    /// Longest request line in bytes, not counting its CRLF (`requestLineTooLong`, 414).
    public var maxRequestLineBytes: Int
    /// Largest header section in bytes: the request line and every header line, each with its CRLF; the empty line
    /// that ends the section is not counted (`headersTooLarge`, 431). A chunked body's trailer section gets a budget of
    /// its own of the same size, counted the same way.
    public var maxHeaderBytes: Int
    /// Most header lines in one header section, and most trailer lines after a chunked body (`headersTooLarge`, 431).
    public var maxHeaderCount: Int
    /// Longest chunk-size line in bytes, extensions included, not counting its CRLF (`malformedChunk`, 400).
    public var maxChunkLineBytes: Int
    /// Largest body in bytes a request may carry unless `HTTPRequestParser.setBodyLimit(_:)` chooses another limit for
    /// it (`bodyTooLarge`, 413). For a chunked body this bounds the decoded size.
    public var defaultBodyLimit: Int
    /// Most empty lines (bare CRLFs) ignored before a request line; RFC 9112 asks servers to tolerate a few that some
    /// clients send after a body, and the bound stops a client from holding a connection open with nothing else
    /// (`malformedRequestLine`, 400).
    public var maxEmptyLinesBeforeRequest: Int

    public init(
        maxRequestLineBytes: Int = 8192,
        maxHeaderBytes: Int = 16384,
        maxHeaderCount: Int = 100,
        maxChunkLineBytes: Int = 1024,
        defaultBodyLimit: Int = 1 << 20,
        maxEmptyLinesBeforeRequest: Int = 4
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxChunkLineBytes = maxChunkLineBytes
        self.defaultBodyLimit = defaultBodyLimit
        self.maxEmptyLinesBeforeRequest = maxEmptyLinesBeforeRequest
    }
}
