/// What an OTLP export request decoded to, whichever its encoding and signal: the rows to store (an `EventBatch`,
/// `MetricColumns`, spans) and the items refused, for `partial_success`.
struct OTLPDecoded<Rows: Sendable>: Sendable {
    var rows: Rows
    var rejections: OTLPRejections
}
