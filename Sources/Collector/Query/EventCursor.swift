import TextFormats

/// Where a page of events ended: the last event's (ts, host_id, event_id), the order pages are read in. The next
/// page starts after it, so events stored meanwhile neither shift nor repeat what was read (no OFFSET). Sent to
/// clients as opaque hex.
struct EventCursor: Sendable, Equatable {
    /// Microseconds since 2000-01-01 UTC.
    let timestamp: Int64
    let hostID: String
    let eventID: String

    /// Hex of `<timestamp>,<host byte count>,<host><event id>`.
    var token: String {
        Hex.string(Array("\(timestamp),\(hostID.utf8.count),\(hostID)\(eventID)".utf8))
    }

    init(timestamp: Int64, hostID: String, eventID: String) {
        self.timestamp = timestamp
        self.hostID = hostID
        self.eventID = eventID
    }

    init(token: String) throws(QueryParameterError) {
        let malformed = QueryParameterError("cursor", "cursor is not one this collector gave out; pass the `next` of the previous page unchanged")
        let digits = Array(token.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0, digits.count <= 2048 else { throw malformed }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { throw malformed }
            bytes.append(high << 4 | low)
        }
        let fields = bytes.split(separator: UInt8(ascii: ","), maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3,
              let timestamp = Int64(String(decoding: fields[0], as: UTF8.self)),
              let hostBytes = Int(String(decoding: fields[1], as: UTF8.self)),
              hostBytes > 0, hostBytes < fields[2].count,
              let host = String(validating: fields[2].prefix(hostBytes), as: UTF8.self),
              let event = String(validating: fields[2].dropFirst(hostBytes), as: UTF8.self)
        else { throw malformed }
        self.init(timestamp: timestamp, hostID: host, eventID: event)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
