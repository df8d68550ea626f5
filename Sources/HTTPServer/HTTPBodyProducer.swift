/// A response body made while it is sent: the connection asks for the next part only once everything before it
/// has left for the socket, so a slow reader slows the producer instead of filling the server's memory. Calls come
/// from the connection's loop thread; `deliver` may be called from any thread, once per `produce`.
public protocol HTTPBodyProducer: Sendable {
    /// Makes the next part and hands it to `deliver`, without blocking the calling thread.
    func produce(_ deliver: @escaping @Sendable (HTTPBodyPart) -> Void)
    /// The connection closed (or timed out) before `.end`: release what production holds. Called at most once,
    /// and never after `.end` or `.failed` was delivered.
    func cancel()
}

/// What one `produce` gives.
public enum HTTPBodyPart: Sendable {
    /// More of the body; an empty array is allowed and sends nothing.
    case bytes([UInt8])
    /// The body is complete.
    case end
    /// The body cannot be completed. The connection closes without the final chunk, so the client sees a truncated
    /// body rather than a short one that looks whole.
    case failed
}
