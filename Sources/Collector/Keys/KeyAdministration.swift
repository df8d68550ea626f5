import Postgres

/// The `collector keys` commands: create, list and revoke host keys and read keys. Only hashes are stored or shown.
public struct KeyAdministration: Sendable {
    public struct Entry: Sendable {
        public let hashPrefix: String
        public let hostID: String
        public let scope: String
        public let description: String?
        public let createdAt: String
        public let lastUsedAt: String?
        public let revokedAt: String?
    }

    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Stores a new key's hash for `host` and returns the key, which is shown once and never again.
    public func create(host: String, description: String?, scope: KeyScope = .ingest) throws(PostgresError) -> String {
        let key = APIKey.generate()
        try connection.execute(
            "INSERT INTO api_keys (key_hash, host_id, description, scope) VALUES ($1, $2, $3, $4)",
            [.text(APIKey.hash(key.utf8)), .text(host), description.map(PostgresParameter.text), .text(scope.rawValue)])
        return key
    }

    /// The name a read key is listed and revoked under: `read:` and the description's letters and digits,
    /// lowercased, runs of anything else as one `-` (`HomeAssistant wall panel` is `read:homeassistant-wall-panel`).
    public static func readerName(description: String) -> String {
        var name = ""
        for character in description.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                name.append(character)
            } else if !name.isEmpty && name.last != "-" {
                name.append("-")
            }
        }
        while name.last == "-" { name.removeLast() }
        return "read:" + (name.isEmpty ? "reader" : String(name.prefix(120)))
    }

    /// Issues a new key for `host` and lets the host's other keys run out after `grace` (a revocation dated in
    /// the future), so the host can switch without a gap. The new key has the scope of the host's newest key.
    /// Returns the new key, shown once.
    public func rotate(host: String, grace: Duration, description: String?) throws(PostgresError) -> String {
        let key = APIKey.generate()
        try connection.transaction { connection throws(PostgresError) in
            try connection.execute(
                """
                UPDATE api_keys SET revoked_at = now() + make_interval(secs => $2)
                WHERE host_id = $1 AND (revoked_at IS NULL OR revoked_at > now() + make_interval(secs => $2))
                """,
                [.text(host), .int(Int(grace.components.seconds))])
            try connection.execute(
                """
                INSERT INTO api_keys (key_hash, host_id, description, scope)
                VALUES ($1, $2, $3, coalesce((SELECT scope FROM api_keys WHERE host_id = $2 ORDER BY created_at DESC LIMIT 1),
                                             'ingest'))
                """,
                [.text(APIKey.hash(key.utf8)), .text(host), description.map(PostgresParameter.text)])
        }
        return key
    }

    public func list() throws(PostgresError) -> [Entry] {
        try connection.execute("""
            SELECT left(key_hash, 12), host_id, scope, description,
                   to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM api_keys ORDER BY host_id, created_at
            """).rows.map { row in
            Entry(hashPrefix: row[0] ?? "", hostID: row[1] ?? "", scope: row[2] ?? "", description: row[3],
                  createdAt: row[4] ?? "", lastUsedAt: row[5], revokedAt: row[6])
        }
    }

    /// Revokes every active key of `host` now (also those still in a rotation's grace period), or the active
    /// keys whose hash starts with `hashPrefix`; returns how many. Running collectors learn of it at once.
    public func revoke(host: String?, hashPrefix: String?) throws(PostgresError) -> Int {
        if let host {
            return try connection.execute(
                "UPDATE api_keys SET revoked_at = now() WHERE host_id = $1 AND (revoked_at IS NULL OR revoked_at > now())",
                [.text(host)]
            ).affectedRows
        }
        let prefix = (hashPrefix ?? "").lowercased().filter { $0.isHexDigit }
        guard prefix.count >= 6 else { return 0 }
        return try connection.execute(
            "UPDATE api_keys SET revoked_at = now() WHERE left(key_hash, $2) = $1 AND (revoked_at IS NULL OR revoked_at > now())",
            [.text(prefix), .int(prefix.count)]
        ).affectedRows
    }
}
