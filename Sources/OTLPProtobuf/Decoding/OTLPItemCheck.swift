/// What is wrong with one span, log record or data point of a request that decoded: the caller stores the others and
/// counts this one in `partial_success` (`OTLPProtobufResponse`).
public struct OTLPItemProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// A trace id that is not 16 bytes (or, where it is optional, 0 or 16), or all zero.
        case invalidTraceID
        /// A span id that is not 8 bytes (or, where it is optional, 0 or 8), or all zero.
        case invalidSpanID
        /// A parent span id that is neither absent nor 8 bytes.
        case invalidParentSpanID
        /// A span that ends before it starts.
        case endBeforeStart
        /// More attributes than `maxAttributes` on the item, or on its event, link, resource or scope.
        case tooManyAttributes
        /// An attribute value longer than `maxAttributeValueBytes`.
        case attributeValueTooLong
    }

    public let reason: Reason
    public let message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
}

/// A refused item, where it is in the request (`resourceSpans[0].scopeSpans[1].spans[7]`, the OTLP/JSON names), and
/// why.
public struct OTLPRejectedItem: Sendable, Equatable {
    public let path: String
    public let problems: [OTLPItemProblem]

    /// One line for `partial_success.error_message`.
    public var message: String { "\(path): " + problems.map(\.message).joined(separator: "; ") }
}

/// The checks each item must pass to be stored, beyond decoding: the ids' lengths, the span's times, and the
/// attribute limits. A resource's or scope's problem rejects every item under it.
public struct OTLPItemCheck: Sendable {
    public let limits: OTLPProtobufLimits

    public init(limits: OTLPProtobufLimits = OTLPProtobufLimits()) {
        self.limits = limits
    }

    /// The spans to refuse; every other span of the request may be stored.
    public func rejectedSpans(_ traces: OTLPTraces) -> [OTLPRejectedItem] {
        var rejected: [OTLPRejectedItem] = []
        for (resourceIndex, resourceSpans) in traces.resourceSpans.enumerated() {
            let resourceProblems = problems(resourceSpans.resource, of: "the resource")
            for (scopeIndex, scopeSpans) in resourceSpans.scopeSpans.enumerated() {
                let shared = resourceProblems + problems(scopeSpans.scopeAttributes, of: "the scope")
                for (spanIndex, span) in scopeSpans.spans.enumerated() {
                    let found = shared + problems(span: span)
                    guard !found.isEmpty else { continue }
                    let path = "resourceSpans[\(resourceIndex)].scopeSpans[\(scopeIndex)].spans[\(spanIndex)]"
                    rejected.append(OTLPRejectedItem(path: path, problems: found))
                }
            }
        }
        return rejected
    }

    /// The log records to refuse.
    public func rejectedLogRecords(_ request: OTLP.ExportLogsServiceRequest) -> [OTLPRejectedItem] {
        var rejected: [OTLPRejectedItem] = []
        for (resourceIndex, resourceLogs) in request.resourceLogs.enumerated() {
            let resourceProblems = problems(attributes: resourceLogs.resource.attributes, of: "the resource")
            for (scopeIndex, scopeLogs) in resourceLogs.scopeLogs.enumerated() {
                let shared = resourceProblems + problems(attributes: scopeLogs.scope.attributes, of: "the scope")
                for (recordIndex, record) in scopeLogs.logRecords.enumerated() {
                    let found = shared + problems(logRecord: record)
                    guard !found.isEmpty else { continue }
                    let path = "resourceLogs[\(resourceIndex)].scopeLogs[\(scopeIndex)].logRecords[\(recordIndex)]"
                    rejected.append(OTLPRejectedItem(path: path, problems: found))
                }
            }
        }
        return rejected
    }

    /// The data points to refuse (one entry per data point, so that their count is `rejected_data_points`).
    public func rejectedDataPoints(_ request: OTLP.ExportMetricsServiceRequest) -> [OTLPRejectedItem] {
        var rejected: [OTLPRejectedItem] = []
        for (resourceIndex, resourceMetrics) in request.resourceMetrics.enumerated() {
            let resourceProblems = problems(attributes: resourceMetrics.resource.attributes, of: "the resource")
            for (scopeIndex, scopeMetrics) in resourceMetrics.scopeMetrics.enumerated() {
                let shared = resourceProblems + problems(attributes: scopeMetrics.scope.attributes, of: "the scope")
                for (metricIndex, metric) in scopeMetrics.metrics.enumerated() {
                    for (pointIndex, attributes) in Self.dataPointAttributes(metric).enumerated() {
                        let found = shared + problems(attributes: attributes, of: "the data point")
                        guard !found.isEmpty else { continue }
                        let path = "resourceMetrics[\(resourceIndex)].scopeMetrics[\(scopeIndex)]"
                            + ".metrics[\(metricIndex)].dataPoints[\(pointIndex)]"
                        rejected.append(OTLPRejectedItem(path: path, problems: found))
                    }
                }
            }
        }
        return rejected
    }

    public func problems(span: OTLPSpan) -> [OTLPItemProblem] {
        var found: [OTLPItemProblem] = []
        if let problem = Self.idProblem(span.traceID, "trace_id", .invalidTraceID, bytes: 16, optional: false) {
            found.append(problem)
        }
        if let problem = Self.idProblem(span.spanID, "span_id", .invalidSpanID, bytes: 8, optional: false) {
            found.append(problem)
        }
        if !span.parentSpanID.isEmpty, span.parentSpanID.count != 8 {
            found.append(OTLPItemProblem(.invalidParentSpanID,
                "parent_span_id must be empty or 8 bytes, not \(span.parentSpanID.count)"))
        }
        if span.endTimeUnixNano < span.startTimeUnixNano {
            found.append(OTLPItemProblem(.endBeforeStart,
                "the span ends (\(span.endTimeUnixNano)) before it starts (\(span.startTimeUnixNano))"))
        }
        found += problems(span.attributes, of: "the span")
        for (index, event) in span.events.enumerated() {
            found += problems(event.attributes, of: "events[\(index)]")
        }
        for (index, link) in span.links.enumerated() {
            if let problem = Self.idProblem(link.traceID, "links[\(index)].trace_id", .invalidTraceID, bytes: 16,
                                            optional: false) {
                found.append(problem)
            }
            if let problem = Self.idProblem(link.spanID, "links[\(index)].span_id", .invalidSpanID, bytes: 8,
                                            optional: false) {
                found.append(problem)
            }
            found += problems(link.attributes, of: "links[\(index)]")
        }
        return found
    }

    /// The attribute limits for a list `OTLPTraceDecoder` read (it measured the values while validating them).
    public func problems(_ attributes: OTLPAttributes, of owner: String) -> [OTLPItemProblem] {
        var found: [OTLPItemProblem] = []
        if attributes.count > limits.maxAttributes {
            found.append(tooMany(attributes.count, owner))
        }
        if let largest = attributes.largestValue, largest.bytes > limits.maxAttributeValueBytes {
            found.append(tooLong(largest.key, largest.bytes, owner))
        }
        return found
    }

    /// A log record's ids are optional (empty), else of the span's lengths.
    public func problems(logRecord: OTLP.LogRecord) -> [OTLPItemProblem] {
        var found: [OTLPItemProblem] = []
        if let problem = Self.idProblem(logRecord.traceID, "trace_id", .invalidTraceID, bytes: 16, optional: true) {
            found.append(problem)
        }
        if let problem = Self.idProblem(logRecord.spanID, "span_id", .invalidSpanID, bytes: 8, optional: true) {
            found.append(problem)
        }
        return found + problems(attributes: logRecord.attributes, of: "the log record")
    }

    /// Too many attributes, and each value over the size limit; `owner` names where they are in the message.
    public func problems(attributes: [OTLP.KeyValue], of owner: String) -> [OTLPItemProblem] {
        var found: [OTLPItemProblem] = []
        if attributes.count > limits.maxAttributes {
            found.append(tooMany(attributes.count, owner))
        }
        for attribute in attributes {
            let size = Self.valueBytes(attribute.value)
            if size > limits.maxAttributeValueBytes { found.append(tooLong(attribute.key, size, owner)) }
        }
        return found
    }

    private func tooMany(_ count: Int, _ owner: String) -> OTLPItemProblem {
        OTLPItemProblem(.tooManyAttributes, "\(owner) has \(count) attributes, over the limit of \(limits.maxAttributes)")
    }

    private func tooLong(_ key: String, _ bytes: Int, _ owner: String) -> OTLPItemProblem {
        OTLPItemProblem(.attributeValueTooLong, "the value of \(owner)'s attribute \(key) is \(bytes) bytes, over the "
            + "limit of \(limits.maxAttributeValueBytes)")
    }

    private static func idProblem(
        _ id: some Collection<UInt8>, _ name: String, _ reason: OTLPItemProblem.Reason, bytes: Int, optional: Bool
    ) -> OTLPItemProblem? {
        if optional, id.isEmpty { return nil }
        let allowed = optional ? "empty or \(bytes) bytes" : "\(bytes) bytes"
        guard id.count == bytes else { return OTLPItemProblem(reason, "\(name) must be \(allowed), not \(id.count)") }
        guard id.contains(where: { $0 != 0 }) else { return OTLPItemProblem(reason, "\(name) must not be all zero") }
        return nil
    }

    /// The bytes of a value's strings and bytes, nested ones included (and, in maps, their keys), as
    /// `OTLPTraceDecoder` counts them.
    private static func valueBytes(_ value: OTLP.AnyValue) -> Int {
        switch value.value {
        case let .stringValue(text)?: text.utf8.count
        case let .bytesValue(bytes)?: bytes.count
        case let .arrayValue(array)?: array.values.reduce(0) { $0 + valueBytes($1) }
        case let .kvlistValue(list)?: list.values.reduce(0) { $0 + $1.key.utf8.count + valueBytes($1.value) }
        case .boolValue?, .intValue?, .doubleValue?, .stringValueStrindex?, nil: 0
        }
    }

    private static func dataPointAttributes(_ metric: OTLP.Metric) -> [[OTLP.KeyValue]] {
        switch metric.data {
        case let .gauge(gauge)?: gauge.dataPoints.map(\.attributes)
        case let .sum(sum)?: sum.dataPoints.map(\.attributes)
        case let .histogram(histogram)?: histogram.dataPoints.map(\.attributes)
        case let .exponentialHistogram(histogram)?: histogram.dataPoints.map(\.attributes)
        case let .summary(summary)?: summary.dataPoints.map(\.attributes)
        case nil: []
        }
    }
}
