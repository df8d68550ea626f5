import Postgres

/// What the collector keeps in its spool while PostgreSQL is away: a batch's events, already in the binary
/// column form the insert takes, or one transcript upload. Records are framed and checksummed by `Journal`.
enum SpoolRecord: Sendable {
    case events(EventBatch)
    case transcript(TranscriptUpload)

    private static let transcriptKind: UInt8 = 2

    /// The kinds of events record, each with the columns it holds in the order they are written: the record
    /// format, so a kind stays as it is when `EventColumn` changes. A new column needs a new kind, written from then
    /// on (a test checks that the newest names every column); records already on disk keep theirs and replay with
    /// NULL in the columns their kind lacks.
    private static let eventKinds: [(kind: UInt8, columns: [EventColumn])] = [
        (1, [.hostID, .sessionID, .eventType, .timestamp, .agentName, .decision, .decisionReason, .toolName, .modelTier,
             .latencyMs, .eventID, .attributes]),
        // Log records' trace and span ids.
        (3, [.hostID, .sessionID, .eventType, .timestamp, .agentName, .decision, .decisionReason, .toolName, .modelTier,
             .latencyMs, .eventID, .attributes, .traceID, .spanID]),
    ]

    private static let eventsKind = eventKinds[eventKinds.count - 1].kind

    /// The columns of the kind written now.
    static let eventColumns = eventKinds[eventKinds.count - 1].columns

    var eventCount: Int {
        switch self {
        case .events(let batch): batch.count
        case .transcript: 0
        }
    }

    func encoded() -> [UInt8] {
        var writer = Writer()
        switch self {
        case .events(let batch):
            writer.bytes.append(Self.eventsKind)
            writer.text(batch.hostID)
            for column in Self.eventColumns { writer.block(batch.columns[column].parameter().bytes) }
        case .transcript(let upload):
            writer.bytes.append(Self.transcriptKind)
            writer.text(upload.hostID)
            writer.text(upload.sessionID)
            writer.optionalText(upload.agentName)
            writer.int64(upload.receivedAt)
            writer.block(Array(upload.transcript))
            writer.block(upload.metadata)
        }
        return writer.bytes
    }

    /// nil for bytes that are not a record of this version (the checksum matched, so they were written so).
    static func decode(_ bytes: [UInt8]) -> SpoolRecord? {
        var reader = Reader(bytes: bytes)
        guard let kind = reader.byte() else { return nil }
        if let columns = eventKinds.first(where: { $0.kind == kind })?.columns {
            guard let host = reader.text() else { return nil }
            var batch = EventBatch(hostID: host)
            for column in columns {
                let type = column.insertColumn.type
                guard let block = reader.block(),
                      let array = BinaryArray(encoded: block, elementType: type.elementOID, arrayType: type.arrayOID)
                else { return nil }
                batch.columns.replace(column, with: array)
            }
            let count = batch.count
            for column in EventColumn.allCases where !columns.contains(column) {
                batch.columns.update(column) { array in
                    for _ in 0..<count { array.appendNull() }
                }
            }
            return .events(batch)
        }
        switch kind {
        case transcriptKind:
            guard let host = reader.text(), let session = reader.text(), let agent = reader.optionalText(),
                  let receivedAt = reader.int64(), let transcript = reader.block(), let metadata = reader.block()
            else { return nil }
            return .transcript(TranscriptUpload(hostID: host, sessionID: session, agentName: agent,
                                                transcript: transcript[...], metadata: metadata, receivedAt: receivedAt))
        default:
            return nil
        }
    }

    private struct Writer {
        var bytes: [UInt8] = []

        mutating func int64(_ value: Int64) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }

        mutating func block(_ block: [UInt8]) {
            int64(Int64(block.count))
            bytes.append(contentsOf: block)
        }

        mutating func text(_ text: String) { block(Array(text.utf8)) }

        mutating func optionalText(_ text: String?) {
            if let text {
                bytes.append(1)
                self.text(text)
            } else {
                bytes.append(0)
            }
        }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func int64() -> Int64? {
            guard offset + 8 <= bytes.count else { return nil }
            var value: Int64 = 0
            for index in 0..<8 { value |= Int64(bytes[offset + index]) << (8 * index) }
            offset += 8
            return value
        }

        mutating func block() -> [UInt8]? {
            guard let count = int64(), count >= 0, offset + Int(count) <= bytes.count else { return nil }
            defer { offset += Int(count) }
            return Array(bytes[offset..<(offset + Int(count))])
        }

        mutating func text() -> String? { block().map { String(decoding: $0, as: UTF8.self) } }

        /// `.some(nil)` for a stored nil, nil for broken bytes.
        mutating func optionalText() -> String?? {
            switch byte() {
            case 0: .some(nil)
            case 1: text().map { .some($0) }
            default: nil
            }
        }
    }
}
