import SwiftProtobuf

/// The protobuf bodies of OTLP/HTTP's 200 answers: empty when everything was taken, else `partial_success` with the
/// count of refused items and why (`OTLPRejectedItem.message` of the first, for instance).
public enum OTLPProtobufResponse {
    public static func traces(rejectedSpans: Int, errorMessage: String = "") -> [UInt8] {
        var response = OTLP.ExportTraceServiceResponse()
        if rejectedSpans > 0 || !errorMessage.isEmpty {
            response.partialSuccess.rejectedSpans = Int64(rejectedSpans)
            response.partialSuccess.errorMessage = errorMessage
        }
        return serialized(response)
    }

    public static func logs(rejectedLogRecords: Int, errorMessage: String = "") -> [UInt8] {
        var response = OTLP.ExportLogsServiceResponse()
        if rejectedLogRecords > 0 || !errorMessage.isEmpty {
            response.partialSuccess.rejectedLogRecords = Int64(rejectedLogRecords)
            response.partialSuccess.errorMessage = errorMessage
        }
        return serialized(response)
    }

    public static func metrics(rejectedDataPoints: Int, errorMessage: String = "") -> [UInt8] {
        var response = OTLP.ExportMetricsServiceResponse()
        if rejectedDataPoints > 0 || !errorMessage.isEmpty {
            response.partialSuccess.rejectedDataPoints = Int64(rejectedDataPoints)
            response.partialSuccess.errorMessage = errorMessage
        }
        return serialized(response)
    }

    private static func serialized(_ message: some SwiftProtobuf.Message) -> [UInt8] {
        do {
            return try message.serializedBytes()
        } catch {
            preconditionFailure("a proto3 message has no required fields, so it always serializes: \(error)")
        }
    }
}
