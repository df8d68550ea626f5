/// One data point, validated, ready for `MetricColumns`.
struct MetricPoint: Sendable {
    enum Kind: String, Sendable {
        case sum, gauge, histogram
        case exponentialHistogram = "exponential_histogram"
        case summary
    }

    enum Temporality: String, Sendable {
        case delta, cumulative
    }

    var sessionID: [UInt8]?
    var name: [UInt8]
    var kind: Kind
    var unit: [UInt8]?
    var temporality: Temporality?
    var isMonotonic: Bool?
    /// Microseconds since 2000-01-01 UTC.
    var startTime: Int64?
    var time: Int64
    /// A sum's or gauge's value; a histogram's or summary's sum.
    var value: Double?
    /// A histogram's or summary's count, bounds, buckets, quantiles, min and max, as sent.
    var detail: [UInt8]?
    var attributes: [UInt8]
    var resource: [UInt8]
    var pointID: [UInt8]
}
