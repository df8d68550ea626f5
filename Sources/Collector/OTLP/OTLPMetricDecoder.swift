import JSON
import OTLPProtobuf

/// An OTLP/JSON metrics export (`resourceMetrics` / `scopeMetrics` / `metrics`) as rows of `otlp_metrics`, one per
/// data point: the metric's name, kind and unit, the point's time, start time, value and attributes, its sum's
/// temporality (Claude Code sends delta: each point is the increase since the one before), the resource's
/// attributes, and `session.id` (of the point, else of the resource) as its own column. Histograms and summaries
/// keep their sum as the value and the rest in `detail`. A point that cannot be stored is counted in
/// `partialSuccess`; the others are stored.
struct OTLPMetricDecoder: Sendable {
    var limits = OTLPProtobufLimits()

    func decode(json root: JSONValue, hostID: String, receivedAt: Int64) throws(ValidationError) -> OTLPDecoded<MetricColumns> {
        var columns = MetricColumns(hostID: hostID)
        var rejections = OTLPRejections(of: "data points")
        try OTLPExportWalk(signal: "Metrics").forEachScope(in: root, rejections: &rejections, itemsUnder: { scope in
            (scope.member("metrics")?.elements ?? JSONDocument.emptyArray.root.elements).reduce(0) {
                $0 + (Self.data(of: $1)?.points.count ?? 0)
            }
        }) { (scopeMetrics: OTLPExportWalk.Scope, rejections: inout OTLPRejections) throws(ValidationError) in
            for (metricIndex, metric) in try OTLPValue.objects(scopeMetrics.object, "metrics", path: scopeMetrics.path + ".").enumerated() {
                decodeMetric(metric, path: "\(scopeMetrics.path).metrics[\(metricIndex)]",
                             position: "\(scopeMetrics.position)/\(metricIndex)", resource: scopeMetrics.resource,
                             receivedAt: receivedAt, into: &columns, rejections: &rejections)
            }
        }
        return OTLPDecoded(rows: columns, rejections: rejections)
    }

    /// Protobuf metric exports are checked (`OTLPProtobufDecoder`) but not yet stored.
    func decode(protobuf body: [UInt8], hostID: String, receivedAt: Int64) throws(OTLPProtobufError) -> OTLPDecoded<MetricColumns> {
        _ = try OTLPProtobufDecoder(limits: limits).decodeMetrics(body)
        throw OTLPProtobufError(.malformed, "protobuf metrics are not stored yet: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json")
    }

    private func decodeMetric(
        _ metric: JSONValue, path: String, position: String, resource: OTLPResource, receivedAt: Int64,
        into columns: inout MetricColumns,
        rejections: inout OTLPRejections
    ) {
        // A metric without data has nothing to store or refuse.
        guard let data = Self.data(of: metric) else { return }
        let kind = data.kind
        let points = data.points
        guard let name = metric.member("name")?.string, name.unicodeScalarCount >= 1, name.unicodeScalarCount <= 256 else {
            return rejections.reject(points.count, at: path, "a metric needs a name of 1 to 256 characters")
        }
        let unit = metric.member("unit")?.string.flatMap { $0.unicodeScalarCount > 0 ? $0.decodedBytes() : nil }
        let temporality: MetricPoint.Temporality?
        switch data.object.member("aggregationTemporality") {
        case let value? where value.int64 == 1 || value.string?.equals("AGGREGATION_TEMPORALITY_DELTA") == true:
            temporality = .delta
        case let value? where value.int64 == 2 || value.string?.equals("AGGREGATION_TEMPORALITY_CUMULATIVE") == true:
            temporality = .cumulative
        default:
            temporality = nil
        }
        let isMonotonic = kind == .sum ? data.object.member("isMonotonic")?.bool ?? false : nil
        let template = MetricPoint(
            sessionID: nil, name: name.decodedBytes(), kind: kind, unit: unit, temporality: temporality,
            isMonotonic: isMonotonic, startTime: nil, time: receivedAt, value: nil, detail: nil, attributes: [],
            resource: resource.attributes, pointID: [])
        for (pointIndex, point) in points.enumerated() {
            do {
                guard let row = try Self.point(point, position: Array("\(position)/\(pointIndex)".utf8), template: template,
                                               resource: resource)
                else { continue }
                columns.append(row)
                rejections.accepted()
            } catch {
                rejections.reject(at: "\(path).\(kind.field).dataPoints[\(pointIndex)]", error.message)
            }
        }
    }

    /// The data of a metric: its kind, the object that holds it (`sum`, `gauge`, ...) and its points.
    struct MetricData {
        let kind: MetricPoint.Kind
        let object: JSONValue
        let points: [JSONValue]
    }

    /// nil when the metric carries no data.
    static func data(of metric: JSONValue) -> MetricData? {
        for kind in [MetricPoint.Kind.sum, .gauge, .histogram, .exponentialHistogram, .summary] {
            guard let object = metric.member(kind.field), object.kind == .object else { continue }
            return MetricData(kind: kind, object: object,
                              points: Array(object.member("dataPoints")?.elements ?? JSONDocument.emptyArray.root.elements))
        }
        return nil
    }

    /// Fields of histogram and summary points kept in `detail`.
    private static let detailFields = ["count", "sum", "min", "max", "bucketCounts", "explicitBounds", "scale", "zeroCount",
                                       "zeroThreshold", "positive", "negative", "quantileValues"]

    /// The row of one data point; nil for a point flagged as holding no recorded value. `position` (the point's
    /// indices in the request) is part of its id: the same export sent again is the same points.
    static func point(
        _ point: JSONValue, position: [UInt8], template: MetricPoint, resource: OTLPResource
    ) throws(OTLPValueError) -> MetricPoint? {
        guard point.kind == .object else { throw OTLPValueError("a data point must be an object") }
        if let flags = point.member("flags").flatMap(OTLPValue.int64), flags & 1 != 0 { return nil }
        var row = template
        var attributes: [UInt8] = []
        try OTLPValue.appendObject(point.member("attributes"), to: &attributes)
        row.attributes = attributes
        var session = resource.sessionID
        try OTLPValue.forEach(point.member("attributes")) { (key, value) throws(OTLPValueError) in
            if key.equals("session.id") { session = OTLPValue.string(value) }
        }
        if let session, session.unicodeScalarCount >= 1, session.unicodeScalarCount <= EventSchema.sessionID.maxLength {
            row.sessionID = session.decodedBytes()
        }
        if let time = try OTLPValue.microsecondsSince2000(unixNanos: point.member("timeUnixNano")) { row.time = time }
        row.startTime = try OTLPValue.microsecondsSince2000(unixNanos: point.member("startTimeUnixNano"))

        switch template.kind {
        case .sum, .gauge:
            if let double = point.member("asDouble") {
                guard let number = OTLPValue.double(double) else { throw OTLPValueError("asDouble must be a number") }
                row.value = number
            } else if let int = point.member("asInt") {
                guard let number = OTLPValue.int64(int) else {
                    throw OTLPValueError("asInt must be a 64-bit integer, as a number or a string of digits")
                }
                row.value = Double(number)
            } else {
                throw OTLPValueError("a number data point needs asDouble or asInt")
            }
        case .histogram, .exponentialHistogram, .summary:
            if let sum = point.member("sum") {
                guard let number = OTLPValue.double(sum) else { throw OTLPValueError("sum must be a number") }
                row.value = number
            }
            var detail = JSONObjectBuilder()
            for field in detailFields {
                if let value = point.member(field) { detail.add(key: field, value: value.rawBytes) }
            }
            row.detail = detail.finished()
        }
        row.pointID = ContentHash.id(prefix: "otlp-", position[...], resource.raw, template.name[...], point.rawBytes)
        return row
    }
}

extension MetricPoint.Kind {
    /// The member of an OTLP `Metric` that holds this kind's data.
    var field: String {
        switch self {
        case .sum: "sum"
        case .gauge: "gauge"
        case .histogram: "histogram"
        case .exponentialHistogram: "exponentialHistogram"
        case .summary: "summary"
        }
    }
}
