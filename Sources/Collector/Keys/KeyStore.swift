import Synchronization
import Threads

/// Answers "whose key is this, and what may it do?" from memory alone: a request with a wrong key costs a SHA-256
/// and a dictionary look-up, never a query. `KeyWatcher` keeps the set current and writes down which keys were
/// used, a few seconds late, instead of one write per request.
final class KeyStore: Sendable {
    private let keys: Mutex<KeySet>
    private let used = Mutex<Set<KeyDigest>>([])

    init(_ keys: KeySet) {
        self.keys = Mutex(keys)
    }

    /// The holder of a working key, nil for an unknown, revoked or expired one.
    func holder<Key: Collection<UInt8>>(forKey key: Key) -> KeyHolder? {
        let digest = KeyDigest(key: key)
        let now = WallClock.now
        let holder = keys.withLock { $0.holder(for: digest, now: Int64(now.seconds) * 1_000_000 + Int64(now.nanoseconds / 1000)) }
        if holder != nil { used.withLock { _ = $0.insert(digest) } }
        return holder
    }

    var count: Int { keys.withLock { $0.count } }

    func replace(with keys: KeySet) {
        self.keys.withLock { $0 = keys }
    }

    /// The keys used since the last call.
    func takeUsed() -> Set<KeyDigest> {
        used.withLock { used in
            defer { used = [] }
            return used
        }
    }

    /// Puts back uses that could not be written, so the next flush carries them.
    func restoreUsed(_ digests: Set<KeyDigest>) {
        used.withLock { $0.formUnion(digests) }
    }
}
