import CCrypto
import HTTPServer
import Logging
import TextFormats
import Threads

/// What every answer goes through on its way out: it carries `X-Request-Id` (the client's, or a new one), is
/// counted in the self-metrics, and is logged: one line per request at debug, a warning for each 5xx.
struct RequestObserver: Sendable {
    let metrics: SelfMetrics
    let logger: Logger

    /// Longest client request id kept (it goes into logs); a longer one is replaced.
    static let maxRequestIDBytes = 128

    func observe(_ writer: ResponseWriter, request head: HTTPRequestHead, route: String) -> ResponseWriter {
        let started = MonotonicClock.now
        let requestID = Self.requestID(from: head.headers["X-Request-Id"])
        let (metrics, logger) = (metrics, logger)
        return ResponseWriter { response in
            var response = response
            response.headers.add(name: "X-Request-Id", value: requestID)
            let seconds = Double(MonotonicClock.now - started) / 1e9
            metrics.request(route: route, status: response.status, seconds: seconds)
            let metadata: Logger.Metadata = [
                "request_id": "\(requestID)", "method": "\(head.method)", "route": "\(route)",
                "status": "\(response.status)", "duration_ms": "\(Int(seconds * 1000))",
            ]
            if response.status >= 500 {
                logger.warning("request failed", metadata: metadata)
            } else {
                logger.debug("request", metadata: metadata)
            }
            writer.write(response)
        }
    }

    /// A client's request id when it is short and printable, else a new random one.
    static func requestID(from given: String?) -> String {
        if let given, !given.isEmpty, given.utf8.count <= maxRequestIDBytes,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return given
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        _ = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, 16) }
        return Hex.string(bytes)
    }
}
