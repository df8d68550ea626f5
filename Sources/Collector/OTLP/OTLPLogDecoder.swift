import JSON
import OTLPProtobuf
import TextFormats

/// An OTLP logs export (`resourceLogs` / `scopeLogs` / `logRecords`), JSON or protobuf, as events, one per log
/// record. Both encodings are read into the same messages (`OTLPJSONMessages`, `OTLPProtobufDecoder`) and mapped by
/// the same rules:
/// - `eventType`: the event name (`eventName`, else the `event.name` attribute); when the body is that name with a
///   prefix, as Claude Code's `claude_code.api_request` is for `api_request`, the body. Without a name: `log`.
/// - `sessionId`: the `session.id` attribute of the record, else of its resource; a record without one is refused.
/// - `timestamp`: `timeUnixNano`, else `observedTimeUnixNano`, else the time of receipt.
/// - `tool_name`, `duration_ms`, `model`, `decision` and the resource's `service.name` fill the tool, latency, model
///   tier, decision and agent columns; every attribute also stays in `attributes`, next to `resource` (the
///   resource's attributes), `scope`, and the body and severity where present.
/// - `traceId` and `spanId` fill `trace_id` and `span_id` (lowercase hex), which tie the event to its span.
/// - `eventId`: a hash of the record, its place in the request and its resource, so that a resent export is not
///   stored twice, in whichever encoding.
/// A record that cannot be stored (`OTLPItemCheck`, or a rule here) is counted in `partial_success`; the others are
/// stored.
struct OTLPLogDecoder: Sendable {
    var limits = OTLPProtobufLimits()

    func decode(json root: JSONValue, hostID: String, receivedAt: Int64) throws(ValidationError) -> OTLPDecoded<EventBatch> {
        var batch = EventBatch(hostID: hostID)
        var rejections = OTLPRejections(of: "log records")
        try OTLPExportWalk(signal: "Logs").forEachScope(in: root, rejections: &rejections, itemsUnder: {
            $0.member("logRecords")?.count ?? 0
        }) { (scopeLogs: OTLPExportWalk.Scope, rejections: inout OTLPRejections) throws(ValidationError) in
            let records: JSONElements
            do {
                records = try OTLPValue.list(scopeLogs.object.member("logRecords"), "logRecords")
            } catch {
                throw ValidationError("invalid_body", "\(scopeLogs.path).logRecords must be an array", field: "logRecords")
            }
            let scope = Scope(resource: scopeLogs.resource, scope: OTLPJSONMessages.scope(scopeLogs.object.member("scope")),
                              check: OTLPItemCheck(limits: limits))
            for (recordIndex, record) in records.enumerated() {
                let path = "\(scopeLogs.path).logRecords[\(recordIndex)]"
                do throws(OTLPValueError) {
                    try take(OTLPJSONMessages.logRecord(record), position: "\(scopeLogs.position)/\(recordIndex)",
                             path: path, scope: scope, receivedAt: receivedAt, into: &batch, rejections: &rejections)
                } catch {
                    rejections.reject(at: path, error.message)
                }
            }
        }
        return OTLPDecoded(rows: batch, rejections: rejections)
    }

    func decode(protobuf body: [UInt8], hostID: String, receivedAt: Int64) throws(OTLPProtobufError) -> OTLPDecoded<EventBatch> {
        let request = try OTLPProtobufDecoder(limits: limits).decodeLogs(body)
        var batch = EventBatch(hostID: hostID)
        var rejections = OTLPRejections(of: "log records")
        for (resourceIndex, resourceLogs) in request.resourceLogs.enumerated() {
            for (scopeIndex, scopeLogs) in resourceLogs.scopeLogs.enumerated() {
                let scope = Scope(resource: resourceLogs.resource, scope: scopeLogs.scope, check: OTLPItemCheck(limits: limits))
                for (recordIndex, record) in scopeLogs.logRecords.enumerated() {
                    take(record, position: "\(resourceIndex)/\(scopeIndex)/\(recordIndex)",
                         path: "resourceLogs[\(resourceIndex)].scopeLogs[\(scopeIndex)].logRecords[\(recordIndex)]",
                         scope: scope, receivedAt: receivedAt, into: &batch, rejections: &rejections)
                }
            }
        }
        return OTLPDecoded(rows: batch, rejections: rejections)
    }

    /// What every record of one scope shares.
    private struct Scope {
        let resource: OTLPResource
        /// `{"name": ..., "version": ...}` of the instrumentation scope, nil without either.
        let json: [UInt8]?
        let check: OTLPItemCheck
        /// What is wrong with the resource's or the scope's attributes, which refuses every record under them.
        let problems: [OTLPItemProblem]

        init(resource: OTLP.Resource, scope: OTLP.InstrumentationScope, check: OTLPItemCheck) {
            self.resource = OTLPResource(resource)
            var object = JSONObjectBuilder()
            if !scope.name.isEmpty { object.add(key: "name") { JSONText.appendQuoted(scope.name, to: &$0) } }
            if !scope.version.isEmpty { object.add(key: "version") { JSONText.appendQuoted(scope.version, to: &$0) } }
            json = object.isEmpty ? nil : object.finished()
            self.check = check
            problems = check.problems(attributes: resource.attributes, of: "the resource")
                + check.problems(attributes: scope.attributes, of: "the scope")
        }
    }

    private func take(
        _ record: OTLP.LogRecord, position: String, path: String, scope: Scope, receivedAt: Int64,
        into batch: inout EventBatch, rejections: inout OTLPRejections
    ) {
        let problems = scope.problems + scope.check.problems(logRecord: record)
        guard problems.isEmpty else { return rejections.reject(at: path, problems.map(\.message).joined(separator: "; ")) }
        do throws(OTLPValueError) {
            batch.append(try Self.event(record, position: Array(position.utf8), resource: scope.resource, scope: scope.json,
                                        receivedAt: receivedAt))
            rejections.accepted()
        } catch {
            rejections.reject(at: path, error.message)
        }
    }

    /// The attributes the event's columns come from.
    private static let columnAttributes: Set<String> = ["session.id", "event.name", "tool_name", "duration_ms", "model", "decision"]

    /// `position` (the record's indices in the request) is part of its id: two identical records of one export
    /// are two events, the same export sent again is the same events.
    static func event(
        _ record: OTLP.LogRecord, position: [UInt8], resource: OTLPResource, scope: [UInt8]?, receivedAt: Int64
    ) throws(OTLPValueError) -> EventRow {
        var known: [String: OTLP.AnyValue] = [:]
        for attribute in record.attributes where attribute.hasValue && columnAttributes.contains(attribute.key) {
            known[attribute.key] = attribute.value
        }
        guard let session = OTLPPlainJSON.string(known["session.id"]) ?? resource.sessionID else {
            throw OTLPValueError("a log record needs a session.id attribute (on the record or its resource)")
        }
        let sessionLength = session.unicodeScalars.count
        guard sessionLength >= 1, sessionLength <= EventSchema.sessionID.maxLength else {
            throw OTLPValueError("session.id must be 1 to \(EventSchema.sessionID.maxLength) characters")
        }

        let bodyText = record.hasBody ? OTLPPlainJSON.string(record.body) : nil
        let name = record.eventName.isEmpty ? OTLPPlainJSON.string(known["event.name"]) : record.eventName
        var eventType = "log"
        var bodyIsEventType = false
        if let name {
            eventType = name
            if let bodyText, bodyText == name || bodyText.hasSuffix("." + name) {
                eventType = bodyText
                bodyIsEventType = true
            }
        }
        guard eventType.unicodeScalars.count <= EventSchema.eventType.maxLength else {
            throw OTLPValueError("the event name is longer than \(EventSchema.eventType.maxLength) characters")
        }

        var attributes = JSONObjectBuilder()
        OTLPPlainJSON.add(record.attributes, to: &attributes)
        if record.hasBody, record.body.value != nil, !bodyIsEventType {
            attributes.add(key: "body") { OTLPPlainJSON.append(record.body, to: &$0) }
        }
        if !record.severityText.isEmpty {
            attributes.add(key: "severityText") { JSONText.appendQuoted(record.severityText, to: &$0) }
        }
        if record.severityNumber.rawValue != 0 {
            attributes.add(key: "severityNumber", value: String(record.severityNumber.rawValue).utf8)
        }
        attributes.add(key: "resource", value: resource.attributes)
        if let scope { attributes.add(key: "scope", value: scope) }

        let time = OTLPValue.microsecondsSince2000(unixNanos: record.timeUnixNano)
            ?? OTLPValue.microsecondsSince2000(unixNanos: record.observedTimeUnixNano) ?? receivedAt
        var row = EventRow(sessionID: Array(session.utf8), eventType: Array(eventType.utf8), timestamp: time,
                           attributes: attributes.finished())
        row.agentName = resource.serviceName
        row.toolName = EventSchema.toolName.fitting(OTLPPlainJSON.string(known["tool_name"]))
        row.modelTier = EventSchema.modelTier.fitting(OTLPPlainJSON.string(known["model"]))
        row.decision = EventSchema.decision.fitting(OTLPPlainJSON.string(known["decision"]))
        row.latencyMs = OTLPPlainJSON.number(known["duration_ms"]).flatMap(Latency.rounded)
        if !record.traceID.isEmpty { row.traceID = Array(Hex.string(record.traceID).utf8) }
        if !record.spanID.isEmpty { row.spanID = Array(Hex.string(record.spanID).utf8) }
        row.eventID = ContentHash.id(prefix: "otlp-", position[...], resource.identity[...], OTLPIdentity.bytes(record)[...])
        return row
    }
}
