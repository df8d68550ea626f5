/// What a key may do: an ingest key sends its host's telemetry, a read key queries and exports everyone's and
/// sends nothing. The `scope` column of `api_keys` (migration 007) holds the raw value.
public enum KeyScope: String, Sendable, CaseIterable {
    case ingest
    case read
}

/// The one a working key belongs to: its host (for a read key, its `read:<name>`) and its scope.
struct KeyHolder: Sendable, Equatable {
    let host: String
    let scope: KeyScope
}
