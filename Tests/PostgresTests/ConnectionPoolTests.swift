import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing
import Threads

@Suite("ConnectionPool")
struct ConnectionPoolTests {
    @Test("Connections open only when asked for, and an idle one is reused before a new one opens")
    func opensLazily() throws {
        let pool = makePool(url: try freshDatabaseURL(), maxConnections: 3)
        #expect(pool.statistics.open == 0)
        let first = try pool.withConnection { (connection) throws(PostgresError) in try connection.backendPID() }
        #expect(pool.statistics.open == 1)
        #expect(pool.statistics.idle == 1)
        let second = try pool.using { try $0.backendPID() }
        #expect(second == first)
        #expect(pool.statistics.open == 1)
    }

    @Test("Many threads at once never make the pool open more than maxConnections")
    func neverExceedsMaximum() throws {
        let url = try freshDatabaseURL()
        let pool = makePool(url: url, maxConnections: 3)
        let observer = try connect(url)
        let mostOpen = Mutex(0)
        let failures = Mutex<[String]>([])
        let threads = (0..<8).map { index in
            OSThread.spawn(name: "user-\(index)") {
                for _ in 0..<10 {
                    do {
                        try pool.using { connection in
                            _ = try connection.execute("SELECT pg_sleep(0.01)")
                            let open = pool.statistics.open
                            mostOpen.withLock { $0 = max($0, open) }
                        }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
        }
        for thread in threads { thread.join() }
        #expect(failures.withLock { $0 } == [])
        #expect(mostOpen.withLock { $0 } <= 3)
        let onServer = try observer.integer(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
            [.text(pool.configuration.applicationName)])
        #expect(onServer.map { $0 <= 3 } == true)
        #expect(pool.statistics.inUse == 0)
    }

    @Test("acquire fails with acquireTimeout when every connection stays in use")
    func acquireTimeout() throws {
        let pool = makePool(url: try freshDatabaseURL(), maxConnections: 2) { $0.acquireTimeout = .milliseconds(200) }
        let held = [try pool.acquire(), try pool.acquire()]
        let error = #expect(throws: PostgresError.self) { try pool.acquire() }
        #expect(error?.kind == "acquireTimeout")
        #expect(error?.isTransient == true)
        for connection in held { pool.release(connection) }
        #expect(try pool.using { try $0.integer("SELECT 1") } == 1)
    }

    @Test("A waiting acquire gets the connection another thread releases")
    func waiterGetsReleasedConnection() throws {
        let pool = makePool(url: try freshDatabaseURL(), maxConnections: 1) { $0.acquireTimeout = .seconds(10) }
        let held = try pool.acquire()
        let pid = try held.backendPID()
        let waiterPID = Mutex<Int?>(nil)
        let waiter = OSThread.spawn(name: "waiter") {
            let pid = try? pool.using { try $0.backendPID() }
            waiterPID.withLock { $0 = pid }
        }
        usleep(100_000)
        pool.release(held)
        waiter.join()
        #expect(waiterPID.withLock { $0 } == pid)
    }

    @Test("A connection released inside a transaction is closed, not handed to the next caller")
    func releasedInTransaction() throws {
        let url = try freshDatabaseURL()
        let pool = makePool(url: url, maxConnections: 1)
        let connection = try pool.acquire()
        let pid = try connection.backendPID()
        try connection.execute("BEGIN")
        try connection.execute("CREATE TABLE half_done (id int)")
        pool.release(connection)

        let next = try pool.acquire()
        defer { pool.release(next) }
        #expect(try next.backendPID() != pid)
        #expect(next.isIdle)
        // Closing the connection rolled its transaction back.
        #expect(try next.integer("SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'") == 0)
    }

    @Test("A connection released after a failed statement inside a transaction is closed too")
    func releasedInFailedTransaction() throws {
        let pool = makePool(url: try freshDatabaseURL(), maxConnections: 1)
        let connection = try pool.acquire()
        let pid = try connection.backendPID()
        try connection.execute("BEGIN")
        #expect(throws: PostgresError.self) { try connection.execute("SELECT * FROM no_such_table") }
        pool.release(connection)
        #expect(try pool.using { try $0.backendPID() } != pid)
    }

    @Test("A connection that broke while in use is closed on release and the next acquire gets a working one")
    func brokenWhileInUse() throws {
        let url = try freshDatabaseURL()
        let pool = makePool(url: url, maxConnections: 1)
        let observer = try connect(url)
        let connection = try pool.acquire()
        let pid = try connection.backendPID()
        try observer.execute("SELECT pg_terminate_backend($1)", [.int(pid)])
        let error = #expect(throws: PostgresError.self) { try connection.execute("SELECT 1") }
        #expect(error?.kind == "connectionFailed")
        #expect(!connection.isUsable)
        pool.release(connection)
        #expect(pool.statistics.open == 0)

        let fresh = try pool.using { try $0.backendPID() }
        #expect(fresh != pid)
    }

    @Test("An idle connection terminated by the server is replaced, so the next caller's query succeeds")
    func brokenWhileIdle() throws {
        let url = try freshDatabaseURL()
        let pool = makePool(url: url, maxConnections: 1)
        let observer = try connect(url)
        let pid = try pool.using { try $0.backendPID() }
        try observer.execute("SELECT pg_terminate_backend($1, 5000)", [.int(pid)])

        let (fresh, one) = try pool.using { connection in (try connection.backendPID(), try connection.integer("SELECT 1")) }
        #expect(fresh != pid)
        #expect(one == 1)
    }

    @Test("A second caller is not refused while another replaces a connection that broke")
    func brokenConnectionIsNotAnOutage() throws {
        let url = try freshDatabaseURL()
        let pool = makePool(url: url, maxConnections: 2)
        let observer = try connect(url)
        let connection = try pool.acquire()
        try observer.execute("SELECT pg_terminate_backend($1)", [.int(try connection.backendPID())])
        _ = try? connection.execute("SELECT 1")
        pool.release(connection)
        // The server is up: a broken connection says nothing about the next connect.
        #expect(!pool.statistics.isDown)
        let first = try pool.acquire()
        let second = try pool.acquire()
        #expect(try first.integer("SELECT 1") == 1)
        #expect(try second.integer("SELECT 1") == 1)
        pool.release(first)
        pool.release(second)
    }

    @Test("Each statement is prepared once per connection, however often it runs")
    func preparesOncePerConnection() throws {
        let pool = makePool(url: try freshDatabaseURL(), maxConnections: 1)
        for value in 0..<5 {
            let result = try pool.using { connection in
                try connection.execute(prepared: "add_one", sql: "SELECT $1::int + 1", [.int(value)])
            }
            #expect(result.firstValue() == String(value + 1))
        }
        let prepared = try pool.using { connection in
            try connection.execute("SELECT name FROM pg_prepared_statements").rows.compactMap { $0[0] }
        }
        #expect(prepared == ["add_one"])
    }

    @Test("The pool's statement timeout cancels a statement that runs too long, and the connection stays usable")
    func statementTimeout() throws {
        let pool = makePool(url: try freshDatabaseURL(), maxConnections: 1) { $0.statementTimeout = .milliseconds(200) }
        let pid = try pool.using { try $0.backendPID() }
        let error = #expect(throws: PostgresError.self) {
            try pool.using { try $0.execute("SELECT pg_sleep(30)") }
        }
        #expect(error?.kind == "server 57014")
        #expect(error?.isTransient == true)
        #expect(try pool.using { try $0.execute("SHOW statement_timeout").firstValue() } == "200ms")
        #expect(try pool.using { try $0.backendPID() } == pid)
    }

    @Test("A connection past its lifetime is closed when released")
    func lifetime() throws {
        let pool = makePool(url: try freshDatabaseURL(), maxConnections: 1) { $0.maxConnectionLifetime = .zero }
        let first = try pool.using { try $0.backendPID() }
        #expect(pool.statistics.open == 0)
        #expect(try pool.using { try $0.backendPID() } != first)
    }

    @Test("After close, acquire fails with poolClosed and a connection still in use is closed when released")
    func close() throws {
        let pool = makePool(url: try freshDatabaseURL(), maxConnections: 2)
        let inUse = try pool.acquire()
        try pool.using { _ = try $0.execute("SELECT 1") }
        pool.close()
        #expect(pool.statistics.idle == 0)
        let error = #expect(throws: PostgresError.self) { try pool.acquire() }
        #expect(error?.kind == "poolClosed")
        pool.release(inUse)
        #expect(pool.statistics.open == 0)
    }
}

/// The pool while its server stops, crashes and comes back: each test has a cluster of its own.
@Suite("ConnectionPool and server outages")
struct ConnectionPoolOutageTests {
    @Test("While the server is stopped acquire fails fast, and once it is back the same pool works again")
    func failsFastThenRecovers() throws {
        try withPrivateCluster { cluster in
            let pool = makePool(url: cluster.url(), maxConnections: 2) { $0.reconnectBackoff = .milliseconds(200) }
            #expect(try pool.using { try $0.integer("SELECT 1") } == 1)
            try cluster.stop()

            // No hang: every attempt ends with an error that says the server is away; all twenty together take
            // less than one acquireTimeout, the wait they would each sit out if the pool waited instead.
            let started = MonotonicClock.now
            var kinds: Set<String> = []
            for _ in 0..<20 {
                let error = #expect(throws: PostgresError.self) { try pool.using { try $0.integer("SELECT 1") } }
                if let error { kinds.insert(error.kind) }
                #expect(error?.isTransient == true)
            }
            #expect(MonotonicClock.now - started < MonotonicClock.nanoseconds(pool.configuration.acquireTimeout))
            #expect(kinds.isSubset(of: ["connectionFailed", "unavailable"]))
            #expect(pool.statistics.isDown)

            try cluster.start()
            #expect(eventually { (try? pool.using { try $0.integer("SELECT 1") }) == 1 })
            #expect(!pool.statistics.isDown)
        }
    }

    @Test("After the server restarts, the first query through the pool succeeds: dead idle connections are replaced")
    func idleConnectionsAfterRestart() throws {
        try withPrivateCluster { cluster in
            let pool = makePool(url: cluster.url(), maxConnections: 2)
            let first = try pool.acquire()
            let second = try pool.acquire()
            pool.release(first)
            pool.release(second)
            #expect(pool.statistics.idle == 2)

            try cluster.stop()
            try cluster.start()
            for _ in 0..<2 {
                #expect(try pool.using { try $0.integer("SELECT 1") } == 1)
            }
        }
    }

    @Test("After the server crashes and recovers, the first query through the pool succeeds")
    func idleConnectionsAfterCrash() throws {
        try withPrivateCluster { cluster in
            let pool = makePool(url: cluster.url(), maxConnections: 2)
            #expect(try pool.using { try $0.integer("SELECT 1") } == 1)
            try cluster.kill()
            try cluster.start()
            #expect(try pool.using { try $0.integer("SELECT 1") } == 1)
        }
    }
}

/// Tries `body` until it holds; false after 20 s, the bound against hanging.
func eventually(_ body: () -> Bool) -> Bool {
    let deadline = MonotonicClock.now + 20_000_000_000
    while !body() {
        if MonotonicClock.now > deadline { return false }
        usleep(50_000)
    }
    return true
}
