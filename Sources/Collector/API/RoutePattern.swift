/// A route's path as its endpoint declares it, the way openapi.yaml writes it: `/api/v1/sessions/{host}/{session}`.
/// A `{name}` segment matches one non-empty segment of a request's path, percent-decoded; every other segment
/// matches only itself.
struct RoutePattern: Sendable, Equatable {
    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    private let segments: [Segment]
    /// True when the pattern has no parameter, so that a dictionary look-up finds it.
    let isLiteral: Bool

    init(_ path: String) {
        segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") && segment.count > 2
                ? .parameter(String(segment.dropFirst().dropLast())) : .literal(String(segment))
        }
        isLiteral = segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// The parameters' values by name when `path` matches, else nil (also for a segment that is not valid
    /// percent-encoded UTF-8).
    func match(_ path: String) -> [String: String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == segments.count else { return nil }
        var values: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let literal):
                guard part == literal else { return nil }
            case .parameter(let name):
                guard !part.isEmpty, let value = PercentDecoding.decode(part, plusIsSpace: false) else { return nil }
                values[name] = value
            }
        }
        return values
    }
}
