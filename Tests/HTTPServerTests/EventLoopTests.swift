@testable import HTTPServer
import CLinux
import Glibc
import Synchronization
import Testing
import Threads

/// An event loop on a thread of its own, with a tick so long that it never comes during a test: whatever runs,
/// runs because the loop was woken for it.
private final class RunningLoop: Sendable {
    let loop: EventLoop
    private let thread: OSThread

    init() throws {
        let loop = try EventLoop()
        self.loop = loop
        thread = OSThread.spawn(name: "test-loop") {
            loop.adoptCurrentThread()
            loop.run(tick: .seconds(3600)) {}
        }
    }

    func stop() {
        loop.stop()
        thread.join()
    }
}

/// Records what tasks saw, and lets the test wait for it.
private final class Record<Value: Sendable>: Sendable {
    private let values = ConditionLock<[Value]>([])

    func append(_ value: Value) {
        values.withLock { $0.append(value) }
        values.broadcast()
    }

    /// The values once there are `count`; nil after 10 s, the bound against hanging.
    func wait(for count: Int) -> [Value]? {
        values.wait(until: { $0.count >= count }, deadline: MonotonicClock.now + 10_000_000_000) { values, ready in
            ready ? values : nil
        }
    }
}

/// Counts readiness events on one descriptor, on the loop's thread.
private final class ReadinessCounter: EventHandler {
    let fd: Int32
    let record: Record<UInt32>

    init(fd: Int32, record: Record<UInt32>) {
        self.fd = fd
        self.record = record
    }

    func handle(events: UInt32) {
        var byte: UInt8 = 0
        _ = read(fd, &byte, 1)
        record.append(events)
    }
}

@Suite("EventLoop")
struct EventLoopTests {
    @Test("A task handed over from another thread runs on the loop's thread")
    func executeFromOtherThread() throws {
        let running = try RunningLoop()
        defer { running.stop() }
        let record = Record<Bool>()
        let loop = running.loop
        loop.execute { record.append(loop.inLoop) }
        #expect(record.wait(for: 1) == [true])
        #expect(!loop.inLoop)
    }

    @Test("A task queued by a task on the loop runs without waiting for the next tick")
    func taskQueuedOnTheLoop() throws {
        let running = try RunningLoop()
        defer { running.stop() }
        let record = Record<String>()
        let loop = running.loop
        loop.execute {
            record.append("outer")
            loop.execute { record.append("inner") }
        }
        #expect(record.wait(for: 2) == ["outer", "inner"])
    }

    @Test("Tasks run in the order they were queued")
    func order() throws {
        let running = try RunningLoop()
        defer { running.stop() }
        let record = Record<Int>()
        for index in 0..<200 { running.loop.execute { record.append(index) } }
        #expect(record.wait(for: 200) == Array(0..<200))
    }

    @Test("stop ends run after the tasks already queued have run")
    func stopRunsQueuedTasks() throws {
        let running = try RunningLoop()
        let record = Record<Int>()
        for index in 0..<10 { running.loop.execute { record.append(index) } }
        running.stop()
        #expect(record.wait(for: 10)?.count == 10)
    }

    @Test("A registered handler hears of its descriptor's readiness until it is deregistered")
    func readiness() throws {
        let running = try RunningLoop()
        defer { running.stop() }
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { ends.forEach { close($0) } }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        let record = Record<UInt32>()
        let registered = Record<Bool>()
        let loop = running.loop
        loop.execute {
            loop.register(readEnd, events: CLINUX_EPOLLIN, handler: ReadinessCounter(fd: readEnd, record: record))
            registered.append(true)
        }
        #expect(registered.wait(for: 1) != nil)
        var byte: UInt8 = 1
        #expect(write(writeEnd, &byte, 1) == 1)
        let events = try #require(record.wait(for: 1))
        #expect(events[0] & CLINUX_EPOLLIN != 0)

        loop.execute {
            loop.deregister(readEnd)
            registered.append(false)
        }
        #expect(registered.wait(for: 2) != nil)
        #expect(write(writeEnd, &byte, 1) == 1)
        // The loop has no reason left to call the handler: a task queued after the write runs first and alone.
        loop.execute { record.append(0) }
        #expect(record.wait(for: 2) == [events[0], 0])
    }
}
