import Postgres

/// Validated OTLP data points laid out as the columns of one `unnest` insert into `otlp_metrics`, each already in
/// PostgreSQL's binary array format: a whole export is one statement.
struct MetricColumns: Sendable {
    var sessionID = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
    var name = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
    var kind = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
    var unit = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
    var temporality = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)
    var isMonotonic = BinaryArray(elementType: MetricColumns.bool, arrayType: MetricColumns.boolArray)
    var startTime = BinaryArray(elementType: PostgresType.timestamptz, arrayType: PostgresType.timestamptzArray)
    var time = BinaryArray(elementType: PostgresType.timestamptz, arrayType: PostgresType.timestamptzArray)
    var value = BinaryArray(elementType: MetricColumns.float8, arrayType: MetricColumns.float8Array)
    var detail = BinaryArray(elementType: PostgresType.jsonb, arrayType: PostgresType.jsonbArray)
    var attributes = BinaryArray(elementType: PostgresType.jsonb, arrayType: PostgresType.jsonbArray)
    var resource = BinaryArray(elementType: PostgresType.jsonb, arrayType: PostgresType.jsonbArray)
    var pointID = BinaryArray(elementType: PostgresType.text, arrayType: PostgresType.textArray)

    var count: Int { name.elementCount }

    mutating func append(_ point: MetricPoint) {
        appendText(point.sessionID, to: &sessionID)
        name.appendText(point.name)
        kind.appendText(point.kind.rawValue.utf8)
        appendText(point.unit, to: &unit)
        appendText(point.temporality.map { Array($0.rawValue.utf8) }, to: &temporality)
        if let monotonic = point.isMonotonic {
            // A binary bool is one byte; appendText writes any element as its length and bytes.
            isMonotonic.appendText([monotonic ? 1 : 0])
        } else {
            isMonotonic.appendNull()
        }
        if let start = point.startTime { startTime.appendTimestamp(microsecondsSince2000: start) } else { startTime.appendNull() }
        time.appendTimestamp(microsecondsSince2000: point.time)
        if let number = point.value {
            // A binary float8 is the IEEE 754 bits, big-endian.
            withUnsafeBytes(of: number.bitPattern.bigEndian) { value.appendText($0) }
        } else {
            value.appendNull()
        }
        if let json = point.detail { detail.appendJSONB(json) } else { detail.appendNull() }
        attributes.appendJSONB(point.attributes)
        resource.appendJSONB(point.resource)
        pointID.appendText(point.pointID)
    }

    private func appendText(_ text: [UInt8]?, to column: inout BinaryArray) {
        if let text { column.appendText(text) } else { column.appendNull() }
    }

    /// The parameters of `insertSQL`, in its order.
    func parameters(hostID: String) -> [PostgresParameter?] {
        [.text(hostID), sessionID.parameter(), name.parameter(), kind.parameter(), unit.parameter(), temporality.parameter(),
         isMonotonic.parameter(), startTime.parameter(), time.parameter(), value.parameter(), detail.parameter(),
         attributes.parameter(), resource.parameter(), pointID.parameter()]
    }

    /// One statement for the whole export; a point already stored (a resent export) is skipped.
    static let insertSQL = """
        INSERT INTO otlp_metrics (host_id, session_id, name, kind, unit, temporality, is_monotonic, start_ts, ts, value,
                                  detail, attributes, resource, point_id)
        SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[],
                                 $8::timestamptz[], $9::timestamptz[], $10::float8[], $11::jsonb[], $12::jsonb[],
                                 $13::jsonb[], $14::text[])
        ON CONFLICT (host_id, point_id) DO NOTHING
        """

    // Type OIDs of PostgreSQL's built-in bool and float8 and their arrays.
    static let bool: UInt32 = 16
    static let boolArray: UInt32 = 1000
    static let float8: UInt32 = 701
    static let float8Array: UInt32 = 1022
}

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
