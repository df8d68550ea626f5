import OTLPProtobuf
import SwiftProtobuf
import Testing

@Suite("OTLPProtobufResponse")
struct OTLPProtobufResponseTests {
    @Test("a full success is an empty body")
    func fullSuccessIsEmpty() {
        #expect(OTLPProtobufResponse.traces(rejectedSpans: 0).isEmpty)
        #expect(OTLPProtobufResponse.logs(rejectedLogRecords: 0).isEmpty)
        #expect(OTLPProtobufResponse.metrics(rejectedDataPoints: 0).isEmpty)
    }

    @Test("a partial success carries the count and the message, as each signal's response")
    func partialSuccess() throws {
        let traces = try OTLP.ExportTraceServiceResponse(
            serializedBytes: OTLPProtobufResponse.traces(rejectedSpans: 3, errorMessage: "3 of 10 spans rejected"))
        #expect(traces.partialSuccess.rejectedSpans == 3)
        #expect(traces.partialSuccess.errorMessage == "3 of 10 spans rejected")
        let logs = try OTLP.ExportLogsServiceResponse(
            serializedBytes: OTLPProtobufResponse.logs(rejectedLogRecords: 2, errorMessage: "no session.id"))
        #expect(logs.partialSuccess.rejectedLogRecords == 2)
        #expect(logs.partialSuccess.errorMessage == "no session.id")
        let metrics = try OTLP.ExportMetricsServiceResponse(
            serializedBytes: OTLPProtobufResponse.metrics(rejectedDataPoints: 1, errorMessage: "bad"))
        #expect(metrics.partialSuccess.rejectedDataPoints == 1)
        // A warning without rejections is still sent, as OTLP allows.
        let warning = try OTLP.ExportTraceServiceResponse(
            serializedBytes: OTLPProtobufResponse.traces(rejectedSpans: 0, errorMessage: "attributes were cut"))
        #expect(warning.hasPartialSuccess)
        #expect(warning.partialSuccess.rejectedSpans == 0)
    }
}
