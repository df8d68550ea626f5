import Postgres

/// Where transcripts are stored, for the endpoint and the spool's replayer alike.
extension TranscriptUpload {
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
