import Glibc

/// Applies the numbered `.sql` files of a folder in order, each once, each in its own transaction, recorded in
/// `schema_migrations`. An advisory lock makes concurrent starts safe: the second waits, then finds nothing to do.
/// A file whose first line is `outsideTransactionMarker` runs statement by statement outside a transaction instead,
/// for what PostgreSQL refuses inside one (CREATE INDEX CONCURRENTLY, which builds an index without blocking writes).
public struct Migrator: Sendable {
    public struct Migration: Sendable, Equatable {
        public let version: String
        public let fileName: String
        public let sql: String

        public init(version: String, fileName: String, sql: String) {
            self.version = version
            self.fileName = fileName
            self.sql = sql
        }

        public var runsOutsideTransaction: Bool { sql.hasPrefix(Migrator.outsideTransactionMarker) }

        /// The statements of a file that runs outside a transaction: each ends with a semicolon at the end of a line
        /// (no function bodies or DO blocks there). A failure part-way leaves the statements before it done and the
        /// file unrecorded, so that each must be safe to run again (IF NOT EXISTS).
        public var statements: [String] {
            var statements: [String] = []
            var current: [Substring] = []
            for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = line.trimmingTrailingWhitespace
                if trimmed.drop(while: { $0 == " " }).hasPrefix("--") || trimmed.isEmpty { continue }
                current.append(trimmed)
                if trimmed.hasSuffix(";") {
                    statements.append(current.joined(separator: "\n"))
                    current = []
                }
            }
            if !current.isEmpty { statements.append(current.joined(separator: "\n")) }
            return statements
        }
    }

    public static let outsideTransactionMarker = "-- migrate: outside a transaction"

    public let directory: String

    /// Any constant shared by every collector of one database; the value spells "migrate" in ASCII.
    static let lockKey: Int64 = 0x6d69_6772_6174_65

    public init(directory: String) {
        self.directory = directory
    }

    /// The migration files, sorted by name: `001_initial.sql`, `002_...`.
    public func migrations() throws(MigrationError) -> [Migration] {
        guard let handle = opendir(directory) else {
            throw MigrationError("cannot open the migrations folder \(directory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasSuffix(".sql"), name.first?.isNumber == true { names.append(name) }
        }
        var fileByVersion: [String: String] = [:]
        return try names.sorted().map { name throws(MigrationError) in
            let version = String(name.prefix(while: { $0 != "_" && $0 != "." }))
            // Versions are what `schema_migrations` records, so a second file with an applied version would be
            // skipped forever without a word.
            if let other = fileByVersion.updateValue(name, forKey: version) {
                throw MigrationError("\(other) and \(name) in \(directory) share the version \(version); renumber one")
            }
            return Migration(version: version, fileName: name, sql: try readFile("\(directory)/\(name)"))
        }
    }

    /// Applies what is pending; returns the file names applied now.
    @discardableResult
    public func migrate(_ connection: PostgresConnection) throws(MigrationError) -> [String] {
        let all = try migrations()
        do {
            // Waiting for another collector's migrations, or building an index on a large table, may take longer
            // than the connection's statement timeout, which is meant for requests; neither should fail for it.
            let statementTimeout = try connection.execute("SHOW statement_timeout").firstValue() ?? "0"
            try connection.execute("SET statement_timeout = 0")
            defer {
                _ = try? connection.execute("SELECT set_config('statement_timeout', $1, false)", [.text(statementTimeout)])
            }
            try connection.execute("SELECT pg_advisory_lock(\(Self.lockKey))")
            defer { _ = try? connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))") }
            // PostgreSQL checks CREATE on the schema even for CREATE TABLE IF NOT EXISTS; asking first lets a role
            // without it (the serving collector's) start on a database that is migrated already.
            if try connection.execute("SELECT to_regclass('schema_migrations') IS NULL").firstValue() == "t" {
                try connection.execute("""
                    CREATE TABLE schema_migrations (
                        version    text PRIMARY KEY,
                        file_name  text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """)
            }
            let applied = Set(try connection.execute("SELECT version FROM schema_migrations").rows.compactMap { $0[0] })
            var appliedNow: [String] = []
            for migration in all where !applied.contains(migration.version) {
                do {
                    let record = "INSERT INTO schema_migrations (version, file_name) VALUES ($1, $2)"
                    if migration.runsOutsideTransaction {
                        for statement in migration.statements { try connection.execute(statement) }
                        try connection.execute(record, [.text(migration.version), .text(migration.fileName)])
                    } else {
                        try connection.transaction { connection throws(PostgresError) in
                            try connection.execute(migration.sql)
                            try connection.execute(record, [.text(migration.version), .text(migration.fileName)])
                        }
                    }
                    appliedNow.append(migration.fileName)
                } catch {
                    if case .server(sqlState: "42501", _) = error {
                        throw MigrationError("migration \(migration.fileName) is not applied and this role may not apply it: "
                                             + "run `collector migrate` as the database's owner (the compose stack's migrate service)")
                    }
                    throw MigrationError("migration \(migration.fileName) failed: \(error)")
                }
            }
            return appliedNow
        } catch let error as MigrationError {
            throw error
        } catch {
            throw MigrationError("cannot migrate: \(error)")
        }
    }

    private func readFile(_ path: String) throws(MigrationError) -> String {
        guard let file = fopen(path, "rb") else {
            throw MigrationError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

public struct MigrationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Substring {
    var trimmingTrailingWhitespace: Substring {
        var end = endIndex
        while end > startIndex, let last = self[..<end].last, last == " " || last == "\t" || last == "\r" {
            end = index(before: end)
        }
        return self[..<end]
    }
}
