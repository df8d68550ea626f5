import SwiftProtobuf

/// Decodes OTLP/HTTP protobuf logs and metrics export requests (bodies already gunzipped) into swift-protobuf's
/// generated messages, within `limits`: the size first, then the envelope's item count (before any message is built), then
/// swift-protobuf with a depth limit, unknown fields discarded and every `string` checked as UTF-8. A request that
/// cannot be decoded throws with a message for the sender; the spans, log records and data points it returns are
/// still to be checked one by one (`OTLPItemCheck`) for partial success. Traces, the volume, have a decoder of their
/// own (`OTLPTraceDecoder`).
public struct OTLPProtobufDecoder: Sendable {
    public let limits: OTLPProtobufLimits

    public init(limits: OTLPProtobufLimits = OTLPProtobufLimits()) {
        self.limits = limits
    }

    public func decodeLogs(_ body: [UInt8]) throws(OTLPProtobufError) -> OTLP.ExportLogsServiceRequest {
        try decode(body, .logs, limit: limits.maxLogRecords)
    }

    public func decodeMetrics(_ body: [UInt8]) throws(OTLPProtobufError) -> OTLP.ExportMetricsServiceRequest {
        try decode(body, .metrics, limit: limits.maxDataPoints)
    }

    private func decode<Request: SwiftProtobuf.Message>(
        _ body: [UInt8], _ signal: OTLPEnvelope.Signal, limit: Int
    ) throws(OTLPProtobufError) -> Request {
        guard body.count <= limits.maxBodyBytes else {
            throw OTLPProtobufError(.bodyTooLarge,
                "the body is \(body.count) bytes, over the limit of \(limits.maxBodyBytes): send smaller batches")
        }
        _ = try OTLPEnvelope.countItems(body, signal, limit: limit)
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = limits.maxDepth
        options.discardUnknownFields = true
        do {
            return try Request(serializedBytes: body, options: options)
        } catch let error as BinaryDecodingError {
            throw failure(error, signal)
        } catch {
            throw OTLPProtobufError(.malformed, "not an OTLP protobuf \(signal.names.resource) request: \(error)")
        }
    }

    /// swift-protobuf's errors, which say what but not where: inside one of the request's items, since the envelope
    /// was already walked.
    private func failure(_ error: BinaryDecodingError, _ signal: OTLPEnvelope.Signal) -> OTLPProtobufError {
        let inside = "inside the \(signal.names.items) of the \(signal.names.resource) request"
        switch error {
        case .truncated:
            return OTLPProtobufError(.lengthPastEnd, "a field \(inside) runs past the end of its message (a length, "
                + "varint or fixed-width value is cut short)")
        case .invalidUTF8:
            return OTLPProtobufError(.invalidUTF8, "a string field \(inside) is not valid UTF-8; send bytes values "
                + "as bytes, not strings")
        case .messageDepthLimit:
            return OTLPProtobufError(.nestingTooDeep, "messages \(inside) nest deeper than \(limits.maxDepth) levels; "
                + "flatten nested attribute values")
        default:
            return OTLPProtobufError(.malformed, "malformed protobuf \(inside): an invalid tag or wire type, or a "
                + "varint that does not end")
        }
    }
}
