import Glibc
import Threads

/// What `collector send` could not deliver, kept on disk so that the next call sends it first: one JSON line per
/// event in `events.jsonl`, one per transcript upload in `transcripts.jsonl`. Hooks run in parallel, so every
/// call may be writing at once: the files are changed only under the `lock` file's lock (held for milliseconds),
/// and one call at a time delivers, under `deliver.lock`.
public final class Outbox: Sendable {
    public enum Queue: String, Sendable, CaseIterable {
        case events = "events.jsonl"
        case transcripts = "transcripts.jsonl"
    }

    public let directory: String
    /// The most bytes the queues may hold together; what would go past it is refused.
    public let maxBytes: Int

    public init(directory: String, maxBytes: Int) throws(ClientError) {
        self.directory = directory
        self.maxBytes = maxBytes
        try FileIO.makeDirectory(directory)
    }

    func path(_ queue: Queue) -> String { "\(directory)/\(queue.rawValue)" }

    /// Adds lines at the end of a queue; throws without adding any when the spool would grow past `maxBytes`.
    public func append(_ lines: [[UInt8]], to queue: Queue, deadline: Deadline) throws(ClientError) {
        guard !lines.isEmpty else { return }
        try withLock("lock", deadline: deadline) { () throws(ClientError) in
            let size = Queue.allCases.reduce(0) { $0 + fileSize(path($1)) }
            let adding = lines.reduce(0) { $0 + $1.count + 1 }
            guard size + adding <= maxBytes else {
                throw ClientError("the spool in \(directory) is full (\(maxBytes) bytes)")
            }
            let file = path(queue)
            let fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw ClientError("cannot write \(file): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            var bytes: [UInt8] = []
            // A line cut short by a crash must not swallow the first new one.
            if !endsWithNewline(fd: fd) { bytes.append(UInt8(ascii: "\n")) }
            for line in lines {
                bytes.append(contentsOf: line)
                bytes.append(UInt8(ascii: "\n"))
            }
            try FileIO.write(fd: fd, bytes, path: file)
            fsync(fd)
        }
    }

    /// The lines waiting in a queue, oldest first.
    public func pending(_ queue: Queue, deadline: Deadline) throws(ClientError) -> [[UInt8]] {
        try withLock("lock", deadline: deadline) { () throws(ClientError) in
            try contents(queue).map { Array($0) }
        }
    }

    /// After a delivery of the first `taken` lines `pending` gave: those lines are replaced by `kept` (the ones
    /// still to send), and lines other calls appended meanwhile stay after them.
    public func settle(_ queue: Queue, taken: Int, kept: [[UInt8]], deadline: Deadline) throws(ClientError) {
        try withLock("lock", deadline: deadline) { () throws(ClientError) in
            let lines = try contents(queue)
            var bytes: [UInt8] = []
            for line in kept + lines.dropFirst(taken).map({ Array($0) }) {
                bytes.append(contentsOf: line)
                bytes.append(UInt8(ascii: "\n"))
            }
            let file = path(queue)
            let temporary = file + ".new"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw ClientError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
            let written = Result { () throws(ClientError) in try FileIO.write(fd: fd, bytes, path: temporary) }
            fsync(fd)
            close(fd)
            try written.get()
            // Replacing the file whole: a crash leaves either the old queue or the new one, never half of one.
            guard rename(temporary, file) == 0 else {
                throw ClientError("cannot replace \(file): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Runs `body` as the one call delivering from this spool; nil when another call kept delivering until the
    /// deadline.
    public func delivering<Result>(
        deadline: Deadline, _ body: () throws(ClientError) -> Result
    ) throws(ClientError) -> Result? {
        guard let fd = try lock("deliver.lock", deadline: deadline) else { return nil }
        defer { close(fd) }  // closing releases the lock
        return try body()
    }

    /// Calls before this wall-clock time (seconds since 1970) only spool: set after the collector did not answer in
    /// time, so that a collector that hangs (a dropped route, a stuck proxy) does not slow every hook by the timeout.
    public var deliveryPausedUntil: Int? {
        guard let text = try? FileIO.read("\(directory)/paused-until", maxBytes: 64),
              let until = Int(String(decoding: text, as: UTF8.self)), until > time(nil)
        else { return nil }
        return until
    }

    public func pauseDelivery(seconds: Int) {
        let file = "\(directory)/paused-until"
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        try? FileIO.write(fd: fd, Array(String(time(nil) + seconds).utf8), path: file)
    }

    private func contents(_ queue: Queue) throws(ClientError) -> [ArraySlice<UInt8>] {
        let file = path(queue)
        guard access(file, F_OK) == 0 else { return [] }
        return FileIO.lines(try FileIO.read(file)).filter { !$0.isEmpty }
    }

    private func fileSize(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }

    private func endsWithNewline(fd: Int32) -> Bool {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return true }
        var last: UInt8 = 0
        return pread(fd, &last, 1, size - 1) == 1 && last == UInt8(ascii: "\n")
    }

    private func withLock<Result>(
        _ name: String, deadline: Deadline, _ body: () throws(ClientError) -> Result
    ) throws(ClientError) -> Result {
        guard let fd = try lock(name, deadline: deadline) else {
            throw ClientError("the spool in \(directory) stayed locked by another collector send")
        }
        defer { close(fd) }  // closing releases the lock
        return try body()
    }

    /// An open descriptor of the lock file holding flock's exclusive lock, polled for so that the wait ends at the
    /// deadline; nil when the lock stayed taken until then.
    private func lock(_ name: String, deadline: Deadline) throws(ClientError) -> Int32? {
        let lockPath = "\(directory)/\(name)"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ClientError("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let error = ClientError("cannot lock \(lockPath): \(String(cString: strerror(errno)))")
                close(fd)
                throw error
            }
            guard !deadline.hasPassed else {
                close(fd)
                return nil
            }
            usleep(5_000)
        }
        return fd
    }
}
