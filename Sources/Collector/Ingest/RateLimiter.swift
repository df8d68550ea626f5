import Synchronization
import Threads

/// A token bucket per host for events per minute: a host may send a minute's worth at once, then at the
/// steady rate. One noisy host runs out of tokens; the others never notice.
final class RateLimiter: Sendable {
    struct Decision: Sendable, Equatable {
        let allowed: Bool
        /// Whole events left after this decision.
        let remaining: Int
        /// Seconds until the refused request would fit; 0 when allowed.
        let retryAfterSeconds: Int
    }

    private struct Bucket {
        var tokens: Double
        var updated: UInt64
    }

    let eventsPerMinute: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    /// `eventsPerMinute` 0 lets everything through.
    init(eventsPerMinute: Int) {
        self.eventsPerMinute = eventsPerMinute
    }

    var isEnabled: Bool { eventsPerMinute > 0 }

    func take(_ events: Int, for host: String, now: UInt64 = MonotonicClock.now) -> Decision {
        guard isEnabled else { return Decision(allowed: true, remaining: Int.max, retryAfterSeconds: 0) }
        let capacity = Double(eventsPerMinute)
        let perNanosecond = capacity / 60e9
        return buckets.withLock { buckets in
            var bucket = buckets[host] ?? Bucket(tokens: capacity, updated: now)
            // `now` was read before the lock, so another thread may have stamped the bucket later.
            let elapsed = now > bucket.updated ? now - bucket.updated : 0
            bucket.tokens = min(capacity, bucket.tokens + Double(elapsed) * perNanosecond)
            bucket.updated = max(now, bucket.updated)
            defer { buckets[host] = bucket }
            guard bucket.tokens >= Double(events) else {
                let missing = Double(min(events, eventsPerMinute)) - bucket.tokens
                return Decision(allowed: false, remaining: Int(bucket.tokens),
                                retryAfterSeconds: max(1, Int((missing / perNanosecond / 1e9).rounded(.up))))
            }
            bucket.tokens -= Double(events)
            return Decision(allowed: true, remaining: Int(bucket.tokens), retryAfterSeconds: 0)
        }
    }
}
