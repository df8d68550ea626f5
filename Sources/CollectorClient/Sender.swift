import Glibc
import JSON

/// `collector send`'s work: put the new events and transcript uploads at the end of the spool, then deliver the
/// spool, oldest first, in batches of at most 100 events, until it is empty, the collector cannot take more, or
/// the deadline passes. It never throws: what went wrong becomes the report's one line.
public struct Sender: Sendable {
    public let configuration: SendConfiguration

    /// The most events in one batch request (the collector's own limit).
    static let maxBatchEvents = 100
    /// Batches stay below the collector's default body limit of 1 MiB.
    static let maxBatchBytes = 900 * 1024
    /// Transcripts above this are not read (the collector's default limit is 16 MiB).
    static let maxTranscriptBytes = 64 << 20
    /// After the collector did not answer in time, the calls of this many seconds only spool.
    public static let pauseAfterTimeout = 30

    public init(configuration: SendConfiguration) {
        self.configuration = configuration
    }

    public func run(events: [[UInt8]], transcripts: [TranscriptReference]) -> SendReport {
        let deadline = Deadline(secondsFromNow: configuration.timeoutSeconds)
        var report = SendReport()

        let now = EventLine.now()
        var lines: [[UInt8]] = []
        var firstRefusal: String?
        for event in events {
            do {
                lines.append(try EventLine.normalize(event, now: now, newID: EventLine.randomID))
            } catch {
                report.skippedInput += 1
                if firstRefusal == nil { firstRefusal = error.description }
            }
        }
        if let firstRefusal { report.problems.append("skipped \(report.skippedInput) input line(s): \(firstRefusal)") }

        let delivery = configuration.url.flatMap { url in
            configuration.apiKey.map {
                Delivery(client: HTTPClient(url: url, caFile: configuration.caFile), apiKey: $0, deadline: deadline)
            }
        }
        let outbox: Outbox
        do {
            outbox = try Outbox(directory: configuration.spoolDirectory, maxBytes: configuration.spoolMaxBytes)
        } catch {
            // No spool: deliver what this call got, and say what could not be kept.
            report.problems.append(error.description)
            let keptEvents = delivery?.events(lines, report: &report).count ?? lines.count
            let keptTranscripts = delivery?.transcripts(transcripts.map(\.line), report: &report).count ?? transcripts.count
            if keptEvents + keptTranscripts > 0 {
                report.problems.append("\(keptEvents) event(s) and \(keptTranscripts) transcript(s) were not delivered and are lost")
            }
            return report
        }
        report.spoolDirectory = outbox.directory
        for (queue, items) in [(Outbox.Queue.events, lines), (.transcripts, transcripts.map(\.line))] {
            do {
                try outbox.append(items, to: queue, deadline: deadline)
            } catch {
                report.problems.append("\(error); \(items.count) new \(queue == .events ? "event(s)" : "transcript(s)") dropped")
            }
        }

        guard let delivery else {
            report.problems.append("COLLECTOR_URL and COLLECTOR_API_KEY must both be set (environment or config file)")
            report.count(outbox, deadline: deadline)
            return report
        }
        if let until = outbox.deliveryPausedUntil {
            report.problems.append("the collector did not answer in time a moment ago; sending resumes in \(until - time(nil)) s")
            report.count(outbox, deadline: deadline)
            return report
        }
        do {
            let delivered: Void? = try outbox.delivering(deadline: deadline) { () throws(ClientError) in
                try deliver(.events, from: outbox, report: &report) { pending, report in
                    delivery.events(pending, report: &report)
                }
                guard !report.stopped else { return }
                try deliver(.transcripts, from: outbox, report: &report) { pending, report in
                    delivery.transcripts(pending, report: &report)
                }
            }
            if delivered == nil { report.problems.append("another collector send kept the spool busy") }
        } catch {
            report.problems.append(error.description)
        }
        if report.timedOut { outbox.pauseDelivery(seconds: Self.pauseAfterTimeout) }
        report.count(outbox, deadline: Deadline(secondsFromNow: 1))
        return report
    }

    /// Hands the queue's pending lines to `send`, which returns the ones still to send, and writes those back.
    private func deliver(
        _ queue: Outbox.Queue, from outbox: Outbox, report: inout SendReport,
        _ send: ([[UInt8]], inout SendReport) -> [[UInt8]]
    ) throws(ClientError) {
        let pending = try outbox.pending(queue, deadline: Deadline(secondsFromNow: 1))
        guard !pending.isEmpty else { return }
        let kept = send(pending, &report)
        // Settling gets its own short deadline: what was delivered must leave the spool even when time ran out.
        try outbox.settle(queue, taken: pending.count, kept: kept, deadline: Deadline(secondsFromNow: 2))
    }
}

/// What one `collector send` did, and its line for stderr when something went wrong.
public struct SendReport: Sendable {
    public var deliveredEvents = 0
    public var deliveredTranscripts = 0
    /// Spooled items the collector refused for good (a bad event, a transcript file gone); they are dropped.
    public var droppedEvents = 0
    public var droppedTranscripts = 0
    public var skippedInput = 0
    public var waitingEvents = 0
    public var waitingTranscripts = 0
    public var spoolDirectory: String?
    public var problems: [String] = []
    /// Delivery stopped early: the collector is unreachable, busy or refused the key.
    var stopped = false
    /// The collector did not answer in time.
    var timedOut = false

    /// nil when everything given was delivered or kept for a good reason; else one line, no newlines inside.
    public var summaryLine: String? {
        guard !problems.isEmpty else { return nil }
        var line = "collector send: " + problems.joined(separator: "; ")
        if let spoolDirectory, waitingEvents + waitingTranscripts > 0 {
            line += "; \(waitingEvents) event(s) and \(waitingTranscripts) transcript(s) wait in \(spoolDirectory) for the next call"
        }
        return String(line.map { $0.isNewline ? " " : $0 })
    }

    mutating func count(_ outbox: Outbox, deadline: Deadline) {
        waitingEvents = (try? outbox.pending(.events, deadline: deadline).count) ?? waitingEvents
        waitingTranscripts = (try? outbox.pending(.transcripts, deadline: deadline).count) ?? waitingTranscripts
    }
}

/// The requests of one delivery, and how each answer is taken.
struct Delivery {
    let client: HTTPClient
    let apiKey: String
    let deadline: Deadline

    /// Sends spooled event lines in batches; returns the lines still to send.
    func events(_ lines: [[UInt8]], report: inout SendReport) -> [[UInt8]] {
        var remaining = lines[...]
        while !remaining.isEmpty {
            var batch: [[UInt8]] = []
            var size = 16
            while let line = remaining.first, batch.count < Sender.maxBatchEvents,
                  batch.isEmpty || size + line.count + 1 <= Sender.maxBatchBytes {
                remaining.removeFirst()
                // A line damaged on disk would make the collector refuse the whole batch.
                guard (try? JSONDocument.parse(line))?.root.kind == .object else {
                    report.droppedEvents += 1
                    continue
                }
                batch.append(line)
                size += line.count + 1
            }
            while !batch.isEmpty {
                var body: [UInt8] = Array(#"{"events":["#.utf8)
                for (index, line) in batch.enumerated() {
                    if index > 0 { body.append(UInt8(ascii: ",")) }
                    body.append(contentsOf: line)
                }
                body.append(contentsOf: "]}".utf8)
                switch outcome(of: "/api/v1/telemetry/batch", body: body, report: &report) {
                case .delivered:
                    report.deliveredEvents += batch.count
                    batch = []
                case .refused(let index?) where batch.indices.contains(index):
                    // One bad event rejects its batch; drop that one and send the others again.
                    batch.remove(at: index)
                    report.droppedEvents += 1
                case .refused:
                    report.droppedEvents += batch.count
                    batch = []
                case .stop:
                    return batch + remaining
                }
            }
        }
        return []
    }

    /// Uploads spooled transcript references one by one; returns the ones still to send.
    func transcripts(_ lines: [[UInt8]], report: inout SendReport) -> [[UInt8]] {
        for (position, line) in lines.enumerated() {
            let body: [UInt8]
            do {
                body = try TranscriptReference(line: line).uploadBody(maxBytes: Sender.maxTranscriptBytes)
            } catch {
                report.droppedTranscripts += 1
                report.problems.append("transcript dropped: \(error)")
                continue
            }
            switch outcome(of: "/api/v1/transcript", body: body, report: &report) {
            case .delivered: report.deliveredTranscripts += 1
            case .refused: report.droppedTranscripts += 1
            case .stop: return Array(lines[position...])
            }
        }
        return []
    }

    enum Outcome {
        case delivered
        /// Refused for good (4xx); with the index of the event to blame when the collector named one.
        case refused(index: Int?)
        /// Try again on a later call: unreachable, busy, down, or the key refused (which an operator can fix).
        case stop
    }

    private func outcome(of path: String, body: [UInt8], report: inout SendReport) -> Outcome {
        let response: ClientResponse
        do {
            response = try client.post(path, body: body, apiKey: apiKey, deadline: deadline)
        } catch {
            report.problems.append("cannot deliver to \(client.url): \(error)")
            report.stopped = true
            report.timedOut = error.timedOut
            return .stop
        }
        let answer = try? JSONDocument.parse(response.body)
        let message = answer?.root.member("error")?.string?.decoded() ?? "HTTP \(response.status)"
        switch response.status {
        case 200..<300:
            return .delivered
        case 401, 408, 429, 500...:
            report.problems.append("\(client.url) answered \(response.status): \(message)")
            report.stopped = true
            return .stop
        default:
            report.problems.append("\(client.url) refused \(path == "/api/v1/transcript" ? "a transcript" : "events") (\(response.status)): \(message)")
            return .refused(index: answer?.root.member("index")?.int64.map { Int($0) })
        }
    }
}
