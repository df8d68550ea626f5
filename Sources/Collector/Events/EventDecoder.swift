import JSON
import Postgres

/// Turns a batch body into validated rows, or into the one error that rejects the whole batch.
struct EventDecoder: Sendable {
    var maxEvents: Int
    var jsonLimits: JSONLimits

    func decode(_ body: [UInt8], hostID: String) throws(APIError) -> EventBatch {
        let root = try JSONBody.object(body, limits: jsonLimits, expected: #"a JSON object: {"events": [...]}"#).root
        guard let events = root.member("events") else {
            throw APIError(400, "missing_field", #"the body needs an "events" array"#, field: "events")
        }
        guard events.kind == .array else {
            throw APIError(400, "invalid_field", #""events" must be an array of event objects"#, field: "events")
        }
        guard events.count >= 1, events.count <= maxEvents else {
            throw APIError(400, "invalid_batch_size",
                           "a batch holds 1 to \(maxEvents) events; this one has \(events.count)", field: "events")
        }
        var batch = EventBatch(hostID: hostID)
        batch.eventIDs.reserveCapacity(events.count)
        var seenIDs: Set<String> = []
        for (index, event) in events.elements.enumerated() {
            try decodeEvent(event, index: index, into: &batch, seenIDs: &seenIDs)
        }
        return batch
    }

    private func decodeEvent(
        _ event: JSONValue, index: Int, into batch: inout EventBatch, seenIDs: inout Set<String>
    ) throws(APIError) {
        guard event.kind == .object else {
            throw APIError(400, "invalid_event", "each event must be a JSON object", index: index)
        }
        if let duplicate = event.firstDuplicateKey() {
            throw APIError(400, "duplicate_key", "the event has the key \"\(duplicate)\" twice", index: index,
                           field: duplicate)
        }
        var sessionID: [UInt8]?
        var eventType: [UInt8]?
        var timestamp: Int64?
        var optional = [[UInt8]?](repeating: nil, count: EventSchema.optionalText.count)
        var latency: Int32?
        var eventID: [UInt8]?
        var attributes: [UInt8] = [UInt8(ascii: "{")]

        for member in event.members {
            let key = member.key
            let value = member.value
            if key.equals(EventSchema.sessionID.name) {
                sessionID = try requiredText(value, EventSchema.sessionID, index: index)
            } else if key.equals(EventSchema.eventType.name) {
                eventType = try requiredText(value, EventSchema.eventType, index: index)
            } else if key.equals(EventSchema.timestamp) {
                guard let text = value.string, let micros = Timestamp.parse(text.decodedBytes()) else {
                    throw APIError(400, "invalid_field",
                                   "timestamp must be an RFC 3339 string such as 2024-01-15T10:30:00Z",
                                   index: index, field: EventSchema.timestamp)
                }
                timestamp = micros
            } else if key.equals(EventSchema.hostID.name) {
                guard value.isNull || value.string?.equals(batch.hostID) == true else {
                    throw APIError(403, "host_mismatch",
                                   "hostId must be the host of the API key (\(batch.hostID)) or left out",
                                   index: index, field: EventSchema.hostID.name)
                }
            } else if key.equals(EventSchema.latencyMs) {
                if !value.isNull {
                    // 150 and 150.0 are the same number; JSON Schema and many clients make no difference.
                    guard let number = value.int64 ?? value.double.flatMap({ $0.rounded() == $0 ? Int64(exactly: $0) : nil }),
                          number >= 0, number <= Int64(Int32.max) else {
                        throw APIError(400, "invalid_field",
                                       "latencyMs must be a whole number of milliseconds from 0 to \(Int32.max), or null",
                                       index: index, field: EventSchema.latencyMs)
                    }
                    latency = Int32(number)
                }
            } else if key.equals(EventSchema.eventID.name) {
                eventID = try optionalText(value, EventSchema.eventID, index: index)
                if eventID?.isEmpty == true {
                    throw APIError(400, "invalid_field", "eventId must not be empty", index: index,
                                   field: EventSchema.eventID.name)
                }
            } else if let position = EventSchema.optionalText.firstIndex(where: { key.equals($0.name) }) {
                optional[position] = try optionalText(value, EventSchema.optionalText[position], index: index)
            } else {
                if attributes.count > 1 { attributes.append(UInt8(ascii: ",")) }
                attributes.append(UInt8(ascii: "\""))
                attributes.append(contentsOf: key.rawContent)
                attributes.append(contentsOf: #"":"#.utf8)
                attributes.append(contentsOf: value.rawBytes)
            }
        }
        attributes.append(UInt8(ascii: "}"))

        guard let sessionID else { throw missing(EventSchema.sessionID.name, index: index) }
        guard let eventType else { throw missing(EventSchema.eventType.name, index: index) }
        guard let timestamp else { throw missing(EventSchema.timestamp, index: index) }

        batch.append(EventRow(sessionID: sessionID, eventType: eventType, timestamp: timestamp, optionalText: optional,
                              latencyMs: latency, eventID: eventID, attributes: attributes), seenIDs: &seenIDs)
    }

    private func requiredText(_ value: JSONValue, _ field: EventSchema.Field, index: Int) throws(APIError) -> [UInt8] {
        guard let text = try optionalText(value, field, index: index), !text.isEmpty else {
            throw APIError(400, "invalid_field", "\(field.name) must be a string of 1 to \(field.maxLength) characters",
                           index: index, field: field.name)
        }
        return text
    }

    private func optionalText(_ value: JSONValue, _ field: EventSchema.Field, index: Int) throws(APIError) -> [UInt8]? {
        if value.isNull { return nil }
        guard let text = value.string else {
            throw APIError(400, "invalid_field", "\(field.name) must be a string or null", index: index, field: field.name)
        }
        guard text.unicodeScalarCount <= field.maxLength else {
            throw APIError(400, "field_too_long", "\(field.name) is longer than \(field.maxLength) characters",
                           index: index, field: field.name)
        }
        return text.hasEscapes ? text.decodedBytes() : Array(text.rawContent)
    }

    private func missing(_ field: String, index: Int) -> APIError {
        APIError(400, "missing_field", "each event needs \(field)", index: index, field: field)
    }
}
