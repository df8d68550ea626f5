import Postgres
import Synchronization

/// Counters and histograms for Prometheus, rendered in its text format on the metrics port. Labels are routes,
/// statuses and reasons from fixed sets: never a key, a host or anything a client chooses.
final class SelfMetrics: Sendable {
    struct Histogram: Sendable {
        let bounds: [Double]
        var counts: [Int]
        var sum = 0.0
        var count = 0

        init(bounds: [Double]) {
            self.bounds = bounds
            counts = Array(repeating: 0, count: bounds.count)
        }

        mutating func observe(_ value: Double) {
            for index in bounds.indices where value <= bounds[index] { counts[index] += 1 }
            sum += value
            count += 1
        }
    }

    private struct RouteStatus: Hashable {
        let route: String
        let status: Int
    }

    private struct State {
        var requests: [RouteStatus: Int] = [:]
        var requestSeconds: [String: Histogram] = [:]
        var eventsInserted = 0
        var eventsDuplicate = 0
        var eventsSpooled = 0
        var eventsRejected: [String: Int] = [:]
        var batchEvents = Histogram(bounds: [1, 5, 10, 25, 50, 100, 250, 1000])
        var groupEvents = Histogram(bounds: [1, 10, 100, 500, 1000, 2500, 5000, 10000])
        var databaseSeconds = Histogram(bounds: SelfMetrics.latencyBounds)
    }

    static let latencyBounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private let state = Mutex(State())

    func request(route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[RouteStatus(route: route, status: status), default: 0] += 1
            state.requestSeconds[route, default: Histogram(bounds: Self.latencyBounds)].observe(seconds)
        }
    }

    func batch(events: Int) { state.withLock { $0.batchEvents.observe(Double(events)) } }

    func committed(inserted: Int, duplicates: Int) {
        state.withLock { state in
            state.eventsInserted += inserted
            state.eventsDuplicate += duplicates
        }
    }

    func spooled(events: Int) { state.withLock { $0.eventsSpooled += events } }

    /// `reason`: rate_limited, overloaded, database.
    func rejected(events: Int, reason: String) { state.withLock { $0.eventsRejected[reason, default: 0] += events } }

    func groupCommit(events: Int, seconds: Double) {
        state.withLock { state in
            state.groupEvents.observe(Double(events))
            state.databaseSeconds.observe(seconds)
        }
    }

    struct Gauges: Sendable {
        var pool: PoolStatistics
        var openConnections: Int
        var queuedEvents: Int
        var spoolRecords: Int?
        var spoolBytes: Int?
    }

    func render(_ gauges: Gauges) -> String {
        let state = state.withLock { $0 }
        var out = ""
        func header(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func histogram(_ name: String, _ labels: String, _ histogram: Histogram) {
            let prefix = labels.isEmpty ? "" : labels + ","
            for (bound, count) in zip(histogram.bounds, histogram.counts) {
                out += "\(name)_bucket{\(prefix)le=\"\(bound)\"} \(count)\n"
            }
            out += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(histogram.count)\n"
            let braces = labels.isEmpty ? "" : "{\(labels)}"
            out += "\(name)_sum\(braces) \(histogram.sum)\n\(name)_count\(braces) \(histogram.count)\n"
        }

        header("collector_http_requests_total", "counter", "Requests answered, by route and status.")
        for (key, count) in state.requests.sorted(by: { ($0.key.route, $0.key.status) < ($1.key.route, $1.key.status) }) {
            out += "collector_http_requests_total{route=\"\(key.route)\",status=\"\(key.status)\"} \(count)\n"
        }
        header("collector_http_request_duration_seconds", "histogram", "Time from a complete request to its answer.")
        for (route, value) in state.requestSeconds.sorted(by: { $0.key < $1.key }) {
            histogram("collector_http_request_duration_seconds", "route=\"\(route)\"", value)
        }
        header("collector_events_inserted_total", "counter", "Events committed to PostgreSQL.")
        out += "collector_events_inserted_total \(state.eventsInserted)\n"
        header("collector_events_duplicate_total", "counter", "Events skipped because their eventId was already stored.")
        out += "collector_events_duplicate_total \(state.eventsDuplicate)\n"
        header("collector_events_spooled_total", "counter", "Events written to the disk spool while PostgreSQL was unavailable.")
        out += "collector_events_spooled_total \(state.eventsSpooled)\n"
        header("collector_events_rejected_total", "counter", "Valid events refused, by reason (rate_limited, overloaded, database).")
        for (reason, count) in state.eventsRejected.sorted(by: { $0.key < $1.key }) {
            out += "collector_events_rejected_total{reason=\"\(reason)\"} \(count)\n"
        }
        header("collector_batch_events", "histogram", "Events per accepted request.")
        histogram("collector_batch_events", "", state.batchEvents)
        header("collector_group_commit_events", "histogram", "Events per group-commit transaction.")
        histogram("collector_group_commit_events", "", state.groupEvents)
        header("collector_db_write_duration_seconds", "histogram", "Time of one group-commit transaction.")
        histogram("collector_db_write_duration_seconds", "", state.databaseSeconds)

        header("collector_db_pool_connections", "gauge", "PostgreSQL connections by state.")
        out += "collector_db_pool_connections{state=\"in_use\"} \(gauges.pool.inUse)\n"
        out += "collector_db_pool_connections{state=\"idle\"} \(gauges.pool.idle)\n"
        header("collector_db_pool_max_connections", "gauge", "DB_POOL_SIZE.")
        out += "collector_db_pool_max_connections \(gauges.pool.maxConnections)\n"
        header("collector_http_open_connections", "gauge", "Client connections open now.")
        out += "collector_http_open_connections \(gauges.openConnections)\n"
        header("collector_ingest_queue_events", "gauge", "Events waiting for a writer.")
        out += "collector_ingest_queue_events \(gauges.queuedEvents)\n"
        if let records = gauges.spoolRecords, let bytes = gauges.spoolBytes {
            header("collector_spool_records", "gauge", "Records in the disk spool waiting for PostgreSQL.")
            out += "collector_spool_records \(records)\n"
            header("collector_spool_bytes", "gauge", "Bytes in the disk spool waiting for PostgreSQL.")
            out += "collector_spool_bytes \(bytes)\n"
        }
        return out
    }
}
