import Foundation
import JSON
import OTLPProtobuf
import TextFormats

/// OTLP/JSON read into the messages the protobuf decoder gives, so that one set of rules (`OTLPLogDecoder`,
/// `OTLPMetricDecoder`) serves both encodings and a JSON export and its protobuf twin are stored as the same rows.
/// OTLP/JSON differs from protobuf's JSON mapping in one way: trace and span ids are hex, not base64. Each function
/// reads one item (or a part of one) and throws what is wrong with it, which refuses that item only.
enum OTLPJSONMessages {
    /// An `AnyValue`; nil when absent or null. It is a oneof: the first member that names a known kind decides, and
    /// one that names none is an empty value.
    static func anyValue(_ json: JSONValue?) throws(OTLPValueError) -> OTLP.AnyValue? {
        guard let json, !json.isNull else { return nil }
        guard json.kind == .object else {
            throw OTLPValueError(#"a value must be an AnyValue object such as {"stringValue": "..."}"#)
        }
        var anyValue = OTLP.AnyValue()
        for member in json.members {
            let key = member.key
            let value = member.value
            if key.equals("stringValue") {
                guard let text = value.string else { throw OTLPValueError("stringValue must be a string") }
                anyValue.stringValue = text.decoded()
            } else if key.equals("bytesValue") {
                guard let text = value.string, let bytes = Data(base64Encoded: text.decoded()) else {
                    throw OTLPValueError("bytesValue must be a base64 string")
                }
                anyValue.bytesValue = bytes
            } else if key.equals("boolValue") {
                guard let flag = value.bool else { throw OTLPValueError("boolValue must be true or false") }
                anyValue.boolValue = flag
            } else if key.equals("intValue") {
                guard let number = OTLPValue.int64(value) else {
                    throw OTLPValueError("intValue must be a 64-bit integer, as a number or a string of digits")
                }
                anyValue.intValue = number
            } else if key.equals("doubleValue") {
                guard let number = OTLPValue.double(value) else { throw OTLPValueError("doubleValue must be a number") }
                anyValue.doubleValue = number
            } else if key.equals("arrayValue") {
                var array = OTLP.ArrayValue()
                for element in try OTLPValue.list(value.member("values"), "arrayValue.values") {
                    array.values.append(try self.anyValue(element) ?? OTLP.AnyValue())
                }
                anyValue.arrayValue = array
            } else if key.equals("kvlistValue") {
                var list = OTLP.KeyValueList()
                list.values = try keyValues(value.member("values"))
                anyValue.kvlistValue = list
            } else {
                continue
            }
            return anyValue
        }
        return anyValue
    }

    /// A `KeyValue` list (`[{"key": "k", "value": AnyValue}, ...]`); absent is empty.
    static func keyValues(_ json: JSONValue?) throws(OTLPValueError) -> [OTLP.KeyValue] {
        var keyValues: [OTLP.KeyValue] = []
        for element in try OTLPValue.list(json, "attributes") {
            guard let key = element.member("key")?.string else {
                throw OTLPValueError(#"each attribute must be an object {"key": "...", "value": {...}}"#)
            }
            var keyValue = OTLP.KeyValue()
            keyValue.key = key.decoded()
            if let value = try anyValue(element.member("value")) { keyValue.value = value }
            keyValues.append(keyValue)
        }
        return keyValues
    }

    /// A resource; absent or null is the empty one.
    static func resource(_ json: JSONValue?) throws(OTLPValueError) -> OTLP.Resource {
        var resource = OTLP.Resource()
        guard let json, !json.isNull else { return resource }
        guard json.kind == .object else { throw OTLPValueError("resource must be an object") }
        resource.attributes = try keyValues(json.member("attributes"))
        resource.droppedAttributesCount = try uint32(json.member("droppedAttributesCount"), "droppedAttributesCount")
        return resource
    }

    /// An instrumentation scope: its name, version and attributes; members of the wrong type are left out, as
    /// the scope only labels what is under it.
    static func scope(_ json: JSONValue?) -> OTLP.InstrumentationScope {
        var scope = OTLP.InstrumentationScope()
        guard let json, json.kind == .object else { return scope }
        if let name = json.member("name")?.string { scope.name = name.decoded() }
        if let version = json.member("version")?.string { scope.version = version.decoded() }
        if let attributes = try? keyValues(json.member("attributes")) { scope.attributes = attributes }
        return scope
    }

    static func logRecord(_ json: JSONValue) throws(OTLPValueError) -> OTLP.LogRecord {
        guard json.kind == .object else { throw OTLPValueError("a log record must be an object") }
        var record = OTLP.LogRecord()
        record.timeUnixNano = try OTLPValue.unixNanos(json.member("timeUnixNano"))
        record.observedTimeUnixNano = try OTLPValue.unixNanos(json.member("observedTimeUnixNano"))
        if let severity = json.member("severityNumber"), !severity.isNull {
            guard let number = OTLPValue.int64(severity), let level = Int(exactly: number),
                  let known = OTLP.SeverityNumber(rawValue: level) else {
                throw OTLPValueError("severityNumber must be an integer from 0 to 24")
            }
            record.severityNumber = known
        }
        record.severityText = try string(json.member("severityText"), "severityText")
        if let body = try anyValue(json.member("body")) { record.body = body }
        record.attributes = try keyValues(json.member("attributes"))
        record.droppedAttributesCount = try uint32(json.member("droppedAttributesCount"), "droppedAttributesCount")
        record.flags = try uint32(json.member("flags"), "flags")
        record.traceID = try id(json.member("traceId"), "traceId")
        record.spanID = try id(json.member("spanId"), "spanId")
        record.eventName = try string(json.member("eventName"), "eventName")
        return record
    }

    /// A metric's name, unit and kind of data with its temporality and monotonic flag, without its data points,
    /// which `dataPoint` reads one by one; nil when the metric carries no data.
    static func metric(_ json: JSONValue) -> (metric: OTLP.Metric, points: [JSONValue])? {
        var metric = OTLP.Metric()
        if let name = json.member("name")?.string { metric.name = name.decoded() }
        if let unit = json.member("unit")?.string { metric.unit = unit.decoded() }
        for kind in [MetricPoint.Kind.sum, .gauge, .histogram, .exponentialHistogram, .summary] {
            guard let data = json.member(kind.field), data.kind == .object else { continue }
            let points = Array(data.member("dataPoints")?.elements ?? JSONDocument.emptyArray.root.elements)
            let temporality = self.temporality(data.member("aggregationTemporality"))
            switch kind {
            case .sum:
                var sum = OTLP.Sum()
                sum.aggregationTemporality = temporality
                sum.isMonotonic = data.member("isMonotonic")?.bool ?? false
                metric.sum = sum
            case .gauge: metric.gauge = OTLP.Gauge()
            case .histogram:
                var histogram = OTLP.Histogram()
                histogram.aggregationTemporality = temporality
                metric.histogram = histogram
            case .exponentialHistogram:
                var histogram = OTLP.ExponentialHistogram()
                histogram.aggregationTemporality = temporality
                metric.exponentialHistogram = histogram
            case .summary: metric.summary = OTLP.Summary()
            }
            return (metric, points)
        }
        return nil
    }

    /// One data point of a metric of `kind`.
    static func dataPoint(_ json: JSONValue, kind: MetricPoint.Kind) throws(OTLPValueError) -> OTLPDataPoint {
        guard json.kind == .object else { throw OTLPValueError("a data point must be an object") }
        let attributes = try keyValues(json.member("attributes"))
        let start = try OTLPValue.unixNanos(json.member("startTimeUnixNano"))
        let time = try OTLPValue.unixNanos(json.member("timeUnixNano"))
        let flags = try uint32(json.member("flags"), "flags")
        switch kind {
        case .sum, .gauge:
            var point = OTLP.NumberDataPoint()
            (point.attributes, point.startTimeUnixNano, point.timeUnixNano, point.flags) = (attributes, start, time, flags)
            if let double = json.member("asDouble") {
                guard let number = OTLPValue.double(double) else { throw OTLPValueError("asDouble must be a number") }
                point.asDouble = number
            } else if let int = json.member("asInt") {
                guard let number = OTLPValue.int64(int) else {
                    throw OTLPValueError("asInt must be a 64-bit integer, as a number or a string of digits")
                }
                point.asInt = number
            }
            return .number(point)
        case .histogram:
            var point = OTLP.HistogramDataPoint()
            (point.attributes, point.startTimeUnixNano, point.timeUnixNano, point.flags) = (attributes, start, time, flags)
            point.count = try uint64(json.member("count"), "count")
            if let sum = try optionalDouble(json.member("sum"), "sum") { point.sum = sum }
            if let min = try optionalDouble(json.member("min"), "min") { point.min = min }
            if let max = try optionalDouble(json.member("max"), "max") { point.max = max }
            point.bucketCounts = try uint64s(json.member("bucketCounts"), "bucketCounts")
            point.explicitBounds = try doubles(json.member("explicitBounds"), "explicitBounds")
            return .histogram(point)
        case .exponentialHistogram:
            var point = OTLP.ExponentialHistogramDataPoint()
            (point.attributes, point.startTimeUnixNano, point.timeUnixNano, point.flags) = (attributes, start, time, flags)
            point.count = try uint64(json.member("count"), "count")
            if let sum = try optionalDouble(json.member("sum"), "sum") { point.sum = sum }
            if let min = try optionalDouble(json.member("min"), "min") { point.min = min }
            if let max = try optionalDouble(json.member("max"), "max") { point.max = max }
            if let scale = json.member("scale"), !scale.isNull {
                guard let number = OTLPValue.int64(scale), let scale = Int32(exactly: number) else {
                    throw OTLPValueError("scale must be a 32-bit integer")
                }
                point.scale = scale
            }
            point.zeroCount = try uint64(json.member("zeroCount"), "zeroCount")
            point.zeroThreshold = try optionalDouble(json.member("zeroThreshold"), "zeroThreshold") ?? 0
            if let positive = try buckets(json.member("positive"), "positive") { point.positive = positive }
            if let negative = try buckets(json.member("negative"), "negative") { point.negative = negative }
            return .exponentialHistogram(point)
        case .summary:
            var point = OTLP.SummaryDataPoint()
            (point.attributes, point.startTimeUnixNano, point.timeUnixNano, point.flags) = (attributes, start, time, flags)
            point.count = try uint64(json.member("count"), "count")
            point.sum = try optionalDouble(json.member("sum"), "sum") ?? 0
            for quantile in try OTLPValue.list(json.member("quantileValues"), "quantileValues") {
                var value = OTLP.SummaryDataPoint.ValueAtQuantile()
                value.quantile = try optionalDouble(quantile.member("quantile"), "quantile") ?? 0
                value.value = try optionalDouble(quantile.member("value"), "value") ?? 0
                point.quantileValues.append(value)
            }
            return .summary(point)
        }
    }

    private static func temporality(_ json: JSONValue?) -> OTLP.AggregationTemporality {
        guard let json else { return .unspecified }
        if json.int64 == 1 || json.string?.equals("AGGREGATION_TEMPORALITY_DELTA") == true { return .delta }
        if json.int64 == 2 || json.string?.equals("AGGREGATION_TEMPORALITY_CUMULATIVE") == true { return .cumulative }
        return .unspecified
    }

    private static func buckets(
        _ json: JSONValue?, _ name: String
    ) throws(OTLPValueError) -> OTLP.ExponentialHistogramDataPoint.Buckets? {
        guard let json, !json.isNull else { return nil }
        guard json.kind == .object else { throw OTLPValueError("\(name) must be an object") }
        var buckets = OTLP.ExponentialHistogramDataPoint.Buckets()
        if let offset = json.member("offset"), !offset.isNull {
            guard let number = OTLPValue.int64(offset), let offset = Int32(exactly: number) else {
                throw OTLPValueError("\(name).offset must be a 32-bit integer")
            }
            buckets.offset = offset
        }
        buckets.bucketCounts = try uint64s(json.member("bucketCounts"), "\(name).bucketCounts")
        return buckets
    }

    private static func string(_ json: JSONValue?, _ name: String) throws(OTLPValueError) -> String {
        guard let json, !json.isNull else { return "" }
        guard let text = json.string else { throw OTLPValueError("\(name) must be a string") }
        return text.decoded()
    }

    /// A trace or span id: hex in OTLP/JSON. Its length is checked with the item (`OTLPItemCheck`).
    private static func id(_ json: JSONValue?, _ name: String) throws(OTLPValueError) -> Data {
        guard let json, !json.isNull else { return Data() }
        guard let text = json.string, let bytes = Hex.decode(text.decodedBytes()) else {
            throw OTLPValueError("\(name) must be a string of hex digits")
        }
        return Data(bytes)
    }

    private static func uint32(_ json: JSONValue?, _ name: String) throws(OTLPValueError) -> UInt32 {
        guard let json, !json.isNull else { return 0 }
        guard let number = OTLPValue.uint64(json), let small = UInt32(exactly: number) else {
            throw OTLPValueError("\(name) must be a 32-bit unsigned integer")
        }
        return small
    }

    private static func uint64(_ json: JSONValue?, _ name: String) throws(OTLPValueError) -> UInt64 {
        guard let json, !json.isNull else { return 0 }
        guard let number = OTLPValue.uint64(json) else {
            throw OTLPValueError("\(name) must be an unsigned 64-bit integer, as a number or a string of digits")
        }
        return number
    }

    private static func optionalDouble(_ json: JSONValue?, _ name: String) throws(OTLPValueError) -> Double? {
        guard let json, !json.isNull else { return nil }
        guard let number = OTLPValue.double(json) else { throw OTLPValueError("\(name) must be a number") }
        return number
    }

    private static func uint64s(_ json: JSONValue?, _ name: String) throws(OTLPValueError) -> [UInt64] {
        var numbers: [UInt64] = []
        for element in try OTLPValue.list(json, name) { numbers.append(try uint64(element, name)) }
        return numbers
    }

    private static func doubles(_ json: JSONValue?, _ name: String) throws(OTLPValueError) -> [Double] {
        var numbers: [Double] = []
        for element in try OTLPValue.list(json, name) {
            guard let number = OTLPValue.double(element) else { throw OTLPValueError("\(name) must hold numbers") }
            numbers.append(number)
        }
        return numbers
    }
}
