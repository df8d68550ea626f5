import Foundation
import Synchronization
import Testing
import Threads

@Suite("OSThread")
struct OSThreadTests {
    @Test("join waits until the thread's body has finished")
    func joinWaits() {
        let finished = Atomic<Bool>(false)
        let thread = OSThread.spawn(name: "sleeper") {
            usleep(100_000)
            finished.store(true, ordering: .releasing)
        }
        thread.join()
        let didFinish = finished.load(ordering: .acquiring)
        #expect(didFinish)
    }

    @Test("The body runs on a new thread")
    func newThread() {
        let caller = pthread_self()
        let sameThread = Mutex<Bool?>(nil)
        OSThread.spawn(name: "other") { sameThread.withLock { $0 = pthread_self() == caller } }.join()
        #expect(sameThread.withLock { $0 } == false)
    }

    @Test("The thread carries its name, cut to the 15 bytes Linux keeps")
    func threadName() {
        let name = Mutex<String?>(nil)
        OSThread.spawn(name: "a-rather-long-thread-name") {
            let comm = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
            name.withLock { $0 = comm?.trimmingCharacters(in: .newlines) }
        }.join()
        #expect(name.withLock { $0 } == "a-rather-long-t")
    }
}
