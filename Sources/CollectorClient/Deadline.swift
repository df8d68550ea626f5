import Threads

/// The moment `collector send` gives up: every wait (name lookup, connect, read, write, lock) takes what is left.
public struct Deadline: Sendable {
    /// Monotonic nanoseconds.
    let end: UInt64

    public init(secondsFromNow seconds: Double) {
        end = MonotonicClock.now + UInt64(max(0, seconds) * 1_000_000_000)
    }

    var hasPassed: Bool { MonotonicClock.now >= end }

    /// What is left, in whole milliseconds as `poll` takes them; 0 once passed.
    var remainingMilliseconds: Int32 {
        let now = MonotonicClock.now
        guard end > now else { return 0 }
        return Int32(clamping: (end - now + 999_999) / 1_000_000)
    }
}
