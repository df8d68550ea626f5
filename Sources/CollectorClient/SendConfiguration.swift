import Glibc
import TextFormats

/// Where `collector send` sends and spools, from (first found wins) its flags, the environment, and a config
/// file of `NAME=value` lines with the same names (`~/.config/agent-telemetry/collector.env` unless
/// `COLLECTOR_CONFIG` or `--config` names another).
public struct SendConfiguration: Sendable {
    /// nil when none is set: events are then only spooled.
    public var url: CollectorURL?
    public var apiKey: String?
    public var spoolDirectory: String
    public var spoolMaxBytes: Int
    public var timeoutSeconds: Double
    public var caFile: String?

    /// The names read from the environment and from the config file.
    public enum Name: String, CaseIterable, Sendable {
        case url = "COLLECTOR_URL"
        case apiKey = "COLLECTOR_API_KEY"
        case spoolDirectory = "COLLECTOR_SPOOL_DIR"
        case spoolMaxBytes = "COLLECTOR_SPOOL_MAX_BYTES"
        case timeout = "COLLECTOR_TIMEOUT"
        case caFile = "COLLECTOR_CA_FILE"
        case config = "COLLECTOR_CONFIG"
    }

    public static let defaultTimeoutSeconds = 5.0
    public static let defaultSpoolMaxBytes = 64 << 20

    /// `flags` hold what the command line gave, by the same names; an unusable value is an error, as is a config
    /// file named explicitly that cannot be read.
    public static func resolve(
        flags: [Name: String], environment: [String: String]
    ) throws(ClientError) -> SendConfiguration {
        var file: [String: String] = [:]
        if let path = flags[.config] ?? environment[Name.config.rawValue].flatMap({ $0.isEmpty ? nil : $0 }) {
            file = parseConfigFile(try FileIO.read(path, maxBytes: 1 << 20))
        } else if let path = defaultConfigPath(environment), access(path, R_OK) == 0 {
            file = parseConfigFile((try? FileIO.read(path, maxBytes: 1 << 20)) ?? [])
        }
        func value(_ name: Name) -> String? {
            for source in [flags[name], environment[name.rawValue], file[name.rawValue]] {
                if let source, !source.isEmpty { return source }
            }
            return nil
        }
        var configuration = SendConfiguration(
            url: nil, apiKey: value(.apiKey), spoolDirectory: value(.spoolDirectory) ?? defaultSpoolDirectory(environment),
            spoolMaxBytes: defaultSpoolMaxBytes, timeoutSeconds: defaultTimeoutSeconds, caFile: value(.caFile))
        if let url = value(.url) { configuration.url = try CollectorURL(parsing: url) }
        if let text = value(.timeout) {
            guard let seconds = Double(text), seconds > 0, seconds <= 3600 else {
                throw ClientError("COLLECTOR_TIMEOUT must be a number of seconds above 0, not \"\(text)\"")
            }
            configuration.timeoutSeconds = seconds
        }
        if let text = value(.spoolMaxBytes) {
            guard let bytes = Int(text), bytes >= 0 else {
                throw ClientError("COLLECTOR_SPOOL_MAX_BYTES must be a whole number of bytes, not \"\(text)\"")
            }
            configuration.spoolMaxBytes = bytes
        }
        return configuration
    }

    /// `NAME=value` lines; blank lines, `#` comments and a leading `export ` are allowed, and quotes around the
    /// value are removed.
    static func parseConfigFile(_ bytes: [UInt8]) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
            var line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = String(line[..<equals].trimmingSpacesAndTabs())
            var value = Substring(line[line.index(after: equals)...].trimmingSpacesAndTabs())
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            values[name] = String(value)
        }
        return values
    }

    static func defaultConfigPath(_ environment: [String: String]) -> String? {
        if let base = environment["XDG_CONFIG_HOME"], base.hasPrefix("/") { return "\(base)/agent-telemetry/collector.env" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return "\(home)/.config/agent-telemetry/collector.env"
    }

    static func defaultSpoolDirectory(_ environment: [String: String]) -> String {
        if let base = environment["XDG_STATE_HOME"], base.hasPrefix("/") { return "\(base)/agent-telemetry/spool" }
        if let home = environment["HOME"], !home.isEmpty { return "\(home)/.local/state/agent-telemetry/spool" }
        return "/tmp/agent-telemetry-spool-\(getuid())"
    }
}
