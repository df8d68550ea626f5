import ArgumentParser
import Collector
import Postgres

struct Rollups: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The dashboards' hourly and daily rollups (the serving collector keeps them current by itself).",
        subcommands: [Refresh.self])

    struct Refresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild the rollups of a time range from the raw rows, one UTC day per transaction.",
            discussion: """
                Rows inserted by any means are folded by the running collector within ROLLUP_INTERVAL_SECONDS; \
                refresh a range after loading rows with triggers disabled (pg_restore --disable-triggers, \
                session_replication_role = replica), after deleting rows by hand, or to rebuild everything: \
                collector rollups refresh --from 2026-11-01 --to 2026-12-01
                """)

        @OptionGroup var database: DatabaseOption
        @Option(help: "Start of the range, any timestamp PostgreSQL reads (2026-11-01, 2026-11-01T08:00:00Z); default: the oldest event or metric point.")
        var from: String?
        @Option(help: "End of the range; default: now.")
        var to: String?

        func run() throws {
            let connection = database.connect()
            do {
                let days = try RollupRefresh(connection: connection).run(from: from, to: to) { day in
                    print("\(day.from) to \(day.to): \(day.hostHours) host-hours rebuilt")
                }
                print("rebuilt \(days.reduce(0) { $0 + $1.hostHours }) host-hours over \(days.count) days")
            } catch {
                fail("\(error)")
            }
        }
    }
}
