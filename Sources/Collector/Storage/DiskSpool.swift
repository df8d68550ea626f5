import Logging
import Synchronization
import Postgres
import Spool
import Threads

/// The collector's side of the disk spool: what cannot reach PostgreSQL now is appended to the journal (a 2xx
/// then means "on disk, fsync'd"), and a replayer thread writes it to PostgreSQL, in order, once it answers.
/// Replays are idempotent: events carry ids (`ON CONFLICT DO NOTHING`), transcripts carry their receive time
/// (an older upload never replaces a newer one).
public final class DiskSpool: Sendable {
    public let journal: Journal
    private let pool: ConnectionPool
    private let logger: Logger
    private let retryInterval: Duration
    /// Bytes of records read per replay transaction, about.
    private let replayBatchBytes: Int
    private let replayer = BackgroundThread()
    /// Whether the last append failed (the disk is full, or failing): until one succeeds, the spool takes nothing.
    private let appendFailing = Atomic<Bool>(false)

    public init(journal: Journal, pool: ConnectionPool, retryInterval: Duration, replayBatchBytes: Int, logger: Logger) {
        self.journal = journal
        self.pool = pool
        self.retryInterval = retryInterval
        self.replayBatchBytes = replayBatchBytes
        self.logger = logger
    }

    /// Appends records durably; one result per record, in order. A full or failing spool answers `.failed`.
    func keep(_ records: [SpoolRecord], because error: PostgresError) -> [IngestResult] {
        do {
            let appended = try journal.append(records.map { $0.encoded() })
            appendFailing.store(false, ordering: .relaxed)
            if appended {
                logger.warning("PostgreSQL unavailable, spooled", metadata: [
                    "records": "\(records.count)", "error": "\(error)", "spool_bytes": "\(journal.pendingBytes)",
                ])
                return records.map { .spooled(events: $0.eventCount) }
            }
            logger.error("spool full, refusing", metadata: ["spool_bytes": "\(journal.pendingBytes)"])
        } catch {
            appendFailing.store(true, ordering: .relaxed)
            logger.error("spool write failed", metadata: ["error": "\(error)"])
        }
        return records.map { _ in .failed(error) }
    }

    /// Whether records offered now can be kept: room below SPOOL_MAX_BYTES, and the last write did not fail.
    var canTakeMore: Bool {
        journal.pendingBytes < journal.maxBytes && !appendFailing.load(ordering: .relaxed)
    }

    func startReplaying() {
        replayer.start(name: "spool-replay") { [self] thread in
            while true {
                let progressed = journal.isEmpty ? false : replayOnce()
                if !progressed && thread.pause(retryInterval) { return }
            }
        }
    }

    /// Stops the replayer after the transaction it is in; what is left stays on disk for the next start.
    func stop() {
        replayer.stop()
    }

    /// Writes the next records to PostgreSQL in one transaction; true when the spool shrank.
    public func replayOnce() -> Bool {
        let read: (records: [[UInt8]], next: JournalPosition)?
        do {
            read = try journal.read(maxBytes: replayBatchBytes)
        } catch {
            logger.error("spool read failed", metadata: ["error": "\(error)"])
            return false
        }
        guard let read else { return false }
        let records = read.records.compactMap(SpoolRecord.decode)
        if records.count < read.records.count {
            logger.error("spool records of an unknown format skipped", metadata: ["count": "\(read.records.count - records.count)"])
        }
        do {
            try pool.withConnection { connection throws(PostgresError) in
                try Self.replay(records, on: connection)
            }
        } catch where error.isTransient {
            return false
        } catch {
            // PostgreSQL refuses something for good: write what it takes, one record at a time, and log the rest.
            logger.error("spooled records refused, replaying one by one", metadata: ["error": "\(error)"])
            for record in records {
                do {
                    try pool.withConnection { connection throws(PostgresError) in try Self.replay([record], on: connection) }
                } catch where error.isTransient {
                    return false
                } catch {
                    logger.error("spooled record dropped: PostgreSQL refuses it", metadata: ["error": "\(error)"])
                }
            }
        }
        journal.consume(upTo: read.next, records: read.records.count)
        let events = records.reduce(0) { $0 + $1.eventCount }
        logger.info("replayed from spool", metadata: [
            "records": "\(records.count)", "events": "\(events)", "spool_bytes": "\(journal.pendingBytes)",
        ])
        return true
    }

    private static func replay(_ records: [SpoolRecord], on connection: PostgresConnection) throws(PostgresError) {
        var columns = EventColumns()
        var transcripts: [TranscriptUpload] = []
        for record in records {
            switch record {
            case .events(let batch): columns.append(contentsOf: batch.columns)
            case .transcript(let upload): transcripts.append(upload)
            }
        }
        try connection.transaction { connection throws(PostgresError) in
            if columns.count > 0 { _ = try columns.insert(on: connection) }
            for upload in transcripts { _ = try upload.save(on: connection) }
        }
    }
}
