import Glibc
import JSON
import Logging
import TextFormats
import Threads

/// One line per message on standard error (fd 2, written whole with one `write`), as logfmt
/// (`ts=2026-11-22T02:27:54Z level=info msg="collector listening" port=8080`) or as a JSON object.
public struct LogLineHandler: LogHandler {
    public enum Format: String, Sendable {
        case logfmt, json
    }

    public var logLevel: Logger.Level
    private let format: Format
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    public init(label: String, level: Logger.Level, format: Format = .logfmt) {
        self.label = label
        logLevel = level
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var bytes = Array(line(event).utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// The line for one event, newline included.
    func line(_ event: LogEvent) -> String {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let fields = [("ts", Self.timestamp()), ("level", event.level.rawValue), ("msg", event.message.description)]
            + all.sorted(by: { $0.key < $1.key }).map { ($0.key, "\($0.value)") }
        var line: String
        switch format {
        case .logfmt:
            line = fields.map { "\($0.0)=\(Self.quoted($0.1))" }.joined(separator: " ")
        case .json:
            var bytes: [UInt8] = [UInt8(ascii: "{")]
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONText.appendQuoted(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                JSONText.appendQuoted(value, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
            line = String(decoding: bytes, as: UTF8.self)
        }
        return line + "\n"
    }

    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.utf8.allSatisfy { $0 > 0x20 && $0 != 0x22 && $0 != 0x3d && $0 != 0x5c && $0 < 0x7f }
        if plain { return value }
        var out = "\""
        for character in value.unicodeScalars {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(character)
            }
        }
        return out + "\""
    }

    static func timestamp() -> String {
        let now = WallClock.now
        return UTCTime(secondsSince1970: now.seconds, nanoseconds: now.nanoseconds).rfc3339Milliseconds
    }
}
