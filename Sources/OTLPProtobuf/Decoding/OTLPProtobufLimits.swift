/// What one OTLP/HTTP protobuf request may hold. The collector's settings fill these; the defaults are the values it
/// uses when nothing is set.
public struct OTLPProtobufLimits: Sendable, Equatable {
    /// Largest body, after gunzip. 4 MiB: gRPC's default message size, which OTLP exporters keep under.
    public var maxBodyBytes: Int
    /// Deepest nesting of messages, the request itself being 1. A span's attribute value sits at depth 6 (request,
    /// resource spans, scope spans, span, key-value, any-value), so 32 leaves 26 levels for values inside values: 13
    /// nested arrays (two messages each) or 8 nested maps (three each). swift-protobuf's `messageDepthLimit`, which
    /// bounds logs and metrics, counts the same way.
    public var maxDepth: Int
    /// Most spans in one traces export. OpenTelemetry SDKs send at most 512 per batch by default.
    public var maxSpans: Int
    /// Most log records in one logs export.
    public var maxLogRecords: Int
    /// Most data points in one metrics export, over all metrics.
    public var maxDataPoints: Int
    /// Most attributes on one span, span event, span link, log record, data point, resource or scope. 128 is the
    /// OpenTelemetry SDKs' own default attribute count limit.
    public var maxAttributes: Int
    /// Longest attribute value in bytes: a string's UTF-8 bytes or a bytes value, and for arrays and maps the sum of
    /// their strings and bytes.
    public var maxAttributeValueBytes: Int

    public init(
        maxBodyBytes: Int = 4 << 20, maxDepth: Int = 32, maxSpans: Int = 10_000, maxLogRecords: Int = 10_000,
        maxDataPoints: Int = 10_000, maxAttributes: Int = 128, maxAttributeValueBytes: Int = 65_536
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxDepth = maxDepth
        self.maxSpans = maxSpans
        self.maxLogRecords = maxLogRecords
        self.maxDataPoints = maxDataPoints
        self.maxAttributes = maxAttributes
        self.maxAttributeValueBytes = maxAttributeValueBytes
    }
}
