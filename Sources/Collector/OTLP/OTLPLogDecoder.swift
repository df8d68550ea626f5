import JSON
import OTLPProtobuf

/// An OTLP/JSON logs export (`resourceLogs` / `scopeLogs` / `logRecords`) as events, one per log record:
/// - `eventType`: the event name (`eventName`, else the `event.name` attribute); when the body is that name with a
///   prefix, as Claude Code's `claude_code.api_request` is for `api_request`, the body. Without a name: `log`.
/// - `sessionId`: the `session.id` attribute of the record, else of its resource; a record without one is refused.
/// - `timestamp`: `timeUnixNano`, else `observedTimeUnixNano`, else the time of receipt.
/// - `tool_name`, `duration_ms`, `model`, `decision` and the resource's `service.name` fill the tool, latency, model
///   tier, decision and agent columns; every attribute also stays in `attributes`, next to `resource` (the
///   resource's attributes), `scope`, and the body, severity and trace ids where present.
/// - `eventId`: a hash of the record, its place in the request and its resource, so that a resent export is not
///   stored twice.
/// A record that cannot be stored is counted in `partialSuccess`; the others are stored.
struct OTLPLogDecoder: Sendable {
    var limits = OTLPProtobufLimits()

    func decode(json root: JSONValue, hostID: String, receivedAt: Int64) throws(ValidationError) -> OTLPDecoded<EventBatch> {
        var batch = EventBatch(hostID: hostID)
        var rejections = OTLPRejections(of: "log records")
        try OTLPExportWalk(signal: "Logs").forEachScope(in: root, rejections: &rejections, itemsUnder: {
            $0.member("logRecords")?.count ?? 0
        }) { (scopeLogs: OTLPExportWalk.Scope, rejections: inout OTLPRejections) throws(ValidationError) in
            let scope = Self.scopeJSON(scopeLogs.object.member("scope"))
            let records: JSONElements
            do {
                records = try OTLPValue.list(scopeLogs.object.member("logRecords"), "logRecords")
            } catch {
                throw ValidationError("invalid_body", "\(scopeLogs.path).logRecords must be an array", field: "logRecords")
            }
            for (recordIndex, record) in records.enumerated() {
                do throws(OTLPValueError) {
                    let position = Array("\(scopeLogs.position)/\(recordIndex)".utf8)
                    batch.append(try Self.event(record, position: position, resource: scopeLogs.resource, scope: scope,
                                                receivedAt: receivedAt))
                    rejections.accepted()
                } catch {
                    rejections.reject(at: "\(scopeLogs.path).logRecords[\(recordIndex)]", error.message)
                }
            }
        }
        return OTLPDecoded(rows: batch, rejections: rejections)
    }

    /// Protobuf log exports are checked (`OTLPProtobufDecoder`) but not yet stored.
    func decode(protobuf body: [UInt8], hostID: String, receivedAt: Int64) throws(OTLPProtobufError) -> OTLPDecoded<EventBatch> {
        _ = try OTLPProtobufDecoder(limits: limits).decodeLogs(body)
        throw OTLPProtobufError(.malformed, "protobuf logs are not stored yet: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json")
    }

    /// The attributes the event's columns come from.
    private static let columnAttributes = ["session.id", "event.name", "tool_name", "duration_ms", "model", "decision"]

    /// `position` (the record's indices in the request) is part of its id: two identical records of one export
    /// are two events, the same export sent again is the same events.
    static func event(
        _ record: JSONValue, position: [UInt8], resource: OTLPResource, scope: [UInt8]?, receivedAt: Int64
    ) throws(OTLPValueError) -> EventRow {
        guard record.kind == .object else { throw OTLPValueError("a log record must be an object") }
        var attributes = JSONObjectBuilder()
        var known: [String: JSONValue] = [:]
        try OTLPValue.forEach(record.member("attributes")) { (key, value) throws(OTLPValueError) in
            try attributes.add(key: key) { (out: inout [UInt8]) throws(OTLPValueError) in
                try OTLPValue.appendJSON(value, to: &out)
            }
            if let value, let name = columnAttributes.first(where: { key.equals($0) }) { known[name] = value }
        }

        guard let session = OTLPValue.string(known["session.id"]) ?? resource.sessionID else {
            throw OTLPValueError("a log record needs a session.id attribute (on the record or its resource)")
        }
        guard session.unicodeScalarCount >= 1, session.unicodeScalarCount <= EventSchema.sessionID.maxLength else {
            throw OTLPValueError("session.id must be 1 to \(EventSchema.sessionID.maxLength) characters")
        }

        let body = record.member("body")
        let bodyText = OTLPValue.string(body)?.decodedBytes()
        let name = record.member("eventName")?.string.flatMap { $0.unicodeScalarCount > 0 ? $0.decodedBytes() : nil }
            ?? OTLPValue.string(known["event.name"])?.decodedBytes()
        var eventType = Array("log".utf8)
        var bodyIsEventType = false
        if let name {
            eventType = name
            if let bodyText, bodyText == name || bodyText.ends(with: [UInt8(ascii: ".")] + name) {
                eventType = bodyText
                bodyIsEventType = true
            }
        }
        guard String(decoding: eventType, as: UTF8.self).unicodeScalars.count <= EventSchema.eventType.maxLength else {
            throw OTLPValueError("the event name is longer than \(EventSchema.eventType.maxLength) characters")
        }

        var time = receivedAt
        if let observed = try OTLPValue.microsecondsSince2000(unixNanos: record.member("observedTimeUnixNano")) {
            time = observed
        }
        if let occurred = try OTLPValue.microsecondsSince2000(unixNanos: record.member("timeUnixNano")) {
            time = occurred
        }

        if let body, !bodyIsEventType, !body.isNull {
            try attributes.add(key: "body") { (out: inout [UInt8]) throws(OTLPValueError) in
                try OTLPValue.appendJSON(body, to: &out)
            }
        }
        for field in ["severityText", "severityNumber", "traceId", "spanId"] {
            guard let value = record.member(field), !value.isNull, value.string?.unicodeScalarCount != 0 else { continue }
            guard value.kind == .string || value.kind == .number else {
                throw OTLPValueError("\(field) must be a string or a number")
            }
            attributes.add(key: field, value: value.rawBytes)
        }
        attributes.add(key: "resource", value: resource.attributes)
        if let scope { attributes.add(key: "scope", value: scope) }

        var row = EventRow(sessionID: session.decodedBytes(), eventType: eventType, timestamp: time,
                           attributes: attributes.finished())
        row.agentName = resource.serviceName
        row.toolName = EventSchema.toolName.fitting(OTLPValue.string(known["tool_name"]))
        row.modelTier = EventSchema.modelTier.fitting(OTLPValue.string(known["model"]))
        row.decision = EventSchema.decision.fitting(OTLPValue.string(known["decision"]))
        row.latencyMs = known["duration_ms"].flatMap(OTLPValue.number).flatMap(Latency.rounded)
        row.eventID = ContentHash.id(prefix: "otlp-", position[...], resource.raw, record.rawBytes)
        return row
    }

    /// `{"name": ..., "version": ...}` of an instrumentation scope, nil without one.
    static func scopeJSON(_ scope: JSONValue?) -> [UInt8]? {
        guard let scope, scope.kind == .object else { return nil }
        var object = JSONObjectBuilder()
        for field in ["name", "version"] {
            if let value = scope.member(field), value.kind == .string { object.add(key: field, value: value.rawBytes) }
        }
        return object.isEmpty ? nil : object.finished()
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}
