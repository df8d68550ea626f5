import Threads

/// A half-open time range [from, to) in microseconds since 2000-01-01 UTC (`Timestamp`'s unit), no longer than a
/// maximum, so that one request cannot make PostgreSQL read years of events.
struct TimeRange: Sendable, Equatable {
    static let microsPerDay: Int64 = 86_400_000_000
    /// Microseconds between 1970-01-01 and 2000-01-01.
    static let unixEpochOffset: Int64 = 946_684_800_000_000

    let from: Int64
    let to: Int64

    init(from: Int64, to: Int64, maxDays: Int) throws(QueryParameterError) {
        guard from < to else {
            throw QueryParameterError("from", "from must be before to")
        }
        guard to - from <= Int64(maxDays) * Self.microsPerDay else {
            throw QueryParameterError("from", "from and to are more than \(maxDays) days apart (READ_MAX_RANGE_DAYS); "
                                      + "ask for a shorter range, one after another")
        }
        self.from = from
        self.to = to
    }

    /// Now, in the same unit.
    static var now: Int64 {
        let now = WallClock.now
        return Int64(now.seconds) * 1_000_000 + Int64(now.nanoseconds / 1000) - unixEpochOffset
    }
}
