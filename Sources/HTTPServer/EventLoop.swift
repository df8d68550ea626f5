import CLinux
import Glibc
import Synchronization
import Threads

/// Reacts to readiness of one file descriptor, on its loop's thread.
protocol EventHandler: AnyObject {
    func handle(events: UInt32)
}

/// One thread waiting in epoll. Handlers run on that thread only; other threads hand it work with `execute`.
final class EventLoop: @unchecked Sendable {
    // Invariant: `handlers` and every registered handler are used only on the loop's thread (checked by
    // `assertInLoop`); the only state other threads touch is `queue` (a Mutex), `stopping` and `thread` (atomics).
    private let epollFD: Int32
    private let wakeFD: Int32
    private var handlers: [Int32: any EventHandler] = [:]
    private let queue = Mutex<[@Sendable () -> Void]>([])
    private let stopping = Atomic<Bool>(false)
    private let thread = Atomic<UInt>(0)

    init() throws(SocketError) {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw SocketError("epoll_create1") }
        wakeFD = eventfd(0, CLINUX_EFD_NONBLOCK | CLINUX_EFD_CLOEXEC)
        guard wakeFD >= 0 else { throw SocketError("eventfd") }
        _ = clinux_epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, CLINUX_EPOLLIN, UInt64(wakeFD))
    }

    deinit {
        close(wakeFD)
        close(epollFD)
    }

    var inLoop: Bool { thread.load(ordering: .acquiring) == pthread_self() }

    func assertInLoop() {
        assert(inLoop, "event loop state touched off its thread")
    }

    /// Runs `task` on the loop's thread after the events at hand; callable from any thread. Called on the
    /// loop itself it defers instead of nesting, so a handler that answers at once cannot recurse.
    func execute(_ task: @escaping @Sendable () -> Void) {
        let wasEmpty = queue.withLock { tasks in
            tasks.append(task)
            return tasks.count == 1
        }
        if wasEmpty && !inLoop { wake() }
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        wake()
    }

    private func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    func register(_ fd: Int32, events: UInt32, handler: any EventHandler) {
        assertInLoop()
        handlers[fd] = handler
        _ = clinux_epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, events, UInt64(UInt32(bitPattern: fd)))
    }

    func modify(_ fd: Int32, events: UInt32) {
        assertInLoop()
        _ = clinux_epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, events, UInt64(UInt32(bitPattern: fd)))
    }

    func deregister(_ fd: Int32) {
        assertInLoop()
        handlers[fd] = nil
        _ = clinux_epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// Makes the calling thread the loop's own; call once, on the thread that then calls `run`.
    func adoptCurrentThread() {
        thread.store(pthread_self(), ordering: .releasing)
    }

    /// Waits for events until `stop`; calls `onTick` about every `tick` for timeouts and housekeeping.
    func run(tick: Duration, onTick: () -> Void) {
        assertInLoop()
        let tickNanoseconds = MonotonicClock.nanoseconds(tick)
        var events = [clinux_event](repeating: clinux_event(), count: 256)
        var nextTick = MonotonicClock.now + tickNanoseconds
        while !stopping.load(ordering: .acquiring) {
            let now = MonotonicClock.now
            // Tasks queued by the loop itself (a response completed while running queued tasks lets the next
            // pipelined request through, and its answer is queued again) must not wait for the next tick.
            let timeout = hasQueuedTasks || nextTick <= now ? 0 : Int32((nextTick - now) / 1_000_000) + 1
            let count = events.withUnsafeMutableBufferPointer {
                clinux_epoll_wait(epollFD, $0.baseAddress, Int32($0.count), timeout)
            }
            for index in 0..<max(0, Int(count)) {
                let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: events[index].data))
                if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = Glibc.read(wakeFD, &value, 8)
                } else {
                    handlers[fd]?.handle(events: events[index].events)
                }
            }
            runQueuedTasks()
            if MonotonicClock.now >= nextTick {
                onTick()
                nextTick = MonotonicClock.now + tickNanoseconds
            }
        }
        runQueuedTasks()
    }

    private var hasQueuedTasks: Bool {
        queue.withLock { !$0.isEmpty }
    }

    private func runQueuedTasks() {
        let tasks = queue.withLock { tasks in
            let taken = tasks
            tasks.removeAll(keepingCapacity: true)
            return taken
        }
        for task in tasks { task() }
    }
}

/// A value that belongs to one event loop's thread, carried through other threads unopened.
struct LoopBound<Value>: @unchecked Sendable {
    // Sound because `value` is only read inside `loop.execute`, i.e. back on the thread that owns it.
    private let value: Value
    let loop: EventLoop

    init(_ value: Value, loop: EventLoop) {
        loop.assertInLoop()
        self.value = value
        self.loop = loop
    }

    /// Runs `body` with the value on its loop's thread.
    func execute(_ body: @escaping @Sendable (Value) -> Void) {
        let bound = self
        loop.execute { body(bound.value) }
    }
}
