import Postgres

/// Every active key of one moment: digest to host and scope, with the end of a rotation's grace period where one
/// is set. A snapshot; the watcher replaces it whole when `api_keys` changes.
struct KeySet: Sendable {
    struct Entry: Sendable {
        let holder: KeyHolder
        /// Microseconds since 1970 at which the key stops working (`revoked_at` in the future), nil for never.
        let expiresAt: Int64?
    }

    private let entries: [KeyDigest: Entry]

    init(_ entries: [KeyDigest: Entry] = [:]) {
        self.entries = entries
    }

    var count: Int { entries.count }

    /// The holder of a key that works at `now` (microseconds since 1970).
    func holder(for digest: KeyDigest, now: Int64) -> KeyHolder? {
        guard let entry = entries[digest] else { return nil }
        if let expiresAt = entry.expiresAt, now >= expiresAt { return nil }
        return entry.holder
    }

    /// The keys that work now or later: not revoked, or revoked at a time still to come.
    static func load(on connection: PostgresConnection) throws(PostgresError) -> KeySet {
        let rows = try connection.execute("""
            SELECT key_hash, host_id, (extract(epoch FROM revoked_at) * 1000000)::int8, scope
            FROM api_keys WHERE revoked_at IS NULL OR revoked_at > now()
            """).rows
        var entries: [KeyDigest: Entry] = [:]
        entries.reserveCapacity(rows.count)
        for row in rows {
            guard let hash = row[0], let digest = KeyDigest(hex: hash), let host = row[1],
                  let scope = row[3].flatMap(KeyScope.init(rawValue:)) else { continue }
            entries[digest] = Entry(holder: KeyHolder(host: host, scope: scope), expiresAt: row[2].flatMap { Int64($0) })
        }
        return KeySet(entries)
    }
}
