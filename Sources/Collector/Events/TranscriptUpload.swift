import JSON

/// A validated transcript upload: `{"sessionId": "...", "transcript": <any JSON>, "hostId"?, "agentName"?, ...}`;
/// other fields become `metadata`.
struct TranscriptUpload: Sendable {
    let hostID: String
    let sessionID: String
    let agentName: String?
    let transcript: ArraySlice<UInt8>
    let metadata: [UInt8]
    /// When the collector received it, in microseconds since 2000-01-01 UTC.
    let receivedAt: Int64

    static func decode(_ body: [UInt8], hostID: String, limits: JSONLimits) throws(ValidationError) -> TranscriptUpload {
        let root = try JSONBody.object(
            body, limits: limits, expected: #"a JSON object: {"sessionId": "...", "transcript": ...}"#).root
        var sessionID: String?
        var agentName: String?
        var transcript: ArraySlice<UInt8>?
        var metadata = JSONObjectBuilder()
        for member in root.members {
            let key = member.key
            let value = member.value
            if key.equals(EventSchema.sessionID.name) {
                let field = EventSchema.sessionID
                guard let text = value.string, text.unicodeScalarCount >= 1, text.unicodeScalarCount <= field.maxLength else {
                    throw ValidationError("invalid_field", "sessionId must be a string of 1 to \(field.maxLength) characters",
                                          field: field.name)
                }
                sessionID = text.decoded()
            } else if key.equals("transcript") {
                transcript = value.rawBytes
            } else if key.equals(EventSchema.hostID.name) {
                guard value.isNull || value.string?.equals(hostID) == true else { throw .hostMismatch(host: hostID) }
            } else if key.equals(EventSchema.agentName.name) {
                agentName = try EventSchema.agentName.optionalText(value).map { String(decoding: $0, as: UTF8.self) }
            } else {
                metadata.add(key: key, value: value.rawBytes)
            }
        }
        guard let sessionID else {
            throw .missing(EventSchema.sessionID.name, "the body needs sessionId")
        }
        guard let transcript else {
            throw .missing("transcript", "the body needs transcript (any JSON value)")
        }
        return TranscriptUpload(hostID: hostID, sessionID: sessionID, agentName: agentName, transcript: transcript,
                                metadata: metadata.finished(), receivedAt: Timestamp.nowMicrosecondsSince2000())
    }
}
