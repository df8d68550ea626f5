import FuzzReplay
import OTLPProtobuf
import SwiftProtobuf

/// Decodes the bytes as a traces, a logs and a metrics export. Whatever arrives, each decoder must answer with
/// messages or an error, never crash; and a traces body the hand-written decoder accepts must decode the same with
/// swift-protobuf (given more depth, since its depth count differs): same spans, ids, names, times, attributes.
func fuzzOTLPProtobuf(_ data: UnsafeRawBufferPointer) {
    let body = Array(data)
    let limits = OTLPProtobufLimits(maxBodyBytes: 1 << 20, maxDepth: 16, maxSpans: 1000, maxLogRecords: 1000,
                                    maxDataPoints: 1000, maxAttributes: 64, maxAttributeValueBytes: 4096)
    let check = OTLPItemCheck(limits: limits)
    if let logs = try? OTLPProtobufDecoder(limits: limits).decodeLogs(body) {
        precondition(logs.resourceLogs.reduce(0) { $0 + $1.scopeLogs.reduce(0) { $0 + $1.logRecords.count } } <= 1000,
                     "more log records than the limit")
        _ = check.rejectedLogRecords(logs)
    }
    if let metrics = try? OTLPProtobufDecoder(limits: limits).decodeMetrics(body) {
        _ = check.rejectedDataPoints(metrics)
    }
    guard let traces = try? OTLPTraceDecoder(limits: limits).decode(body) else { return }
    precondition(traces.spanCount <= 1000, "more spans than the limit")
    _ = check.rejectedSpans(traces)

    var options = BinaryDecodingOptions()
    options.messageDepthLimit = 100
    let oracle: OTLP.ExportTraceServiceRequest
    do {
        oracle = try OTLP.ExportTraceServiceRequest(serializedBytes: body, options: options)
    } catch {
        preconditionFailure("OTLPTraceDecoder accepted a body swift-protobuf refuses: \(error)")
    }
    precondition(oracle.resourceSpans.count == traces.resourceSpans.count, "resource spans differ")
    for (expected, decoded) in zip(oracle.resourceSpans, traces.resourceSpans) {
        precondition(same(expected.resource.attributes, decoded.resource), "resource attributes differ")
        precondition(expected.scopeSpans.count == decoded.scopeSpans.count, "scope spans differ")
        for (expectedScope, decodedScope) in zip(expected.scopeSpans, decoded.scopeSpans) {
            precondition(expectedScope.scope.name == decodedScope.scopeName, "scope names differ")
            precondition(same(expectedScope.scope.attributes, decodedScope.scopeAttributes), "scope attributes differ")
            precondition(expectedScope.spans.count == decodedScope.spans.count, "span counts differ")
            for (span, view) in zip(expectedScope.spans, decodedScope.spans) {
                precondition(Array(span.traceID) == Array(view.traceID) && Array(span.spanID) == Array(view.spanID)
                    && Array(span.parentSpanID) == Array(view.parentSpanID), "span ids differ")
                precondition(span.name == view.name && span.startTimeUnixNano == view.startTimeUnixNano
                    && span.endTimeUnixNano == view.endTimeUnixNano && span.kind.rawValue == Int(view.kind)
                    && span.status.message == view.statusMessage && span.status.code.rawValue == Int(view.statusCode),
                    "span fields differ")
                precondition(same(span.attributes, view.attributes), "span attributes differ")
                precondition(span.events.count == view.events.count && span.links.count == view.links.count,
                             "events or links differ")
            }
        }
    }
}

private func same(_ expected: [OTLP.KeyValue], _ decoded: OTLPAttributes) -> Bool {
    expected.count == decoded.count && zip(expected, decoded).allSatisfy { $0.key == $1.key && same($0.value, $1.value) }
}

private func same(_ expected: OTLP.AnyValue, _ decoded: OTLPValue) -> Bool {
    switch (expected.value, decoded) {
    case let (.stringValue(a)?, .string(b)): a == b
    case let (.boolValue(a)?, .bool(b)): a == b
    case let (.intValue(a)?, .int(b)): a == b
    case let (.doubleValue(a)?, .double(b)): a.bitPattern == b.bitPattern
    case let (.bytesValue(a)?, .bytes(b)): Array(a) == b
    case let (.arrayValue(a)?, .array(b)): a.values.count == b.count && zip(a.values, b).allSatisfy { same($0, $1) }
    case let (.kvlistValue(a)?, .keyValues(b)):
        a.values.count == b.count && zip(a.values, b).allSatisfy { $0.key == $1.key && same($0.value, $1.value) }
    case (nil, .empty), (.stringValueStrindex?, .empty): true
    default: false
    }
}

#if FUZZING
/// libFuzzer's entry point, for its own driver.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzOTLPProtobuf(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif

@main
struct FuzzOTLPProtobuf {
    /// With FUZZING (scripts/fuzz), libFuzzer drives the target; without, every file or folder given on the command
    /// line runs through it once, as a regression run of the corpus.
    static func main() throws {
        #if FUZZING
        runFuzzer(fuzzOTLPProtobuf)
        #else
        try replayCorpus(CommandLine.arguments.dropFirst(), through: fuzzOTLPProtobuf)
        #endif
    }
}
