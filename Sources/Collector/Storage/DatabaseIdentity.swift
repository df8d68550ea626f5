import Glibc
import Postgres

/// Which database this is, for good: the id migration 006 stores, and the database's name for people. A spool
/// records the identity of the database its records were accepted for, in a file `database` beside the journal.
public struct DatabaseIdentity: Sendable, Equatable, CustomStringConvertible {
    public let id: String
    public let name: String

    public var description: String { "\(name) (id \(id))" }

    public static func of(_ connection: PostgresConnection) throws(PostgresError) -> DatabaseIdentity {
        let row = try connection.execute("SELECT id, current_database() FROM database_identity").rows.first
        return DatabaseIdentity(id: row?[0] ?? "", name: row?[1] ?? "")
    }

    /// The identity recorded in a spool folder, nil when none is (a new folder, or one from before identities).
    public static func recorded(inSpool directory: String) -> DatabaseIdentity? {
        guard let file = fopen(path(directory), "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 1024)
        var lines: [String] = []
        while lines.count < 2, fgets(&buffer, Int32(buffer.count), file) != nil {
            lines.append(String(decoding: buffer.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        guard lines.count == 2, !lines[0].isEmpty else { return nil }
        return DatabaseIdentity(id: lines[0], name: lines[1])
    }

    /// Records this identity in a spool folder, durably (written to a temporary file, synced, renamed).
    public func record(inSpool directory: String) throws(SpoolOwnershipError) {
        let temporary = Self.path(directory) + ".new"
        guard let file = fopen(temporary, "w") else {
            throw SpoolOwnershipError("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        let written = fputs("\(id)\n\(name)\n", file) >= 0 && fflush(file) == 0 && fsync(fileno(file)) == 0
        fclose(file)
        guard written, rename(temporary, Self.path(directory)) == 0 else {
            throw SpoolOwnershipError("cannot record the spool's database in \(Self.path(directory)): \(String(cString: strerror(errno)))")
        }
    }

    private static func path(_ directory: String) -> String { directory + "/database" }
}

public struct SpoolOwnershipError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension DatabaseIdentity {
    /// Makes the spool in `directory` this database's, or refuses when it holds records accepted for another one.
    /// An empty spool, or one that names no database (written before identities), is taken over.
    func claimSpool(in directory: String, pendingRecords: Int, pendingBytes: Int) throws(SpoolOwnershipError) {
        let recorded = Self.recorded(inSpool: directory)
        if let recorded, recorded.id != id, pendingRecords > 0 {
            throw SpoolOwnershipError("""
                SPOOL_DIR=\(directory) holds \(pendingRecords) records (\(pendingBytes) bytes) accepted for database \
                \(recorded), but DATABASE_URL names \(self). Nothing was replayed. To write them into their own \
                database: collector spool replay --spool-dir \(directory) --database-url <that database's URL>; to \
                start this collector now, give it another SPOOL_DIR.
                """)
        }
        if recorded != self { try record(inSpool: directory) }
    }
}
