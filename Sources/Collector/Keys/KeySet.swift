import Postgres

/// Every active key of one moment: digest to host, with the end of a rotation's grace period where one is set.
/// A snapshot; the watcher replaces it whole when `api_keys` changes.
struct KeySet: Sendable {
    struct Entry: Sendable {
        let host: String
        /// Microseconds since 1970 at which the key stops working (`revoked_at` in the future), nil for never.
        let expiresAt: Int64?
    }

    private let entries: [KeyDigest: Entry]

    init(_ entries: [KeyDigest: Entry] = [:]) {
        self.entries = entries
    }

    var count: Int { entries.count }

    /// The host of a key that works at `now` (microseconds since 1970).
    func host(for digest: KeyDigest, now: Int64) -> String? {
        guard let entry = entries[digest] else { return nil }
        if let expiresAt = entry.expiresAt, now >= expiresAt { return nil }
        return entry.host
    }

    /// The keys that work now or later: not revoked, or revoked at a time still to come.
    static func load(on connection: PostgresConnection) throws(PostgresError) -> KeySet {
        let rows = try connection.execute("""
            SELECT key_hash, host_id, (extract(epoch FROM revoked_at) * 1000000)::int8
            FROM api_keys WHERE revoked_at IS NULL OR revoked_at > now()
            """).rows
        var entries: [KeyDigest: Entry] = [:]
        entries.reserveCapacity(rows.count)
        for row in rows {
            guard let hash = row[0], let digest = KeyDigest(hex: hash), let host = row[1] else { continue }
            entries[digest] = Entry(host: host, expiresAt: row[2].flatMap { Int64($0) })
        }
        return KeySet(entries)
    }
}
