import Glibc
import JSON
import TextFormats
import Threads

/// An event as `collector send` keeps and sends it: one JSON object on one line, with a `timestamp` (now) and an
/// `eventId` (random) added when it has none, so that a batch sent twice (its answer lost) is stored once.
public enum EventLine {
    public static func normalize(_ text: some Collection<UInt8>, now: String, newID: () -> String) throws(ClientError) -> [UInt8] {
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(Array(text))
        } catch {
            throw ClientError("not JSON: \(error)")
        }
        let event = document.root
        guard event.kind == .object else { throw ClientError("an event must be a JSON object") }
        guard event.member("sessionId")?.string != nil, event.member("eventType")?.string != nil else {
            throw ClientError("an event needs the strings sessionId and eventType")
        }
        var line: [UInt8] = []
        line.reserveCapacity(event.byteRange.count + 96)
        appendCompact(event, to: &line)
        var additions: [UInt8] = []
        if event.member("timestamp") == nil {
            additions.append(contentsOf: #""timestamp":"#.utf8)
            JSONText.appendQuoted(now, to: &additions)
        }
        if event.member("eventId") == nil {
            if !additions.isEmpty { additions.append(UInt8(ascii: ",")) }
            additions.append(contentsOf: #""eventId":"#.utf8)
            JSONText.appendQuoted(newID(), to: &additions)
        }
        if !additions.isEmpty {
            line.removeLast()  // the closing brace
            if event.count > 0 { line.append(UInt8(ascii: ",")) }
            line.append(contentsOf: additions)
            line.append(UInt8(ascii: "}"))
        }
        return line
    }

    /// The value's text without the whitespace between tokens, so that it fits on one line.
    static func appendCompact(_ value: JSONValue, to out: inout [UInt8]) {
        switch value.kind {
        case .object:
            out.append(UInt8(ascii: "{"))
            for (index, member) in value.members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: member.key.rawContent)
                out.append(contentsOf: #"":"#.utf8)
                appendCompact(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array:
            out.append(UInt8(ascii: "["))
            for (index, element) in value.elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendCompact(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string, .number, .true, .false, .null:
            out.append(contentsOf: value.rawBytes)
        }
    }

    /// The current time as RFC 3339 in UTC with milliseconds: `2026-11-22T03:04:05.678Z`.
    public static func now() -> String {
        let now = WallClock.now
        return UTCTime(secondsSince1970: now.seconds, nanoseconds: now.nanoseconds).rfc3339Milliseconds
    }

    /// A random (version 4) UUID.
    public static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = 0x40 | (bytes[6] & 0x0f)
        bytes[8] = 0x80 | (bytes[8] & 0x3f)
        let text = Hex.uuid(bytes)
        return String(decoding: text, as: UTF8.self)
    }
}
