import JSON

/// Turns a batch body into validated rows, or into the one error that rejects the whole batch.
struct EventDecoder: Sendable {
    var maxEvents: Int
    var jsonLimits: JSONLimits

    func decode(_ body: [UInt8], hostID: String) throws(ValidationError) -> EventBatch {
        let root = try JSONBody.object(body, limits: jsonLimits, expected: #"a JSON object: {"events": [...]}"#).root
        guard let events = root.member("events") else {
            throw .missing("events", #"the body needs an "events" array"#)
        }
        guard events.kind == .array else {
            throw ValidationError("invalid_field", #""events" must be an array of event objects"#, field: "events")
        }
        guard events.count >= 1, events.count <= maxEvents else {
            throw ValidationError("invalid_batch_size",
                                  "a batch holds 1 to \(maxEvents) events; this one has \(events.count)", field: "events")
        }
        var batch = EventBatch(hostID: hostID)
        for (index, event) in events.elements.enumerated() {
            batch.append(try row(event, index: index, hostID: hostID))
        }
        return batch
    }

    private func row(_ event: JSONValue, index: Int, hostID: String) throws(ValidationError) -> EventRow {
        guard event.kind == .object else {
            throw ValidationError("invalid_event", "each event must be a JSON object", index: index)
        }
        if let duplicate = event.firstDuplicateKey() {
            throw ValidationError("duplicate_key", "the event has the key \"\(duplicate)\" twice", index: index,
                                  field: duplicate)
        }
        var sessionID: [UInt8]?
        var eventType: [UInt8]?
        var timestamp: Int64?
        // The optional fields, filled as their members come; the required three are checked once all are read.
        var known = EventRow(sessionID: [], eventType: [], timestamp: 0, attributes: [])
        var attributes = JSONObjectBuilder()

        for member in event.members {
            let key = member.key
            let value = member.value
            if key.equals(EventSchema.sessionID.name) {
                sessionID = try EventSchema.sessionID.requiredText(value, index: index)
            } else if key.equals(EventSchema.eventType.name) {
                eventType = try EventSchema.eventType.requiredText(value, index: index)
            } else if key.equals(EventSchema.timestamp) {
                guard let text = value.string, let micros = Timestamp.parse(text.decodedBytes()) else {
                    throw ValidationError("invalid_field", "timestamp must be an RFC 3339 string such as 2024-01-15T10:30:00Z",
                                          index: index, field: EventSchema.timestamp)
                }
                timestamp = micros
            } else if key.equals(EventSchema.hostID.name) {
                guard value.isNull || value.string?.equals(hostID) == true else {
                    throw .hostMismatch(host: hostID, index: index)
                }
            } else if key.equals(EventSchema.latencyMs) {
                if !value.isNull {
                    guard let latency = Latency.exact(value) else {
                        throw ValidationError("invalid_field",
                                              "latencyMs must be a whole number of milliseconds from 0 to \(Int32.max), or null",
                                              index: index, field: EventSchema.latencyMs)
                    }
                    known.latencyMs = latency
                }
            } else if key.equals(EventSchema.eventID.name) {
                known.eventID = try EventSchema.eventID.optionalText(value, index: index)
                if known.eventID?.isEmpty == true {
                    throw ValidationError("invalid_field", "eventId must not be empty", index: index,
                                          field: EventSchema.eventID.name)
                }
            } else if key.equals(EventSchema.agentName.name) {
                known.agentName = try EventSchema.agentName.optionalText(value, index: index)
            } else if key.equals(EventSchema.decision.name) {
                known.decision = try EventSchema.decision.optionalText(value, index: index)
            } else if key.equals(EventSchema.decisionReason.name) {
                known.decisionReason = try EventSchema.decisionReason.optionalText(value, index: index)
            } else if key.equals(EventSchema.toolName.name) {
                known.toolName = try EventSchema.toolName.optionalText(value, index: index)
            } else if key.equals(EventSchema.modelTier.name) {
                known.modelTier = try EventSchema.modelTier.optionalText(value, index: index)
            } else {
                attributes.add(key: key, value: value.rawBytes)
            }
        }

        guard let sessionID else { throw .missing(EventSchema.sessionID.name, index: index) }
        guard let eventType else { throw .missing(EventSchema.eventType.name, index: index) }
        guard let timestamp else { throw .missing(EventSchema.timestamp, index: index) }
        known.sessionID = sessionID
        known.eventType = eventType
        known.timestamp = timestamp
        known.attributes = attributes.finished()
        return known
    }
}
