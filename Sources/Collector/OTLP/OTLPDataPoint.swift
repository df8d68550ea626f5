import JSON
import OTLPProtobuf

/// One data point of any kind of metric, as both encodings give it.
enum OTLPDataPoint: Sendable {
    case number(OTLP.NumberDataPoint)
    case histogram(OTLP.HistogramDataPoint)
    case exponentialHistogram(OTLP.ExponentialHistogramDataPoint)
    case summary(OTLP.SummaryDataPoint)

    /// The points of a metric's data, and its kind; nil when the metric carries none.
    static func points(of metric: OTLP.Metric) -> (kind: MetricPoint.Kind, points: [OTLPDataPoint])? {
        switch metric.data {
        case let .sum(sum)?: (.sum, sum.dataPoints.map { .number($0) })
        case let .gauge(gauge)?: (.gauge, gauge.dataPoints.map { .number($0) })
        case let .histogram(histogram)?: (.histogram, histogram.dataPoints.map { .histogram($0) })
        case let .exponentialHistogram(histogram)?: (.exponentialHistogram, histogram.dataPoints.map { .exponentialHistogram($0) })
        case let .summary(summary)?: (.summary, summary.dataPoints.map { .summary($0) })
        case nil: nil
        }
    }

    var attributes: [OTLP.KeyValue] {
        switch self {
        case let .number(point): point.attributes
        case let .histogram(point): point.attributes
        case let .exponentialHistogram(point): point.attributes
        case let .summary(point): point.attributes
        }
    }

    var times: (start: UInt64, time: UInt64) {
        switch self {
        case let .number(point): (point.startTimeUnixNano, point.timeUnixNano)
        case let .histogram(point): (point.startTimeUnixNano, point.timeUnixNano)
        case let .exponentialHistogram(point): (point.startTimeUnixNano, point.timeUnixNano)
        case let .summary(point): (point.startTimeUnixNano, point.timeUnixNano)
        }
    }

    /// Bit 0 of `flags`: the point holds no recorded value.
    var hasNoRecordedValue: Bool {
        let flags = switch self {
        case let .number(point): point.flags
        case let .histogram(point): point.flags
        case let .exponentialHistogram(point): point.flags
        case let .summary(point): point.flags
        }
        return flags & 1 != 0
    }

    /// A sum's or gauge's value; a histogram's or summary's sum, when sent.
    func value() throws(OTLPValueError) -> Double? {
        switch self {
        case let .number(point):
            switch point.value {
            case let .asDouble(number)?: return number
            case let .asInt(number)?: return Double(number)
            case nil: throw OTLPValueError("a number data point needs asDouble or asInt")
            }
        case let .histogram(point): return point.hasSum ? point.sum : nil
        case let .exponentialHistogram(point): return point.hasSum ? point.sum : nil
        case let .summary(point): return point.sum
        }
    }

    /// A histogram's or summary's count, bounds, buckets, quantiles, min and max as a JSON object (OTLP/JSON's
    /// names, numbers as numbers); nil for a number point.
    var detail: [UInt8]? {
        var object = JSONObjectBuilder()
        func add(_ key: String, _ number: Double) { object.add(key: key) { OTLPPlainJSON.append(number, to: &$0) } }
        func add(_ key: String, _ number: some BinaryInteger) { object.add(key: key, value: String(number).utf8) }
        func add(_ key: String, _ numbers: [UInt64]) {
            object.add(key: key, value: ("[" + numbers.map(String.init).joined(separator: ",") + "]").utf8)
        }
        switch self {
        case .number:
            return nil
        case let .histogram(point):
            add("count", point.count)
            if point.hasSum { add("sum", point.sum) }
            if point.hasMin { add("min", point.min) }
            if point.hasMax { add("max", point.max) }
            add("bucketCounts", point.bucketCounts)
            object.add(key: "explicitBounds") { out in
                out.append(UInt8(ascii: "["))
                for (index, bound) in point.explicitBounds.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    OTLPPlainJSON.append(bound, to: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
        case let .exponentialHistogram(point):
            add("count", point.count)
            if point.hasSum { add("sum", point.sum) }
            if point.hasMin { add("min", point.min) }
            if point.hasMax { add("max", point.max) }
            add("scale", point.scale)
            add("zeroCount", point.zeroCount)
            add("zeroThreshold", point.zeroThreshold)
            for (key, buckets) in [("positive", point.positive), ("negative", point.negative)] {
                object.add(key: key, value: #"{"offset":\#(buckets.offset),"bucketCounts":[\#(buckets.bucketCounts.map(String.init).joined(separator: ","))]}"#.utf8)
            }
        case let .summary(point):
            add("count", point.count)
            add("sum", point.sum)
            object.add(key: "quantileValues") { out in
                out.append(UInt8(ascii: "["))
                for (index, quantile) in point.quantileValues.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: #"{"quantile":"#.utf8)
                    OTLPPlainJSON.append(quantile.quantile, to: &out)
                    out.append(contentsOf: #","value":"#.utf8)
                    OTLPPlainJSON.append(quantile.value, to: &out)
                    out.append(UInt8(ascii: "}"))
                }
                out.append(UInt8(ascii: "]"))
            }
        }
        return object.finished()
    }

    /// The point as both encodings read it, for its idempotency key (exemplars, which neither reads, left out).
    var identity: [UInt8] {
        switch self {
        case var .number(point):
            point.exemplars = []
            return OTLPIdentity.bytes(point)
        case var .histogram(point):
            point.exemplars = []
            return OTLPIdentity.bytes(point)
        case var .exponentialHistogram(point):
            point.exemplars = []
            return OTLPIdentity.bytes(point)
        case let .summary(point):
            return OTLPIdentity.bytes(point)
        }
    }
}
