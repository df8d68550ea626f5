import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing
import Threads

/// A temporary folder of migration files, removed when the test ends.
private final class MigrationFolder {
    let path: String

    init(_ files: [String: String]) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, sql) in files { try write(name, sql) }
    }

    func write(_ name: String, _ sql: String) throws {
        try sql.write(toFile: "\(path)/\(name)", atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

@Suite("Migrator")
struct MigratorTests {
    private let files = [
        "001_create.sql": "CREATE TABLE log (step text, at timestamptz DEFAULT clock_timestamp());",
        "002_first.sql": "INSERT INTO log (step) VALUES ('002');",
        "010_second.sql": "INSERT INTO log (step) VALUES ('010'); SELECT pg_sleep(0.2);",
        "README.md": "not a migration",
        "notes.sql": "this file's name does not start with a number, so it is not a migration",
    ]

    @Test("Only numbered .sql files are migrations, sorted by name, each with the number as its version")
    func listsMigrations() throws {
        let folder = try MigrationFolder(files)
        let migrations = try Migrator(directory: folder.path).migrations()
        #expect(migrations.map(\.fileName) == ["001_create.sql", "002_first.sql", "010_second.sql"])
        #expect(migrations.map(\.version) == ["001", "002", "010"])
        #expect(migrations.first?.sql == files["001_create.sql"])
    }

    @Test("A folder that does not exist is an error naming it")
    func missingFolder() {
        #expect {
            try Migrator(directory: "/nonexistent/migrations").migrations()
        } throws: { error in
            (error as? MigrationError)?.description.contains("/nonexistent/migrations") == true
        }
    }

    @Test("migrate applies every file in order, records each, and does nothing the second time")
    func appliesOnce() throws {
        let folder = try MigrationFolder(files)
        let connection = try connect(try freshDatabaseURL())
        let migrator = Migrator(directory: folder.path)
        #expect(try migrator.migrate(connection) == ["001_create.sql", "002_first.sql", "010_second.sql"])
        #expect(try connection.execute("SELECT step FROM log ORDER BY at").rows == [["002"], ["010"]])
        #expect(try connection.execute("SELECT version, file_name FROM schema_migrations ORDER BY version").rows
            == [["001", "001_create.sql"], ["002", "002_first.sql"], ["010", "010_second.sql"]])

        #expect(try migrator.migrate(connection) == [])
        #expect(try connection.integer("SELECT count(*) FROM log") == 2)
    }

    @Test("A file added later is applied on the next run, alone")
    func appliesNewFiles() throws {
        let folder = try MigrationFolder(files)
        let connection = try connect(try freshDatabaseURL())
        let migrator = Migrator(directory: folder.path)
        try migrator.migrate(connection)
        try folder.write("011_third.sql", "INSERT INTO log (step) VALUES ('011');")
        #expect(try migrator.migrate(connection) == ["011_third.sql"])
        #expect(try connection.integer("SELECT count(*) FROM log") == 3)
    }

    @Test("Two migrators started together on one database both succeed, and each file is applied once")
    func concurrentMigrators() throws {
        let folder = try MigrationFolder(files)
        let url = try freshDatabaseURL()
        let connections = [try connect(url), try connect(url)]
        let path = folder.path
        let applied = Mutex<[[String]]>([])
        let failures = Mutex<[String]>([])
        let start = ConditionLock(false)
        let threads = connections.enumerated().map { index, connection in
            OSThread.spawn(name: "migrator-\(index)") {
                start.wait(until: { $0 }) { _, _ in }
                do {
                    let names = try Migrator(directory: path).migrate(connection)
                    applied.withLock { $0.append(names) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        start.withLock { $0 = true }
        start.broadcast()
        for thread in threads { thread.join() }

        #expect(failures.withLock { $0 } == [])
        #expect(applied.withLock { $0 }.flatMap { $0 }.sorted() == ["001_create.sql", "002_first.sql", "010_second.sql"])
        #expect(try connections[0].execute("SELECT step FROM log ORDER BY at").rows == [["002"], ["010"]])
        withExtendedLifetime(folder) {}
    }

    @Test("A migration and a second migrator waiting for it may take longer than the connections' statement timeout")
    func noStatementTimeoutWhileMigrating() throws {
        let folder = try MigrationFolder([
            "001_slow.sql": "CREATE TABLE slow (id int); SELECT pg_sleep(1.5);",
        ])
        let url = try freshDatabaseURL()
        let connections = [try connect(url, statementTimeout: .seconds(1)), try connect(url, statementTimeout: .seconds(1))]
        let path = folder.path
        let failures = Mutex<[String]>([])
        let threads = connections.enumerated().map { index, connection in
            OSThread.spawn(name: "migrator-\(index)") {
                do {
                    try Migrator(directory: path).migrate(connection)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        for thread in threads { thread.join() }
        #expect(failures.withLock { $0 } == [])
        // The connections get their own timeout back for what they run next.
        for connection in connections {
            #expect(try connection.execute("SHOW statement_timeout").firstValue() == "1s")
        }
    }

    @Test("Two files with the same version are refused, naming both, before anything is applied")
    func duplicateVersions() throws {
        let folder = try MigrationFolder([
            "001_create.sql": "CREATE TABLE first (id int);",
            "002_one.sql": "CREATE TABLE one (id int);",
            "002_other.sql": "CREATE TABLE other (id int);",
        ])
        let connection = try connect(try freshDatabaseURL())
        #expect {
            try Migrator(directory: folder.path).migrate(connection)
        } throws: { error in
            let description = (error as? MigrationError)?.description ?? ""
            return description.contains("002_one.sql") && description.contains("002_other.sql")
        }
        #expect(try connection.integer("SELECT count(*) FROM pg_tables WHERE tablename = 'first'") == 0)
    }

    @Test("A failing migration is rolled back, named in the error, and the ones before it stay applied")
    func failingMigration() throws {
        let folder = try MigrationFolder([
            "001_good.sql": "CREATE TABLE good (id int);",
            "002_bad.sql": "CREATE TABLE half (id int); INSERT INTO good VALUES (1); SELECT no_such_column FROM good;",
            "003_after.sql": "CREATE TABLE after (id int);",
        ])
        let connection = try connect(try freshDatabaseURL())
        let migrator = Migrator(directory: folder.path)
        #expect {
            try migrator.migrate(connection)
        } throws: { error in
            let description = (error as? MigrationError)?.description ?? ""
            return description.contains("002_bad.sql") && description.contains("no_such_column")
        }
        #expect(connection.isIdle)
        #expect(try connection.integer("SELECT count(*) FROM pg_tables WHERE tablename IN ('half', 'after')") == 0)
        #expect(try connection.integer("SELECT count(*) FROM good") == 0)
        #expect(try connection.execute("SELECT version FROM schema_migrations").rows == [["001"]])

        // Fixed, the file applies on the next run, and so does the one after it.
        try folder.write("002_bad.sql", "CREATE TABLE half (id int);")
        #expect(try migrator.migrate(connection) == ["002_bad.sql", "003_after.sql"])
    }

    @Test("The advisory lock is released after a run, so the same connection can take it again")
    func releasesLock() throws {
        let folder = try MigrationFolder(files)
        let url = try freshDatabaseURL()
        let connection = try connect(url)
        try Migrator(directory: folder.path).migrate(connection)
        #expect(try connection.integer("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()") == 0)
    }

    @Test("A file marked to run outside a transaction runs statement by statement, so an index builds concurrently")
    func outsideTransaction() throws {
        let folder = try MigrationFolder([
            "001_table.sql": "CREATE TABLE items (id int, at timestamptz);\nINSERT INTO items VALUES (1, now());",
            "002_index.sql": """
                \(Migrator.outsideTransactionMarker)
                -- Without the marker, PostgreSQL refuses this inside the migration's transaction.
                CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_id_at
                    ON items (id, at);
                CREATE INDEX CONCURRENTLY IF NOT EXISTS items_at ON items (at);

                """,
        ])
        let connection = try connect(try freshDatabaseURL())
        #expect(try Migrator(directory: folder.path).migrate(connection) == ["001_table.sql", "002_index.sql"])
        #expect(try connection.integer("""
            SELECT count(*) FROM pg_index WHERE indexrelid IN ('items_id_at'::regclass, 'items_at'::regclass) AND indisvalid
            """) == 2)
        #expect(try connection.execute("SELECT version FROM schema_migrations ORDER BY 1").rows == [["001"], ["002"]])
        #expect(connection.isIdle)
    }

    @Test("A file that runs outside a transaction is cut into statements at semicolons that end a line, comments left out")
    func statementsOfAFile() {
        let migration = Migrator.Migration(version: "012", fileName: "012_x.sql", sql: """
            \(Migrator.outsideTransactionMarker)
            -- a comment; with a semicolon
            CREATE INDEX CONCURRENTLY a ON t (x);  \t
            CREATE INDEX CONCURRENTLY b
                ON t (y);
            SELECT 'no semicolon at the end'
            """)
        #expect(migration.runsOutsideTransaction)
        #expect(migration.statements == ["CREATE INDEX CONCURRENTLY a ON t (x);", "CREATE INDEX CONCURRENTLY b\n    ON t (y);",
                                         "SELECT 'no semicolon at the end'"])
        #expect(!Migrator.Migration(version: "1", fileName: "1.sql", sql: "SELECT 1;").runsOutsideTransaction)
    }
}
