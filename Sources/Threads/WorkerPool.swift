import DequeModule

/// A fixed set of threads running blocking jobs from a bounded queue: the place where libpq calls run for
/// callers that must not block (event loops).
public final class WorkerPool: Sendable {
    private struct State {
        var jobs: Deque<@Sendable () -> Void> = []
        var stopping = false
    }

    private let state: ConditionLock<State>
    private let maxQueuedJobs: Int
    private let threads: ConditionLock<[OSThread]>

    public init(name: String, threads count: Int, maxQueuedJobs: Int) {
        state = ConditionLock(State())
        self.maxQueuedJobs = maxQueuedJobs
        threads = ConditionLock([])
        let spawned = (0..<max(1, count)).map { index in
            OSThread.spawn(name: "\(name)-\(index)") { [state] in
                while let job = Self.next(from: state) { job() }
            }
        }
        threads.withLock { $0 = spawned }
    }

    private static func next(from state: ConditionLock<State>) -> (@Sendable () -> Void)? {
        state.wait(until: { $0.stopping || !$0.jobs.isEmpty }) { state, _ in
            state.jobs.popFirst()
        }
    }

    /// Queues `job`; false when the queue is full or the pool is stopping, so the caller can answer 503.
    @discardableResult
    public func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let accepted = state.withLock { state in
            guard !state.stopping, state.jobs.count < maxQueuedJobs else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { state.signal() }
        return accepted
    }

    /// Runs the jobs already queued, then stops the threads and waits for them.
    public func shutdown() {
        state.withLock { $0.stopping = true }
        state.broadcast()
        let running = threads.withLock { threads in
            let taken = threads
            threads = []
            return taken
        }
        for thread in running { thread.join() }
    }
}
