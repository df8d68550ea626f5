import Glibc

/// The time of day, for timestamps (the monotonic clock is for durations).
public enum WallClock {
    /// Seconds and nanoseconds since 1970-01-01 UTC.
    public static var now: (seconds: Int, nanoseconds: Int) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return (Int(time.tv_sec), Int(time.tv_nsec))
    }
}
