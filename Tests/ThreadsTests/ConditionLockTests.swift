import Glibc
import Testing
import Threads

@Suite("ConditionLock")
struct ConditionLockTests {
    @Test("wait with a deadline returns false once the deadline has passed")
    func deadlinePasses() {
        let lock = ConditionLock(false)
        let deadline = MonotonicClock.now + 200_000_000
        let ready = lock.wait(until: { $0 }, deadline: deadline) { _, ready in ready }
        #expect(!ready)
        #expect(MonotonicClock.now >= deadline)
    }

    @Test("wait with a deadline already past returns false at once")
    func deadlineInThePast() {
        let lock = ConditionLock(0)
        let ready = lock.wait(until: { $0 > 0 }, deadline: MonotonicClock.now - 1) { _, ready in ready }
        #expect(!ready)
    }

    @Test("wait returns true when another thread makes the condition hold")
    func wokenByAnotherThread() {
        let lock = ConditionLock(0)
        let thread = OSThread.spawn(name: "setter") {
            usleep(50_000)
            lock.withLock { $0 = 7 }
            lock.broadcast()
        }
        // The deadline is only an upper bound against hanging; the setter comes long before it.
        let (ready, seen) = lock.wait(until: { $0 == 7 }, deadline: MonotonicClock.now + 30_000_000_000) { state, ready in
            (ready, state)
        }
        thread.join()
        #expect(ready)
        #expect(seen == 7)
    }

    @Test("wait runs its body at once, lock held, when the condition already holds")
    func alreadyReady() {
        let lock = ConditionLock(3)
        let ready = lock.wait(until: { $0 == 3 }) { state, ready in
            state += 1
            return ready
        }
        #expect(ready)
        #expect(lock.withLock { $0 } == 4)
    }

    @Test("withLock keeps concurrent updates from being lost")
    func mutualExclusion() {
        let lock = ConditionLock(0)
        let threads = (0..<4).map { index in
            OSThread.spawn(name: "adder-\(index)") {
                for _ in 0..<10_000 { lock.withLock { $0 += 1 } }
            }
        }
        for thread in threads { thread.join() }
        #expect(lock.withLock { $0 } == 40_000)
    }

    @Test("nanoseconds converts durations and clamps negative ones to zero")
    func nanoseconds() {
        #expect(MonotonicClock.nanoseconds(.milliseconds(1500)) == 1_500_000_000)
        #expect(MonotonicClock.nanoseconds(.nanoseconds(7)) == 7)
        #expect(MonotonicClock.nanoseconds(.seconds(-3)) == 0)
    }
}
