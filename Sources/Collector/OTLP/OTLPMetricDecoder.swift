import JSON
import OTLPProtobuf

/// An OTLP metrics export (`resourceMetrics` / `scopeMetrics` / `metrics`), JSON or protobuf, as rows of
/// `otlp_metrics`, one per data point: the metric's name, kind and unit, the point's time, start time, value and
/// attributes, its sum's temporality (Claude Code sends delta: each point is the increase since the one before), the
/// resource's attributes, and `session.id` (of the point, else of the resource) as its own column. Histograms and
/// summaries keep their sum as the value and the rest in `detail`. Both encodings are read into the same messages
/// (`OTLPJSONMessages`, `OTLPProtobufDecoder`) and mapped by the same rules, and a point's id is a hash of what both
/// read, so the same point sent in either encoding is one row. A point that cannot be stored (`OTLPItemCheck`, or a
/// rule here) is counted in `partial_success`; the others are stored.
struct OTLPMetricDecoder: Sendable {
    var limits = OTLPProtobufLimits()

    func decode(json root: JSONValue, hostID: String, receivedAt: Int64) throws(ValidationError) -> OTLPDecoded<MetricColumns> {
        var columns = MetricColumns(hostID: hostID)
        var rejections = OTLPRejections(of: "data points")
        try OTLPExportWalk(signal: "Metrics").forEachScope(in: root, rejections: &rejections, itemsUnder: { scope in
            (scope.member("metrics")?.elements ?? JSONDocument.emptyArray.root.elements).reduce(0) {
                $0 + (OTLPJSONMessages.metric($1)?.points.count ?? 0)
            }
        }) { (scopeMetrics: OTLPExportWalk.Scope, rejections: inout OTLPRejections) throws(ValidationError) in
            let scope = Scope(resource: scopeMetrics.resource,
                              scope: OTLPJSONMessages.scope(scopeMetrics.object.member("scope")),
                              check: OTLPItemCheck(limits: limits), receivedAt: receivedAt)
            for (metricIndex, metric) in try OTLPValue.objects(scopeMetrics.object, "metrics", path: scopeMetrics.path + ".").enumerated() {
                // A metric without data has nothing to store or refuse.
                guard let (header, points) = OTLPJSONMessages.metric(metric),
                      let kind = OTLPDataPoint.points(of: header)?.kind else { continue }
                let path = "\(scopeMetrics.path).metrics[\(metricIndex)]"
                guard let template = scope.template(header, kind: kind) else {
                    rejections.reject(points.count, at: path, Self.nameRule)
                    continue
                }
                for (pointIndex, point) in points.enumerated() {
                    let pointPath = "\(path).\(kind.field).dataPoints[\(pointIndex)]"
                    do throws(OTLPValueError) {
                        scope.take(try OTLPJSONMessages.dataPoint(point, kind: kind),
                                   position: "\(scopeMetrics.position)/\(metricIndex)/\(pointIndex)", path: pointPath,
                                   template: template, into: &columns, rejections: &rejections)
                    } catch {
                        rejections.reject(at: pointPath, error.message)
                    }
                }
            }
        }
        return OTLPDecoded(rows: columns, rejections: rejections)
    }

    func decode(protobuf body: [UInt8], hostID: String, receivedAt: Int64) throws(OTLPProtobufError) -> OTLPDecoded<MetricColumns> {
        let request = try OTLPProtobufDecoder(limits: limits).decodeMetrics(body)
        var columns = MetricColumns(hostID: hostID)
        var rejections = OTLPRejections(of: "data points")
        for (resourceIndex, resourceMetrics) in request.resourceMetrics.enumerated() {
            for (scopeIndex, scopeMetrics) in resourceMetrics.scopeMetrics.enumerated() {
                let scope = Scope(resource: resourceMetrics.resource, scope: scopeMetrics.scope,
                                  check: OTLPItemCheck(limits: limits), receivedAt: receivedAt)
                for (metricIndex, metric) in scopeMetrics.metrics.enumerated() {
                    guard let (kind, points) = OTLPDataPoint.points(of: metric) else { continue }
                    let path = "resourceMetrics[\(resourceIndex)].scopeMetrics[\(scopeIndex)].metrics[\(metricIndex)]"
                    guard let template = scope.template(metric, kind: kind) else {
                        rejections.reject(points.count, at: path, Self.nameRule)
                        continue
                    }
                    for (pointIndex, point) in points.enumerated() {
                        scope.take(point, position: "\(resourceIndex)/\(scopeIndex)/\(metricIndex)/\(pointIndex)",
                                   path: "\(path).\(kind.field).dataPoints[\(pointIndex)]", template: template,
                                   into: &columns, rejections: &rejections)
                    }
                }
            }
        }
        return OTLPDecoded(rows: columns, rejections: rejections)
    }

    private static let nameRule = "a metric needs a name of 1 to 256 characters"

    /// What every point of one scope shares, and the rules that make a point a row.
    private struct Scope {
        let resource: OTLPResource
        let check: OTLPItemCheck
        let receivedAt: Int64
        /// What is wrong with the resource's or the scope's attributes, which refuses every point under them.
        let problems: [OTLPItemProblem]

        init(resource: OTLP.Resource, scope: OTLP.InstrumentationScope, check: OTLPItemCheck, receivedAt: Int64) {
            self.resource = OTLPResource(resource)
            self.check = check
            self.receivedAt = receivedAt
            problems = check.problems(attributes: resource.attributes, of: "the resource")
                + check.problems(attributes: scope.attributes, of: "the scope")
        }

        /// The columns a metric gives each of its points; nil when its name will not do.
        func template(_ metric: OTLP.Metric, kind: MetricPoint.Kind) -> MetricPoint? {
            let nameLength = metric.name.unicodeScalars.count
            guard nameLength >= 1, nameLength <= 256 else { return nil }
            let temporality: OTLP.AggregationTemporality? = switch metric.data {
            case let .sum(sum)?: sum.aggregationTemporality
            case let .histogram(histogram)?: histogram.aggregationTemporality
            case let .exponentialHistogram(histogram)?: histogram.aggregationTemporality
            default: nil
            }
            var isMonotonic: Bool?
            if case let .sum(sum)? = metric.data { isMonotonic = sum.isMonotonic }
            return MetricPoint(
                sessionID: nil, name: Array(metric.name.utf8), kind: kind, unit: metric.unit.isEmpty ? nil : Array(metric.unit.utf8),
                temporality: temporality == .delta ? .delta : temporality == .cumulative ? .cumulative : nil,
                isMonotonic: isMonotonic, startTime: nil, time: receivedAt, value: nil, detail: nil, attributes: [],
                resource: resource.attributes, pointID: [])
        }

        func take(
            _ point: OTLPDataPoint, position: String, path: String, template: MetricPoint,
            into columns: inout MetricColumns, rejections: inout OTLPRejections
        ) {
            // A point flagged as holding no recorded value has nothing to store or refuse.
            if point.hasNoRecordedValue { return }
            let problems = self.problems + check.problems(attributes: point.attributes, of: "the data point")
            guard problems.isEmpty else { return rejections.reject(at: path, problems.map(\.message).joined(separator: "; ")) }
            do throws(OTLPValueError) {
                columns.append(try row(point, position: Array(position.utf8), template: template))
                rejections.accepted()
            } catch {
                rejections.reject(at: path, error.message)
            }
        }

        /// `position` (the point's indices in the request) is part of its id: the same export sent again is the same
        /// points.
        private func row(_ point: OTLPDataPoint, position: [UInt8], template: MetricPoint) throws(OTLPValueError) -> MetricPoint {
            var row = template
            row.value = try point.value()
            row.detail = point.detail
            row.attributes = OTLPPlainJSON.object(point.attributes)
            var session = resource.sessionID
            for attribute in point.attributes where attribute.key == "session.id" {
                session = OTLPPlainJSON.string(attribute.value)
            }
            if let session, !session.isEmpty, session.unicodeScalars.count <= EventSchema.sessionID.maxLength {
                row.sessionID = Array(session.utf8)
            }
            let (start, time) = point.times
            if let time = OTLPValue.microsecondsSince2000(unixNanos: time) { row.time = time }
            row.startTime = OTLPValue.microsecondsSince2000(unixNanos: start)
            row.pointID = ContentHash.id(prefix: "otlp-", position[...], resource.identity[...], template.name[...],
                                         Array(template.kind.rawValue.utf8)[...], point.identity[...])
            return row
        }
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
