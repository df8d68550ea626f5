import Postgres

/// A column of `spans` that the collector writes; as with `EventColumn`, the insert and its parameters are derived
/// from these cases, so none can trade places.
enum SpanColumn: Int, CaseIterable, Sendable {
    case hostID, traceID, spanID, parentSpanID, name, kind, startTime, endTime, durationMs, statusCode, statusMessage
    case serviceName, sessionID, source, operation, modelRequest, modelResponse, toolName
    case inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, costUSD
    case attributes, resource, events, links, runType, dottedOrder, inputs, outputs

    var insertColumn: UnnestInsert.Column {
        switch self {
        case .hostID: .init("host_id", .text)
        case .traceID: .init("trace_id", .text)
        case .spanID: .init("span_id", .text)
        case .parentSpanID: .init("parent_span_id", .text)
        case .name: .init("name", .text)
        case .kind: .init("kind", .text)
        case .startTime: .init("start_ts", .timestamptz)
        case .endTime: .init("end_ts", .timestamptz)
        case .durationMs: .init("duration_ms", .float8)
        case .statusCode: .init("status_code", .text)
        case .statusMessage: .init("status_message", .text)
        case .serviceName: .init("service_name", .text)
        case .sessionID: .init("session_id", .text)
        case .source: .init("source", .text)
        case .operation: .init("operation", .text)
        case .modelRequest: .init("model_request", .text)
        case .modelResponse: .init("model_response", .text)
        case .toolName: .init("tool_name", .text)
        case .inputTokens: .init("input_tokens", .int8)
        case .outputTokens: .init("output_tokens", .int8)
        case .cacheReadTokens: .init("cache_read_tokens", .int8)
        case .cacheCreationTokens: .init("cache_creation_tokens", .int8)
        case .costUSD: .init("cost_usd", .float8)
        case .attributes: .init("attributes", .jsonb)
        case .resource: .init("resource", .jsonb)
        case .events: .init("events", .jsonb)
        case .links: .init("links", .jsonb)
        case .runType: .init("run_type", .text)
        case .dottedOrder: .init("dotted_order", .text)
        case .inputs: .init("inputs", .jsonb)
        case .outputs: .init("outputs", .jsonb)
        }
    }
}

/// Validated spans of one host laid out as the columns of one `unnest` insert into `spans`, each already in
/// PostgreSQL's binary array format: a whole export is one statement.
struct SpanColumns: Sendable {
    let hostID: String
    /// Indexed by `SpanColumn.rawValue`, built from `allCases` in the same order.
    private var arrays: [BinaryArray] = SpanColumn.allCases.map { BinaryArray($0.insertColumn.type) }

    init(hostID: String) {
        self.hostID = hostID
    }

    var count: Int { arrays[SpanColumn.spanID.rawValue].elementCount }

    /// The parameters of an insert built from `SpanColumn.allCases`, in its order.
    var parameters: [PostgresParameter?] { arrays.map { $0.parameter() } }

    mutating func append(_ span: SpanRow) {
        func set(_ column: SpanColumn, _ change: (inout BinaryArray) -> Void) { change(&arrays[column.rawValue]) }
        set(.hostID) { $0.appendText(hostID.utf8) }
        set(.traceID) { $0.appendText(span.traceID) }
        set(.spanID) { $0.appendText(span.spanID) }
        set(.parentSpanID) { $0.appendOptionalText(span.parentSpanID) }
        set(.name) { $0.appendText(span.name) }
        set(.kind) { $0.appendOptionalText(span.kind.map { Array($0.rawValue.utf8) }) }
        set(.startTime) { $0.appendTimestamp(microsecondsSince2000: span.startTime) }
        set(.endTime) { column in
            if let end = span.endTime { column.appendTimestamp(microsecondsSince2000: end) } else { column.appendNull() }
        }
        set(.durationMs) { $0.appendOptionalFloat8(span.durationMs) }
        set(.statusCode) { $0.appendText(span.status.rawValue.utf8) }
        set(.statusMessage) { $0.appendOptionalText(span.statusMessage) }
        set(.serviceName) { $0.appendOptionalText(span.serviceName) }
        set(.sessionID) { $0.appendOptionalText(span.sessionID) }
        set(.source) { $0.appendText(span.source.rawValue.utf8) }
        set(.operation) { $0.appendOptionalText(span.operation.map { Array($0.rawValue.utf8) }) }
        set(.modelRequest) { $0.appendOptionalText(span.modelRequest) }
        set(.modelResponse) { $0.appendOptionalText(span.modelResponse) }
        set(.toolName) { $0.appendOptionalText(span.toolName) }
        set(.inputTokens) { $0.appendOptionalInt8(span.inputTokens) }
        set(.outputTokens) { $0.appendOptionalInt8(span.outputTokens) }
        set(.cacheReadTokens) { $0.appendOptionalInt8(span.cacheReadTokens) }
        set(.cacheCreationTokens) { $0.appendOptionalInt8(span.cacheCreationTokens) }
        set(.costUSD) { $0.appendOptionalFloat8(span.costUSD) }
        set(.attributes) { $0.appendJSONB(span.attributes) }
        set(.resource) { $0.appendJSONB(span.resource) }
        set(.events) { column in
            if let json = span.events { column.appendJSONB(json) } else { column.appendNull() }
        }
        set(.links) { column in
            if let json = span.links { column.appendJSONB(json) } else { column.appendNull() }
        }
        set(.runType) { $0.appendOptionalText(span.runType) }
        set(.dottedOrder) { $0.appendOptionalText(span.dottedOrder) }
        set(.inputs) { column in
            if let json = span.inputs { column.appendJSONB(json) } else { column.appendNull() }
        }
        set(.outputs) { column in
            if let json = span.outputs { column.appendJSONB(json) } else { column.appendNull() }
        }
    }

    /// One statement for the whole export; a span already stored (a resent export) is skipped. Returns how many went
    /// in.
    @discardableResult
    func insert(on connection: PostgresConnection) throws(PostgresError) -> Int {
        try connection.execute(prepared: "insert_spans", sql: Self.insert.sql, parameters).affectedRows
    }

    /// What makes a span the same span: its host, trace, id and start (the partitioned table's unique key includes its
    /// partition column, migration 014). Every statement that writes spans names it through this, so that a change of
    /// the table's unique key changes them all.
    static let conflictTarget = "(host_id, trace_id, span_id, start_ts)"

    static let insert = UnnestInsert(
        table: "spans", columns: SpanColumn.allCases.map(\.insertColumn),
        conflictClause: "ON CONFLICT \(conflictTarget) DO NOTHING")
}

extension BinaryArray {
    /// A binary int8 is the two's-complement bits, big-endian.
    mutating func appendOptionalInt8(_ value: Int64?) {
        guard let value else { return appendNull() }
        withUnsafeBytes(of: value.bigEndian) { appendText($0) }
    }

    /// A binary float8 is the IEEE 754 bits, big-endian.
    mutating func appendOptionalFloat8(_ value: Double?) {
        guard let value else { return appendNull() }
        withUnsafeBytes(of: value.bitPattern.bigEndian) { appendText($0) }
    }
}
