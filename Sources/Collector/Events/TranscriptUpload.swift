import JSON
import Postgres

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

    static func decode(_ body: [UInt8], hostID: String, limits: JSONLimits) throws(APIError) -> TranscriptUpload {
        let root = try JSONBody.object(
            body, limits: limits, expected: #"a JSON object: {"sessionId": "...", "transcript": ...}"#).root
        var sessionID: String?
        var agentName: String?
        var transcript: ArraySlice<UInt8>?
        var metadata: [UInt8] = [UInt8(ascii: "{")]
        for member in root.members {
            let key = member.key
            let value = member.value
            if key.equals(EventSchema.sessionID.name) {
                guard let text = value.string, text.unicodeScalarCount >= 1,
                      text.unicodeScalarCount <= EventSchema.sessionID.maxLength
                else {
                    throw APIError(400, "invalid_field", "sessionId must be a string of 1 to \(EventSchema.sessionID.maxLength) characters",
                                   field: EventSchema.sessionID.name)
                }
                sessionID = text.decoded()
            } else if key.equals("transcript") {
                transcript = value.rawBytes
            } else if key.equals(EventSchema.hostID.name) {
                guard value.isNull || value.string?.equals(hostID) == true else {
                    throw APIError(403, "host_mismatch", "hostId must be the host of the API key (\(hostID)) or left out",
                                   field: EventSchema.hostID.name)
                }
            } else if key.equals(EventSchema.agentName.name) {
                guard value.isNull || value.string != nil else {
                    throw APIError(400, "invalid_field", "agentName must be a string or null", field: EventSchema.agentName.name)
                }
                if let text = value.string {
                    guard text.unicodeScalarCount <= EventSchema.agentName.maxLength else {
                        throw APIError(400, "field_too_long", "agentName is longer than \(EventSchema.agentName.maxLength) characters",
                                       field: EventSchema.agentName.name)
                    }
                    agentName = text.decoded()
                }
            } else {
                if metadata.count > 1 { metadata.append(UInt8(ascii: ",")) }
                metadata.append(UInt8(ascii: "\""))
                metadata.append(contentsOf: key.rawContent)
                metadata.append(contentsOf: #"":"#.utf8)
                metadata.append(contentsOf: value.rawBytes)
            }
        }
        metadata.append(UInt8(ascii: "}"))
        guard let sessionID else {
            throw APIError(400, "missing_field", "the body needs sessionId", field: EventSchema.sessionID.name)
        }
        guard let transcript else {
            throw APIError(400, "missing_field", "the body needs transcript (any JSON value)", field: "transcript")
        }
        return TranscriptUpload(hostID: hostID, sessionID: sessionID, agentName: agentName, transcript: transcript,
                                metadata: metadata, receivedAt: Timestamp.nowMicrosecondsSince2000())
    }

    /// Upserts on (host, session): a newer upload replaces the stored one and moves `updated_at`, `created_at`
    /// stays; an older one (replayed late from the spool) changes nothing. Returns whether the row is new
    /// (`xmax = 0` holds only for a row this statement inserted).
    func save(on connection: PostgresConnection) throws(PostgresError) -> Bool {
        let result = try connection.execute(prepared: "upsert_transcript", sql: """
            INSERT INTO transcripts (host_id, session_id, agent_name, transcript, metadata, size_bytes, received_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (host_id, session_id) DO UPDATE SET
                agent_name = EXCLUDED.agent_name, transcript = EXCLUDED.transcript, metadata = EXCLUDED.metadata,
                size_bytes = EXCLUDED.size_bytes, received_at = EXCLUDED.received_at, updated_at = now()
            WHERE transcripts.received_at <= EXCLUDED.received_at
            RETURNING (xmax = 0) AS created
            """, [
                .text(hostID), .text(sessionID), agentName.map(PostgresParameter.text),
                PostgresParameter(bytes: [1] + transcript, format: .binary, type: PostgresType.jsonb),
                PostgresParameter(bytes: [1] + metadata, format: .binary, type: PostgresType.jsonb),
                .int(transcript.count),
                PostgresParameter(bytes: withUnsafeBytes(of: receivedAt.bigEndian) { Array($0) }, format: .binary,
                                  type: PostgresType.timestamptz),
            ])
        return result.firstValue() == "t"
    }
}
