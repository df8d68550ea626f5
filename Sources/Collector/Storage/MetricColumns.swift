import Postgres

/// A column of `otlp_metrics` that the collector writes; as with `EventColumn`, the insert and its parameters are
/// derived from these cases, so none can trade places.
enum MetricColumn: Int, CaseIterable, Sendable {
    case hostID, sessionID, name, kind, unit, temporality, isMonotonic, startTime, time, value, detail, attributes
    case resource, pointID

    var insertColumn: UnnestInsert.Column {
        switch self {
        case .hostID: .init("host_id", .text)
        case .sessionID: .init("session_id", .text)
        case .name: .init("name", .text)
        case .kind: .init("kind", .text)
        case .unit: .init("unit", .text)
        case .temporality: .init("temporality", .text)
        case .isMonotonic: .init("is_monotonic", .bool)
        case .startTime: .init("start_ts", .timestamptz)
        case .time: .init("ts", .timestamptz)
        case .value: .init("value", .float8)
        case .detail: .init("detail", .jsonb)
        case .attributes: .init("attributes", .jsonb)
        case .resource: .init("resource", .jsonb)
        case .pointID: .init("point_id", .text)
        }
    }
}

/// Validated OTLP data points of one host laid out as the columns of one `unnest` insert into `otlp_metrics`,
/// each already in PostgreSQL's binary array format: a whole export is one statement.
struct MetricColumns: Sendable {
    let hostID: String
    /// Indexed by `MetricColumn.rawValue`, built from `allCases` in the same order.
    private var arrays: [BinaryArray] = MetricColumn.allCases.map { BinaryArray($0.insertColumn.type) }

    init(hostID: String) {
        self.hostID = hostID
    }

    var count: Int { arrays[MetricColumn.name.rawValue].elementCount }

    mutating func append(_ point: MetricPoint) {
        func set(_ column: MetricColumn, _ change: (inout BinaryArray) -> Void) { change(&arrays[column.rawValue]) }
        set(.hostID) { $0.appendText(hostID.utf8) }
        set(.sessionID) { $0.appendOptionalText(point.sessionID) }
        set(.name) { $0.appendText(point.name) }
        set(.kind) { $0.appendText(point.kind.rawValue.utf8) }
        set(.unit) { $0.appendOptionalText(point.unit) }
        set(.temporality) { $0.appendOptionalText(point.temporality.map { Array($0.rawValue.utf8) }) }
        // A binary bool is one byte; appendText writes any element as its length and bytes.
        set(.isMonotonic) { $0.appendOptionalText(point.isMonotonic.map { [$0 ? 1 : 0] }) }
        set(.startTime) { column in
            if let start = point.startTime { column.appendTimestamp(microsecondsSince2000: start) } else { column.appendNull() }
        }
        set(.time) { $0.appendTimestamp(microsecondsSince2000: point.time) }
        set(.value) { $0.appendOptionalFloat8(point.value) }
        set(.detail) { column in
            if let json = point.detail { column.appendJSONB(json) } else { column.appendNull() }
        }
        set(.attributes) { $0.appendJSONB(point.attributes) }
        set(.resource) { $0.appendJSONB(point.resource) }
        set(.pointID) { $0.appendText(point.pointID) }
    }

    /// One statement for the whole export; a point already stored (a resent export) is skipped.
    func insert(on connection: PostgresConnection) throws(PostgresError) {
        try connection.execute(prepared: "insert_otlp_metrics", sql: Self.insert.sql, arrays.map { $0.parameter() })
    }

    /// What makes a point the same point: its host, hash and time (the partitioned table's unique key includes its
    /// partition column, migration 014; the hash covers the time already).
    static let conflictTarget = "(host_id, point_id, ts)"

    static let insert = UnnestInsert(
        table: "otlp_metrics", columns: MetricColumn.allCases.map(\.insertColumn),
        conflictClause: "ON CONFLICT \(conflictTarget) DO NOTHING")
}
