import CLinux
import Glibc

/// A dedicated operating-system thread: for work that blocks (libpq, epoll_wait) and so must stay off
/// Swift's cooperative pool, which has only as many threads as the machine has cores.
public final class OSThread: Sendable {
    // pthread_t is an integer handle; it is written once in `spawn` before the object is shared.
    private let handle: pthread_t

    private init(handle: pthread_t) {
        self.handle = handle
    }

    /// Starts `body` on a new thread named `name` (at most 15 bytes show in `top -H`).
    public static func spawn(name: String, _ body: @escaping @Sendable () -> Void) -> OSThread {
        let box = Unmanaged.passRetained(ThreadBody(name: name, body: body))
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { context in
            let box = Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue()
            clinux_set_thread_name(String(box.name.prefix(15)))
            box.body()
            return nil
        }, box.toOpaque())
        precondition(result == 0, "pthread_create failed with \(result)")
        return OSThread(handle: handle)
    }

    /// Waits for the thread to finish.
    public func join() {
        pthread_join(handle, nil)
    }
}

private final class ThreadBody: Sendable {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}
