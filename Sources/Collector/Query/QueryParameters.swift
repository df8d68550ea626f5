/// The parameters of a read request's query string (`a=1&b=x%20y`), each at most once and each one the route knows,
/// so that a misspelt filter is refused instead of silently ignored. Values are percent-decoded and reach SQL only
/// as bound parameters.
struct QueryParameters: Sendable {
    /// Longest value of a text filter: the longest field it can match (a session id) is 256 characters.
    static let maxValueCharacters = 256

    private let values: [String: String]

    init(_ query: String?, allowed: [String]) throws(QueryParameterError) {
        var values: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(parts[0], plusIsSpace: true) else {
                throw QueryParameterError(String(parts[0]), "a parameter name is not valid percent-encoded UTF-8")
            }
            guard allowed.contains(name) else {
                throw QueryParameterError(name, "unknown parameter \(name); this route takes \(allowed.joined(separator: ", "))")
            }
            guard let value = PercentDecoding.decode(parts.count == 2 ? parts[1] : "", plusIsSpace: true) else {
                throw QueryParameterError(name, "\(name) is not valid percent-encoded UTF-8")
            }
            guard values[name] == nil else { throw QueryParameterError(name, "give \(name) at most once") }
            values[name] = value
        }
        self.values = values
    }

    /// A filter's value; nil when absent or empty.
    func text(_ name: String) throws(QueryParameterError) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        guard value.count <= Self.maxValueCharacters else {
            throw QueryParameterError(name, "\(name) is longer than \(Self.maxValueCharacters) characters")
        }
        return value
    }

    /// A whole number from 1 to `maximum`, `defaultValue` when absent.
    func limit(_ name: String = "limit", default defaultValue: Int, maximum: Int) throws(QueryParameterError) -> Int {
        guard let text = values[name] else { return defaultValue }
        guard let number = Int(text), number >= 1, number <= maximum else {
            throw QueryParameterError(name, "\(name) must be a whole number from 1 to \(maximum), not \"\(text)\"")
        }
        return number
    }

    /// `from` and `to` (RFC 3339): by default the last 24 hours; at most `maxDays` long.
    func timeRange(now: Int64, maxDays: Int) throws(QueryParameterError) -> TimeRange {
        func instant(_ name: String) throws(QueryParameterError) -> Int64? {
            guard let text = values[name] else { return nil }
            guard let micros = Timestamp.parse(Array(text.utf8)) else {
                throw QueryParameterError(name, "\(name) must be an RFC 3339 time such as 2024-01-15T10:30:00Z, not \"\(text)\"")
            }
            return micros
        }
        let to = try instant("to") ?? now
        let from = try instant("from") ?? to - TimeRange.microsPerDay
        return try TimeRange(from: from, to: to, maxDays: maxDays)
    }

    /// `window`: a whole number of minutes, hours or days (`90m`, `24h`, `7d`), `24h` when absent; at most `maxDays`.
    func window(maxDays: Int) throws(QueryParameterError) -> (text: String, micros: Int64) {
        let text = values["window"] ?? "24h"
        let unit: Int64? = switch text.last {
        case "m": 60_000_000
        case "h": 3_600_000_000
        case "d": TimeRange.microsPerDay
        default: nil
        }
        guard let unit, let count = Int64(text.dropLast()), count >= 1, count <= Int64(maxDays) * TimeRange.microsPerDay / unit else {
            throw QueryParameterError("window", "window must be minutes, hours or days such as 90m, 24h or 7d, "
                                      + "at most \(maxDays) days (READ_MAX_RANGE_DAYS), not \"\(text)\"")
        }
        return (text, count * unit)
    }
}
