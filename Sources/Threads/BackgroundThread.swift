/// A thread for background work that must stop on request: its body pauses with `pause`, which returns early, and
/// true, once `stop` is called; `stop` then waits for the body to return.
public final class BackgroundThread: Sendable {
    private let stopping = ConditionLock(false)
    private let thread = ConditionLock<OSThread?>(nil)

    public init() {}

    /// Starts `body` on its own thread; call once.
    public func start(name: String, _ body: @escaping @Sendable (BackgroundThread) -> Void) {
        let spawned = OSThread.spawn(name: name) { [self] in body(self) }
        thread.withLock { $0 = spawned }
    }

    /// Waits up to `duration`; true when asked to stop (at once if already asked).
    public func pause(_ duration: Duration) -> Bool {
        stopping.wait(until: { $0 }, deadline: MonotonicClock.now + MonotonicClock.nanoseconds(duration)) { stopping, _ in
            stopping
        }
    }

    /// Asks the body to stop and waits until it has returned; a no-op for a thread never started.
    public func stop() {
        stopping.withLock { $0 = true }
        stopping.broadcast()
        thread.withLock { thread in
            thread?.join()
            thread = nil
        }
    }
}
