import JSON
import OTLPProtobuf

/// OTLP traces exports in either encoding as the rows of one insert into `spans`: OTLP/JSON through
/// `OTLPSpanJSONDecoder`, protobuf through `OTLPSpanProtobufDecoder`, both making the same rows of the same spans.
struct OTLPSpanDecoder: Sendable {
    let limits: OTLPProtobufLimits

    func decode(json root: JSONValue, hostID: String, receivedAt: Int64) throws(ValidationError) -> OTLPDecoded<SpanColumns> {
        Self.columns(try OTLPSpanJSONDecoder(limits: limits).decode(root), hostID: hostID)
    }

    func decode(protobuf body: [UInt8], hostID: String, receivedAt: Int64) throws(OTLPProtobufError) -> OTLPDecoded<SpanColumns> {
        Self.columns(try OTLPSpanProtobufDecoder(limits: limits).decode(body), hostID: hostID)
    }

    /// A span carries its own times; `receivedAt` is not needed.
    private static func columns(_ decoded: OTLPDecoded<[SpanRow]>, hostID: String) -> OTLPDecoded<SpanColumns> {
        var columns = SpanColumns(hostID: hostID)
        for row in decoded.rows { columns.append(row) }
        return OTLPDecoded(rows: columns, rejections: decoded.rejections)
    }
}
