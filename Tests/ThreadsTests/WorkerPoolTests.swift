import Glibc
import Synchronization
import Testing
import Threads

/// A latch a job waits on, so that tests decide when the pool's threads are busy and when they are free.
private final class Gate: Sendable {
    private let open = ConditionLock(false)

    func pass() { open.wait(until: { $0 }) { _, _ in } }

    func release() {
        open.withLock { $0 = true }
        open.broadcast()
    }
}

/// Counts events from any thread and lets a test wait until enough have happened.
private final class Counter: Sendable {
    private let count = ConditionLock(0)

    func increment() {
        count.withLock { $0 += 1 }
        count.broadcast()
    }

    var value: Int { count.withLock { $0 } }

    /// Whether `target` was reached within `seconds`: an upper bound on "does not hang", not a timing claim.
    func wait(for target: Int, seconds: Int = 10) -> Bool {
        count.wait(until: { $0 >= target }, deadline: MonotonicClock.now + UInt64(seconds) * 1_000_000_000) { _, ready in
            ready
        }
    }
}

@Suite("WorkerPool")
struct WorkerPoolTests {
    @Test("Every submitted job runs")
    func runsEveryJob() {
        let pool = WorkerPool(name: "test", threads: 3, maxQueuedJobs: 1000)
        let done = Counter()
        for _ in 0..<500 {
            #expect(pool.submit { done.increment() })
        }
        #expect(done.wait(for: 500))
        pool.shutdown()
        #expect(done.value == 500)
    }

    @Test("Jobs run on the pool's threads, not on the submitter's")
    func runsOnPoolThreads() {
        let pool = WorkerPool(name: "test", threads: 1, maxQueuedJobs: 10)
        let submitter = pthread_self()
        let ranElsewhere = Mutex<Bool?>(nil)
        pool.submit { ranElsewhere.withLock { $0 = pthread_self() != submitter } }
        pool.shutdown()
        #expect(ranElsewhere.withLock { $0 } == true)
    }

    @Test("submit refuses a job when the queue is full and accepts again once it has room")
    func refusesWhenFull() {
        let pool = WorkerPool(name: "test", threads: 1, maxQueuedJobs: 2)
        let gate = Gate()
        let started = Counter()
        let done = Counter()
        #expect(pool.submit {
            started.increment()
            gate.pass()
            done.increment()
        })
        // The only thread holds the first job, so the next ones wait in the queue.
        #expect(started.wait(for: 1))
        #expect(pool.submit { done.increment() })
        #expect(pool.submit { done.increment() })
        #expect(!pool.submit { done.increment() })
        gate.release()
        #expect(done.wait(for: 3))
        // Once the queue has room again, jobs are accepted again.
        #expect(pool.submit { done.increment() })
        pool.shutdown()
        #expect(done.value == 4)
    }

    @Test("shutdown runs the jobs already queued before it returns")
    func shutdownDrainsQueue() {
        let pool = WorkerPool(name: "test", threads: 1, maxQueuedJobs: 100)
        let gate = Gate()
        let started = Counter()
        let done = Counter()
        pool.submit {
            started.increment()
            gate.pass()
        }
        #expect(started.wait(for: 1))
        for _ in 0..<20 { pool.submit { done.increment() } }
        #expect(done.value == 0)
        gate.release()
        pool.shutdown()
        #expect(done.value == 20)
    }

    @Test("submit refuses jobs once shutdown has begun")
    func refusesAfterShutdown() {
        let pool = WorkerPool(name: "test", threads: 2, maxQueuedJobs: 10)
        pool.shutdown()
        let ran = Counter()
        #expect(!pool.submit { ran.increment() })
        #expect(ran.value == 0)
    }
}
