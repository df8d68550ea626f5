import CLibPQ
import Glibc
import Threads

/// One libpq connection. Blocking: use it only from dedicated threads, never from Swift's cooperative pool.
public final class PostgresConnection: @unchecked Sendable {
    // Single-owner invariant: a connection is used by one thread at a time, the one that acquired it from the
    // pool (the pool's mutex hands it over); that is what makes moving the PGconn pointer between threads safe.
    let handle: OpaquePointer
    private var prepared: Set<String> = []
    private var discarded = false
    let openedAt: UInt64

    private init(handle: OpaquePointer, openedAt: UInt64) {
        self.handle = handle
        self.openedAt = openedAt
    }

    deinit {
        PQfinish(handle)
    }

    /// Opens a connection to a libpq URI or key=value string, with keepalives and timeouts that keep a dead
    /// server from hanging a thread for long.
    public static func connect(
        url: String, applicationName: String, connectTimeoutSeconds: Int, statementTimeout: Duration,
        keepalive: TCPKeepalive = TCPKeepalive()
    ) throws(PostgresError) -> PostgresConnection {
        let keywords = ["dbname", "application_name", "connect_timeout", "keepalives", "keepalives_idle",
                        "keepalives_interval", "keepalives_count", "tcp_user_timeout"]
        let values = [url, applicationName, String(connectTimeoutSeconds), "1", String(keepalive.idleSeconds),
                      String(keepalive.intervalSeconds), String(keepalive.count),
                      String(MonotonicClock.nanoseconds(keepalive.userTimeout) / 1_000_000)]
        let handle = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else { throw .connectionFailed("out of memory") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = errorMessage(handle)
            PQfinish(handle)
            throw .connectionFailed(message)
        }
        // libpq prints server notices ("relation already exists, skipping") to stderr by default; they are
        // not errors, and stderr belongs to the structured log.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let connection = PostgresConnection(handle: handle, openedAt: MonotonicClock.now)
        _ = try connection.execute("SET statement_timeout = \(MonotonicClock.nanoseconds(statementTimeout) / 1_000_000)")
        return connection
    }

    /// False once the connection broke or was discarded; the pool then drops it.
    public var isUsable: Bool { !discarded && PQstatus(handle) == CONNECTION_OK }

    /// Marks the connection as not to be used again (its state is unknown, e.g. a rollback failed); the pool
    /// closes it when it comes back.
    public func discard() {
        discarded = true
    }

    /// Checks, without blocking, that an idle connection was not closed by the server meanwhile (a restart
    /// leaves every pooled connection dead, and the first query on each would fail).
    public func isAliveWhileIdle() -> Bool {
        // Readable while idle means a notice, or a server ending the connection: it sends an error first (57P01
        // on shutdown or pg_terminate_backend), then closes. Reading the error alone leaves libpq's status OK, so
        // read until nothing is waiting: the end of the stream then fails the read.
        while isUsable {
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { return true }
            guard PQconsumeInput(handle) == 1 else { return false }
        }
        return false
    }

    /// True when the connection is outside any transaction, the only state in which the pool takes it back.
    public var isIdle: Bool { PQtransactionStatus(handle) == PQTRANS_IDLE }

    /// Runs one or more statements with no parameters (simple query protocol).
    @discardableResult
    public func execute(_ sql: String) throws(PostgresError) -> QueryResult {
        try consume(PQexec(handle, sql))
    }

    /// Runs one statement with parameters; the result comes back in text format.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresParameter?]) throws(PostgresError) -> QueryResult {
        try withParameters(parameters) { count, types, values, lengths, formats in
            PQexecParams(handle, sql, count, types, values, lengths, formats, 0)
        }
    }

    /// Runs a statement prepared on this connection under `name`, preparing it the first time.
    @discardableResult
    public func execute(
        prepared name: String, sql: String, _ parameters: [PostgresParameter?]
    ) throws(PostgresError) -> QueryResult {
        if !prepared.contains(name) {
            let types = parameters.map { $0?.type ?? 0 }
            let result = types.withUnsafeBufferPointer { PQprepare(handle, name, sql, Int32(types.count), $0.baseAddress) }
            _ = try consume(result)
            prepared.insert(name)
        }
        return try withParameters(parameters) { count, _, values, lengths, formats in
            PQexecPrepared(handle, name, count, values, lengths, formats, 0)
        }
    }

    private func withParameters(
        _ parameters: [PostgresParameter?],
        _ call: (Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
                 UnsafePointer<Int32>?) -> OpaquePointer?
    ) throws(PostgresError) -> QueryResult {
        // All values go into one buffer so that a single pointer array can point into it.
        var storage: [UInt8] = []
        storage.reserveCapacity(parameters.reduce(0) { $0 + ($1?.bytes.count ?? 0) + 1 })
        var offsets: [Int] = []
        for parameter in parameters {
            offsets.append(storage.count)
            if let parameter {
                storage.append(contentsOf: parameter.bytes)
                if parameter.format == .text { storage.append(0) }
            }
        }
        let types = parameters.map { $0?.type ?? 0 }
        let lengths = parameters.map { Int32($0?.bytes.count ?? 0) }
        let formats = parameters.map { Int32($0?.format == .binary ? 1 : 0) }
        let result: OpaquePointer? = storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            let values: [UnsafePointer<CChar>?] = parameters.indices.map { index in
                parameters[index] == nil ? nil : (base + offsets[index]).assumingMemoryBound(to: CChar.self)
            }
            return values.withUnsafeBufferPointer { values in
                types.withUnsafeBufferPointer { types in
                    lengths.withUnsafeBufferPointer { lengths in
                        formats.withUnsafeBufferPointer { formats in
                            call(Int32(parameters.count), types.baseAddress, values.baseAddress, lengths.baseAddress,
                                 formats.baseAddress)
                        }
                    }
                }
            }
        }
        return try consume(result)
    }

    private func consume(_ result: OpaquePointer?) throws(PostgresError) -> QueryResult {
        guard let result else { throw .connectionFailed(Self.errorMessage(handle)) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return QueryResult(result)
        default:
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            let message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
                ?? Self.errorMessage(handle)
            if PQstatus(handle) != CONNECTION_OK || sqlState.isEmpty {
                throw .connectionFailed(message)
            }
            throw .server(sqlState: sqlState, message: message)
        }
    }

    private static func errorMessage(_ handle: OpaquePointer) -> String {
        let text = PQerrorMessage(handle).map { String(cString: $0) } ?? "unknown error"
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicated = strings.map { strdup($0) }
    defer { duplicated.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = duplicated.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
