import Postgres

/// `collector rollups refresh`: rebuilds the rollups of a time range from the raw rows, one UTC day per transaction
/// (migration 015's rollups_refresh), whether or not its rows were marked: for rows loaded with the trigger off,
/// or deleted, or to check the rollups against the raw data.
public struct RollupRefresh {
    public struct Day: Sendable {
        public let from: String
        public let to: String
        public let hostHours: Int
    }

    private let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The days from `from` (default: the oldest raw row) to `to` (default: now), as PostgreSQL reads timestamps
    /// ('2026-11-01', '2026-11-01T08:00:00Z', 'now'); `progress` hears each day once it is rebuilt.
    public func run(from: String?, to: String?, progress: (Day) -> Void) throws(PostgresError) -> [Day] {
        let days = try connection.execute("""
            WITH bounds AS (
                SELECT coalesce($1::timestamptz, rollups_oldest(), now()) AS first, coalesce($2::timestamptz, now()) AS last)
            SELECT greatest(d, first), least(d + interval '24 hours', last)
            FROM bounds, generate_series(rollup_day(first), last, interval '24 hours') AS d
            WHERE least(d + interval '24 hours', last) > greatest(d, first)
            ORDER BY d
            """, [from.map { .text($0) }, to.map { .text($0) }])
        var done: [Day] = []
        for row in days.rows {
            guard let start = row[0], let end = row[1] else { continue }
            let rebuilt = try connection.execute("SELECT rollups_refresh($1::timestamptz, $2::timestamptz)",
                                                 [.text(start), .text(end)])
            let day = Day(from: start, to: end, hostHours: Int(rebuilt.firstValue() ?? "") ?? 0)
            progress(day)
            done.append(day)
        }
        return done
    }
}
