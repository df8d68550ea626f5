import ArgumentParser
import Collector
import Logging
import Postgres
import Spool

struct SpoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spool",
        abstract: "What waits in a collector's disk spool, and moving it into a database deliberately.",
        subcommands: [Status.self, Replay.self])

    struct Folder: ParsableArguments {
        @Option(name: .customLong("spool-dir"), help: "The spool's folder; defaults to $SPOOL_DIR, else ./spool.")
        var directory: String?

        var path: String { directory ?? environment()["SPOOL_DIR"] ?? Settings().spoolDirectory }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how many records wait in a spool and which database they were accepted for (works while a collector runs).")

        @OptionGroup var folder: Folder

        func run() throws {
            let recovery: JournalRecovery
            do {
                recovery = try Journal.inspect(directory: folder.path)
            } catch {
                fail("cannot read the spool in \(folder.path): \(error)")
            }
            let owner = DatabaseIdentity.recorded(inSpool: folder.path).map(\.description) ?? "no database recorded"
            print("spool \(folder.path): \(recovery.pendingRecords) records, \(recovery.pendingBytes) bytes waiting, for \(owner)")
            if recovery.tornBytes > 0 { print("\(recovery.tornBytes) bytes of a torn last write will be dropped on open") }
        }
    }

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every record of a spool into the database given, whichever it was accepted for, then empty it.",
            discussion: "Stop the collector that uses the folder first: a spool is opened by one process at a time. "
                + "The database must be migrated (collector migrate).")

        @OptionGroup var folder: Folder
        @OptionGroup var database: DatabaseOption

        func run() throws {
            let connection = database.connect()
            let target: DatabaseIdentity
            do {
                target = try DatabaseIdentity.of(connection)
            } catch {
                fail("cannot read database_identity (is the database migrated? run collector migrate): \(error)")
            }
            let journal: Journal
            do {
                journal = try Journal(directory: folder.path, maxBytes: Int.max)
            } catch {
                fail("cannot open the spool in \(folder.path): \(error)")
            }
            let source = DatabaseIdentity.recorded(inSpool: folder.path).map(\.description) ?? "no database recorded"
            let records = journal.pendingRecords
            let pool = ConnectionPool(configuration: PoolConfiguration(url: database.url))
            defer { pool.close() }
            let replayer = DiskSpool(journal: journal, pool: pool, retryInterval: .seconds(1),
                                     replayBatchBytes: Settings().spoolReplayBatchBytes,
                                     logger: Logger(label: "spool") { _ in SwiftLogNoOpLogHandler() })
            while !journal.isEmpty {
                guard replayer.replayOnce() else {
                    fail("PostgreSQL stopped taking the records; \(journal.pendingRecords) of \(records) still wait in \(folder.path)")
                }
            }
            do {
                try target.record(inSpool: folder.path)
            } catch {
                fail(error.description)
            }
            print("replayed \(records) records accepted for \(source) into \(target)")
        }
    }
}
