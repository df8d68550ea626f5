import Synchronization
import Threads

/// What the collector remembers about key hashes: the host of a valid key for `validFor`, or that a hash is
/// unknown for `unknownFor`. An expired valid entry is still offered as `stale`, for when the database cannot be
/// asked: hosts that were sending before an outage keep sending (to the spool) during it. Bounded: when full,
/// expired entries go first, then everything.
final class KeyCache: Sendable {
    enum Entry: Sendable, Equatable {
        case host(String, until: UInt64)
        case unknown(until: UInt64)
    }

    enum Lookup: Sendable, Equatable {
        case host(String)
        case unknown
        /// Not known, or known only from before `validFor` ran out (then `staleHost` says whose it was).
        case miss(staleHost: String?)
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let validNanoseconds: UInt64
    private let unknownNanoseconds: UInt64
    private let maxEntries: Int

    init(validFor: Duration, unknownFor: Duration, maxEntries: Int) {
        validNanoseconds = MonotonicClock.nanoseconds(validFor)
        unknownNanoseconds = MonotonicClock.nanoseconds(unknownFor)
        self.maxEntries = maxEntries
    }

    func lookup(_ hash: String, now: UInt64 = MonotonicClock.now) -> Lookup {
        entries.withLock { entries in
            switch entries[hash] {
            case .host(let host, let until): now < until ? .host(host) : .miss(staleHost: host)
            case .unknown(let until) where now < until: .unknown
            default: .miss(staleHost: nil)
            }
        }
    }

    func remember(_ hash: String, host: String?, now: UInt64 = MonotonicClock.now) {
        let entry: Entry
        if let host {
            guard validNanoseconds > 0 else { return }
            entry = .host(host, until: now + validNanoseconds)
        } else {
            guard unknownNanoseconds > 0 else { return }
            entry = .unknown(until: now + unknownNanoseconds)
        }
        entries.withLock { entries in
            if entries.count >= maxEntries {
                entries = entries.filter { _, entry in
                    switch entry {
                    case .host(_, let until), .unknown(let until): now < until
                    }
                }
                if entries.count >= maxEntries { entries.removeAll() }
            }
            entries[hash] = entry
        }
    }
}
