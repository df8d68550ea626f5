import CLinux
import Glibc
import Threads

/// One client connection, driven by its loop's readiness events: read, parse, hand the request to the
/// responder, write the response in one `send` (or, for a produced body, part by part as the socket drains), then
/// wait for the next request or close.
final class HTTPConnection: EventHandler {
    enum Phase: Equatable {
        case idle, readingHead, readingBody, responding, writing, streaming, draining, closed
    }

    let fd: Int32
    private unowned let owner: ServerLoop
    private var parser: HTTPRequestParser
    private(set) var phase: Phase = .idle
    /// Monotonic nanoseconds after which the current phase has taken too long; 0 for none.
    private(set) var deadline: UInt64
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var keepAlive = true
    /// The version of the request being answered, which decides how keep-alive is announced.
    private var requestVersion = HTTPVersion.http1_1
    private var requestIsHead = false
    private var peerClosed = false
    private var generation: UInt64 = 0
    private var interest: UInt32 = 0
    private var drainBudget = 0
    /// The body being produced while `streaming`; nil once it ended, failed or was cancelled.
    private var producer: (any HTTPBodyProducer)?
    /// Whether the produced body is sent in chunks (HTTP/1.1) or until the connection closes (HTTP/1.0).
    private var chunked = false
    private var awaitingPart = false

    init(fd: Int32, owner: ServerLoop) {
        self.fd = fd
        self.owner = owner
        parser = HTTPRequestParser(limits: owner.configuration.parserLimits)
        // A new connection owes its first request's headers within the header timeout, not the idle one: a
        // client that connects and sends nothing is the cheapest way to hold a connection slot.
        deadline = MonotonicClock.now + owner.headerReadTimeout
    }

    func start() {
        interest = CLINUX_EPOLLIN | CLINUX_EPOLLRDHUP
        owner.loop.register(fd, events: interest, handler: self)
    }

    func handle(events: UInt32) {
        if events & CLINUX_EPOLLERR != 0 {
            close()
            return
        }
        if events & CLINUX_EPOLLOUT != 0 { flush() }
        if phase != .closed && events & (CLINUX_EPOLLIN | CLINUX_EPOLLHUP | CLINUX_EPOLLRDHUP) != 0 {
            readAvailable()
        }
    }

    // MARK: Reading

    private func readAvailable() {
        if phase == .draining { return drain() }
        var budget = owner.configuration.readBudgetBytes
        while budget > 0 && phase != .closed {
            switch Socket.read(fd, into: owner.readBuffer) {
            case .bytes(let count):
                budget -= count
                parser.append(UnsafeRawBufferPointer(rebasing: owner.readBuffer[0..<count]))
            case .wouldBlock:
                budget = 0
            case .closed:
                peerClosed = true
                budget = 0
            }
        }
        guard phase != .closed else { return }
        if peerClosed {
            // The client is gone or half-closed: answer a complete request in hand, then close.
            stopReading()
            if phase == .idle || phase == .readingHead || phase == .readingBody {
                processInput()
                if phase == .idle || phase == .readingHead || phase == .readingBody { close() }
            }
            return
        }
        processInput()
        if (phase == .responding || phase == .writing || phase == .streaming)
            && parser.bufferedByteCount > owner.configuration.maxPipelineBufferBytes {
            stopReading()
        }
    }

    private func processInput() {
        while phase == .idle || phase == .readingHead || phase == .readingBody {
            let event: HTTPParserEvent?
            do {
                event = try parser.next()
            } catch {
                reject(error)
                return
            }
            guard let event else {
                if phase == .idle && parser.state != .idle {
                    phase = .readingHead
                    deadline = MonotonicClock.now + owner.headerReadTimeout
                }
                return
            }
            switch event {
            case .head(let head):
                let limit = owner.responder.bodyLimit(for: head) ?? owner.configuration.parserLimits.defaultBodyLimit
                parser.setBodyLimit(limit)
                phase = .readingBody
                deadline = MonotonicClock.now + owner.bodyReadTimeout
                let expectsBody = head.isChunked || (head.contentLength ?? 0) > 0
                if head.expectsContinue && expectsBody && (head.contentLength ?? 0) <= limit {
                    // curl waits a second for this before sending a body over 1 KiB.
                    output.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8)
                    flush()
                }
            case .request(let request):
                dispatch(request)
                return
            }
        }
    }

    private func stopReading() {
        setInterest(interest & ~(CLINUX_EPOLLIN | CLINUX_EPOLLRDHUP))
    }

    // MARK: Responding

    private func dispatch(_ request: HTTPRequest) {
        phase = .responding
        deadline = 0
        keepAlive = request.head.keepAlive && !owner.isShuttingDown
        requestVersion = request.head.version
        requestIsHead = request.head.method == "HEAD"
        generation &+= 1
        let bound = LoopBound(self, loop: owner.loop)
        let generation = generation
        let writer = ResponseWriter { response in
            bound.execute { connection in connection.complete(response, generation: generation) }
        }
        owner.responder.respond(to: request, writer: writer)
    }

    private func complete(_ response: HTTPResponse, generation: UInt64) {
        guard phase == .responding, generation == self.generation else {
            // Nobody will ask this body for a part: let its producer release what it holds.
            response.producer?.cancel()
            return
        }
        if owner.isShuttingDown { keepAlive = false }
        send(response)
    }

    private func send(_ response: HTTPResponse) {
        // After a half-close, requests the client sent before it are still answered; the response after which
        // nothing is left to answer says that the connection closes.
        let lastBeforeClose = peerClosed && parser.bufferedByteCount == 0
        if let producer = response.producer {
            if requestIsHead {
                producer.cancel()
            } else {
                self.producer = producer
                chunked = requestVersion == .http1_1
                // An HTTP/1.0 client knows the body has ended when the connection closes.
                if !chunked { keepAlive = false }
            }
        }
        output.append(contentsOf: response.encoded(
            keepAlive: keepAlive && !lastBeforeClose, date: owner.date, requestVersion: requestVersion,
            includeBody: !requestIsHead))
        phase = producer == nil ? .writing : .streaming
        deadline = MonotonicClock.now + owner.writeTimeout
        flush()
    }

    /// Asks the producer for the next part; called when everything before it has been written.
    private func requestPart() {
        guard let producer, !awaitingPart else { return }
        awaitingPart = true
        deadline = MonotonicClock.now + owner.writeTimeout
        let bound = LoopBound(self, loop: owner.loop)
        let generation = generation
        producer.produce { part in
            bound.execute { connection in connection.receive(part, generation: generation) }
        }
    }

    private func receive(_ part: HTTPBodyPart, generation: UInt64) {
        guard phase == .streaming, awaitingPart, generation == self.generation else { return }
        awaitingPart = false
        switch part {
        case .bytes(let bytes):
            guard !bytes.isEmpty else { return requestPart() }
            if chunked { output.append(contentsOf: "\(String(bytes.count, radix: 16))\r\n".utf8) }
            output.append(contentsOf: bytes)
            if chunked { output.append(contentsOf: "\r\n".utf8) }
            deadline = MonotonicClock.now + owner.writeTimeout
            flush()
        case .end:
            producer = nil
            if chunked { output.append(contentsOf: "0\r\n\r\n".utf8) }
            phase = .writing
            flush()
        case .failed:
            producer = nil
            close()
        }
    }

    /// Answers a request the parser refused, then closes: after a framing error the byte stream cannot be trusted.
    private func reject(_ error: HTTPParseError) {
        requestIsHead = false
        guard let status = error.status else {
            close()
            return
        }
        keepAlive = false
        send(owner.responder.response(for: ServerRefusal(status: status, code: error.code, message: error.message)))
    }

    /// Called by the loop's tick when `deadline` has passed.
    func expire() {
        switch phase {
        case .readingHead, .readingBody:
            keepAlive = false
            let message = phase == .readingHead
                ? "the request headers did not arrive in time" : "the request body did not arrive in time"
            output.removeAll()
            outputOffset = 0
            send(owner.responder.response(for: ServerRefusal(status: 408, code: "request_timeout", message: message)))
            if phase != .closed { close() }
        case .idle, .writing, .responding, .streaming, .draining:
            close()
        case .closed:
            break
        }
    }

    /// Closes a kept-alive connection that is between requests; used when the server shuts down.
    func closeIfIdle() {
        if phase == .idle { close() }
    }

    // MARK: Writing

    private func flush() {
        while outputOffset < output.count {
            let result = output.withUnsafeBytes { bytes in
                Socket.write(fd, UnsafeRawBufferPointer(rebasing: bytes[outputOffset...]))
            }
            switch result {
            case .bytes(let count):
                outputOffset += count
                // A long produced body is slow only if it stops moving.
                if phase == .streaming { deadline = MonotonicClock.now + owner.writeTimeout }
            case .wouldBlock:
                setInterest(interest | CLINUX_EPOLLOUT)
                return
            case .closed:
                close()
                return
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 1 << 16)
        outputOffset = 0
        setInterest(interest & ~CLINUX_EPOLLOUT)
        if phase == .writing { finishResponse() } else if phase == .streaming { requestPart() }
    }

    private func finishResponse() {
        guard keepAlive else {
            lingeringClose()
            return
        }
        phase = .idle
        deadline = MonotonicClock.now + owner.idleTimeout
        if peerClosed {
            // Nothing more can arrive: answer the complete requests still buffered, then close.
            processInput()
            if phase == .idle || phase == .readingHead || phase == .readingBody { close() }
            return
        }
        setInterest(interest | CLINUX_EPOLLIN | CLINUX_EPOLLRDHUP)
        processInput()
    }

    /// Closing right after an answer while the client still sends (a 413 before a large body) makes the
    /// kernel reset the connection, and the reset can destroy the answer before the client reads it. So
    /// the server stops writing, then reads and discards for a moment until the client closes.
    private func lingeringClose() {
        shutdown(fd, Int32(SHUT_WR))
        phase = .draining
        drainBudget = owner.configuration.maxLingerBytes
        deadline = MonotonicClock.now + MonotonicClock.nanoseconds(owner.configuration.lingerTimeout)
        setInterest(CLINUX_EPOLLIN | CLINUX_EPOLLRDHUP)
        drain()
    }

    private func drain() {
        while phase == .draining {
            switch Socket.read(fd, into: owner.readBuffer) {
            case .bytes(let count):
                drainBudget -= count
                if drainBudget <= 0 { close() }
            case .wouldBlock:
                return
            case .closed:
                close()
            }
        }
    }

    private func setInterest(_ events: UInt32) {
        guard events != interest, phase != .closed else { return }
        interest = events
        owner.loop.modify(fd, events: events)
    }

    func close() {
        guard phase != .closed else { return }
        phase = .closed
        if let producer {
            self.producer = nil
            producer.cancel()
        }
        owner.loop.deregister(fd)
        Glibc.close(fd)
        owner.connectionClosed(fd)
    }
}

extension HTTPParseError {
    /// A stable machine-readable name for the error body's `code`.
    var code: String {
        switch self {
        case .requestLineTooLong: "request_line_too_long"
        case .headersTooLarge: "headers_too_large"
        case .malformedRequestLine: "malformed_request_line"
        case .http2Preface: "http2_not_supported"
        case .unsupportedVersion: "unsupported_http_version"
        case .malformedHeader: "malformed_header"
        case .invalidContentLength: "invalid_content_length"
        case .contentLengthWithTransferEncoding: "content_length_with_transfer_encoding"
        case .unsupportedTransferEncoding: "unsupported_transfer_encoding"
        case .malformedChunk: "malformed_chunk"
        case .bodyTooLarge: "body_too_large"
        }
    }
}
