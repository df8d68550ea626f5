import CLibPQ
import Glibc
import Threads

/// A `NOTIFY` this connection received on a channel it `LISTEN`s on.
public struct PostgresNotification: Sendable, Equatable {
    public let channel: String
    public let payload: String

    public init(channel: String, payload: String) {
        self.channel = channel
        self.payload = payload
    }
}

extension PostgresConnection {
    /// Waits up to `timeout` for notifications and returns those that arrived, possibly none. Throws when the
    /// connection broke, so the caller can reconnect and LISTEN again.
    public func notifications(waitingUpTo timeout: Duration) throws(PostgresError) -> [PostgresNotification] {
        var received = takeNotifications()
        guard received.isEmpty else { return received }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: MonotonicClock.nanoseconds(timeout) / 1_000_000)
        let ready = poll(&descriptor, 1, milliseconds)
        guard ready > 0 else { return [] }
        guard PQconsumeInput(handle) == 1, isUsable else {
            throw .connectionFailed(PQerrorMessage(handle).map { String(cString: $0) } ?? "the connection closed")
        }
        received = takeNotifications()
        return received
    }

    private func takeNotifications() -> [PostgresNotification] {
        var received: [PostgresNotification] = []
        while let notification = PQnotifies(handle) {
            received.append(PostgresNotification(channel: String(cString: notification.pointee.relname),
                                                 payload: String(cString: notification.pointee.extra)))
            PQfreemem(notification)
        }
        return received
    }
}
