/// The outer levels of an export request (request, resource, scope, and for metrics the metric and its data), walked
/// without decoding the spans, log records or data points inside: it counts them before any is built, so that a
/// small body of many empty items cannot make a large allocation, and names the exact fault and place when these
/// levels are malformed. Every field it knows at these levels is length-delimited except the data's temporality and
/// monotonic flag; unknown fields are skipped.
enum OTLPEnvelope {
    enum Signal {
        case logs, metrics

        /// JSON names, as the OTLP/JSON encoding and error messages use them.
        var names: (resource: String, scope: String, item: String, items: String) {
            switch self {
            case .logs: ("resourceLogs", "scopeLogs", "logRecords", "log records")
            case .metrics: ("resourceMetrics", "scopeMetrics", "metrics", "data points")
            }
        }
    }

    /// The number of spans, log records or data points in `body`; throws when that is over `limit` or the envelope is
    /// malformed.
    static func countItems(_ body: [UInt8], _ signal: Signal, limit: Int) throws(OTLPProtobufError) -> Int {
        let names = signal.names
        var count = 0
        var request = ProtobufWireReader(body)
        var resourceIndex = 0
        while !request.isAtEnd {
            // Paths are built only for an error message.
            let resourcePath = { "\(names.resource)[\(resourceIndex)]" }
            guard let resource = try message(&request, field: 1, path: resourcePath()) else { continue }
            resourceIndex += 1
            var resourceReader = ProtobufWireReader(body, in: resource)
            var scopeIndex = 0
            while !resourceReader.isAtEnd {
                let scopePath = { "\(resourcePath()).\(names.scope)[\(scopeIndex)]" }
                guard let scope = try message(&resourceReader, field: 2, alsoLengthDelimited: [1, 3],
                                              path: scopePath()) else { continue }
                scopeIndex += 1
                var scopeReader = ProtobufWireReader(body, in: scope)
                var itemIndex = 0
                while !scopeReader.isAtEnd {
                    let itemPath = { "\(scopePath()).\(names.item)[\(itemIndex)]" }
                    guard let item = try message(&scopeReader, field: 2, alsoLengthDelimited: [1, 3], path: itemPath())
                    else { continue }
                    itemIndex += 1
                    count += signal == .metrics ? try dataPoints(body, metric: item, path: itemPath) : 1
                    guard count <= limit else {
                        throw OTLPProtobufError(.tooManyItems,
                            "more than \(limit) \(names.items) in one request: send smaller batches")
                    }
                }
            }
        }
        return count
    }

    /// The data points of one metric: field 1 of its gauge, sum, histogram, exponential histogram or summary.
    private static func dataPoints(
        _ body: [UInt8], metric: Range<Int>, path: () -> String
    ) throws(OTLPProtobufError) -> Int {
        var count = 0
        var metricReader = ProtobufWireReader(body, in: metric)
        while !metricReader.isAtEnd {
            guard let data = try message(&metricReader, fields: [5, 7, 9, 10, 11], alsoLengthDelimited: [1, 2, 3, 12],
                                         path: path()) else { continue }
            var dataReader = ProtobufWireReader(body, in: data)
            while !dataReader.isAtEnd {
                if try message(&dataReader, field: 1, path: "\(path()).dataPoints[\(count)]") != nil { count += 1 }
            }
        }
        return count
    }

    private static func message(
        _ reader: inout ProtobufWireReader, field wanted: UInt64, alsoLengthDelimited: Set<UInt64> = [],
        path: @autoclosure () -> String
    ) throws(OTLPProtobufError) -> Range<Int>? {
        try message(&reader, fields: [wanted], alsoLengthDelimited: alsoLengthDelimited, path: path())
    }

    /// The next field's value when it is one of `wanted` (a message); nil after skipping any other field. A known
    /// field (`wanted` or `alsoLengthDelimited`) with another wire type is an error rather than an unknown field:
    /// the sender's structure is not OTLP's.
    private static func message(
        _ reader: inout ProtobufWireReader, fields wanted: Set<UInt64>, alsoLengthDelimited: Set<UInt64>,
        path: @autoclosure () -> String
    ) throws(OTLPProtobufError) -> Range<Int>? {
        do throws(ProtobufWireReader.Fault) {
            let (field, wireType) = try reader.tag()
            if wanted.contains(field) || alsoLengthDelimited.contains(field), wireType != .lengthDelimited {
                throw ProtobufWireReader.Fault.wrongWireType(field: field, wireType: wireType.rawValue)
            }
            if wanted.contains(field) { return try reader.lengthDelimited() }
            try reader.skip(wireType)
            return nil
        } catch {
            throw OTLPEnvelope.error(error, at: path())
        }
    }

    static func error(_ fault: ProtobufWireReader.Fault, at path: String) -> OTLPProtobufError {
        switch fault {
        case .truncated:
            OTLPProtobufError(.truncated, "the body was cut short inside \(path): check the sender's Content-Length "
                + "and any proxy in between")
        case let .lengthPastEnd(length, available):
            OTLPProtobufError(.lengthPastEnd, "\(path): a field claims \(length) bytes but its message has only "
                + "\(available) left")
        case .unterminatedVarint:
            OTLPProtobufError(.unterminatedVarint, "\(path): a varint does not end (its message ends inside it, or "
                + "it is longer than 10 bytes)")
        case let .wrongWireType(field, wireType):
            OTLPProtobufError(.wrongWireType, "\(path): field \(field) must be length-delimited (wire type 2), not "
                + "wire type \(wireType)")
        case let .invalidWireType(field, wireType):
            OTLPProtobufError(.invalidWireType, "\(path): field \(field) has wire type \(wireType), which OTLP "
                + "protobuf never uses")
        }
    }
}
