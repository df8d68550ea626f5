import DequeModule
import Logging
import Postgres
import Threads

/// The outcome of one batch: committed (with how many events were new and how many repeats), kept in the
/// spool on disk for a later replay, or neither.
enum IngestResult: Sendable {
    case committed(inserted: Int, duplicates: Int)
    case spooled(events: Int)
    case failed(PostgresError)
}

/// Group commit: writer threads take whatever batches are waiting (up to `groupCommitMaxEvents`), write them
/// with one `unnest` insert in one transaction, commit, and only then answer each batch. Under load many
/// requests share one commit; when idle a batch is written at once. The queue is bounded: past
/// `maxQueuedEvents`, `submit` refuses and the caller answers 503. When PostgreSQL cannot take a group
/// (down, restarting, too slow), the group goes to the spool instead, durably, and the replayer writes it later.
final class IngestWriter: Sendable {
    private struct Pending: Sendable {
        let batch: EventBatch
        let completion: @Sendable (IngestResult) -> Void
    }

    private struct State {
        var queue: Deque<Pending> = []
        var queuedEvents = 0
        var stopping = false
    }

    private let pool: ConnectionPool
    private let spool: DiskSpool?
    private let maxGroupEvents: Int
    private let maxQueuedEvents: Int
    private let logger: Logger
    private let metrics: SelfMetrics
    private let state = ConditionLock(State())
    private let threads = ConditionLock<[OSThread]>([])

    init(
        pool: ConnectionPool, spool: DiskSpool?, writers: Int, maxGroupEvents: Int, maxQueuedEvents: Int, metrics: SelfMetrics,
        logger: Logger
    ) {
        self.pool = pool
        self.metrics = metrics
        self.spool = spool
        self.maxGroupEvents = maxGroupEvents
        self.maxQueuedEvents = maxQueuedEvents
        self.logger = logger
        let spawned = (0..<writers).map { index in
            OSThread.spawn(name: "ingest-\(index)") { [self] in run() }
        }
        threads.withLock { $0 = spawned }
    }

    /// Queues a batch; false when the queue is full or the writer is stopping.
    func submit(_ batch: EventBatch, completion: @escaping @Sendable (IngestResult) -> Void) -> Bool {
        let accepted = state.withLock { state in
            guard !state.stopping, state.queuedEvents + batch.count <= maxQueuedEvents else { return false }
            state.queue.append(Pending(batch: batch, completion: completion))
            state.queuedEvents += batch.count
            return true
        }
        if accepted { state.signal() }
        return accepted
    }

    var queuedEvents: Int { state.withLock { $0.queuedEvents } }

    /// Writes what is queued, then stops the writer threads.
    func shutdown() {
        state.withLock { $0.stopping = true }
        state.broadcast()
        for thread in threads.withLock({ threads in
            let taken = threads
            threads = []
            return taken
        }) {
            thread.join()
        }
    }

    private func run() {
        while true {
            let group: [Pending] = state.wait(until: { $0.stopping || !$0.queue.isEmpty }) { state, _ in
                var group: [Pending] = []
                var events = 0
                while let next = state.queue.first, group.isEmpty || events + next.batch.count <= maxGroupEvents {
                    state.queue.removeFirst()
                    events += next.batch.count
                    group.append(next)
                }
                state.queuedEvents -= events
                return group
            }
            if group.isEmpty { return }
            write(group)
        }
    }

    private func write(_ group: [Pending]) {
        let results: [IngestResult]
        do {
            let started = MonotonicClock.now
            results = try pool.withConnection { connection throws(PostgresError) in
                try commit(group.map(\.batch), on: connection)
            }
            metrics.groupCommit(events: group.reduce(0) { $0 + $1.batch.count },
                                seconds: Double(MonotonicClock.now - started) / 1e9)
        } catch let error where !error.isTransient && group.count > 1 {
            // Something in one batch was refused; write each alone so that the others still land.
            logger.warning("group commit refused, retrying batches one by one", metadata: ["error": "\(error)"])
            for pending in group { write([pending]) }
            return
        } catch where error.isTransient && spool != nil {
            results = spool!.keep(group.map { .events($0.batch) }, because: error)
        } catch {
            if !error.isTransient { logger.error("batch refused by PostgreSQL", metadata: ["error": "\(error)"]) }
            results = Array(repeating: .failed(error), count: group.count)
        }
        for (pending, result) in zip(group, results) { pending.completion(result) }
    }

    /// One transaction for the whole group. The plain insert tells only how many rows went in; when that is
    /// fewer than were sent, some eventIds were repeats: that transaction is rolled back and the insert redone
    /// telling which, so each batch learns its own counts.
    private func commit(_ batches: [EventBatch], on connection: PostgresConnection) throws(PostgresError) -> [IngestResult] {
        var columns = EventColumns()
        for batch in batches { columns.append(contentsOf: batch.columns) }
        let allNew = try connection.transaction(rollingBackOnNil: { connection throws(PostgresError) -> [IngestResult]? in
            guard try columns.insert(on: connection) == columns.count else { return nil }
            return batches.map { .committed(inserted: $0.count, duplicates: $0.duplicatesWithinRequest) }
        })
        if let allNew { return allNew }
        var fresh = try connection.transaction { connection throws(PostgresError) in
            try columns.insertReportingNew(on: connection)
        }
        return batches.map { batch in
            var inserted = 0
            // An event goes to the first batch that carries it; a later one is a repeat.
            for (id, timestamp) in batch.timestampsByEventID
            where fresh.remove(StoredEventKey(host: batch.hostID, id: id, timestamp: timestamp)) != nil {
                inserted += 1
            }
            return .committed(inserted: inserted, duplicates: batch.count - inserted + batch.duplicatesWithinRequest)
        }
    }
}
