import Glibc
import Synchronization

/// Where the reader of a journal stands: a segment and a byte offset in it.
public struct JournalPosition: Sendable, Equatable {
    public var segment: UInt64
    public var offset: Int
}

/// What opening a journal found: records waiting, and what it had to drop.
public struct JournalRecovery: Sendable, Equatable {
    /// Bytes cut from the end of the last segment: a record torn by a crash in the middle of an append.
    public var tornBytes = 0
    /// Bytes skipped inside older segments whose checksum did not match (damage, not a crash).
    public var corruptBytes = 0
    public var pendingRecords = 0
    public var pendingBytes = 0
}

public struct JournalError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ operation: String, path: String, code: Int32 = errno) {
        description = "\(operation) \(path): \(String(cString: strerror(code)))"
    }

    init(_ description: String) {
        self.description = description
    }
}

/// An append-only journal of byte records in numbered segment files, for a single reader.
///
/// Each record is framed as magic, length and CRC-32C, then the payload; `append` writes a group of records
/// with one write and one fdatasync, so a record the caller was told is stored survives a crash. On open, a
/// torn last record (the process died mid-write) fails its checksum and is cut off; the records before it
/// stay. The reader's position lives in a small `cursor` file; losing its latest update only means records
/// are read again, so consumers must be idempotent.
public final class Journal: Sendable {
    static let magic: UInt32 = 0x5453_5031  // "TSP1"
    static let headerBytes = 12

    private struct Segment: Sendable {
        let number: UInt64
        var size: Int
    }

    private struct State: Sendable {
        var segments: [Segment]
        var cursor: JournalPosition
        var pendingRecords: Int
    }

    private struct Appender: Sendable {
        var fd: Int32
    }

    public let directory: String
    public let maxBytes: Int
    public let segmentBytes: Int
    public let recovery: JournalRecovery
    private let state: Mutex<State>
    private let appender: Mutex<Appender>
    /// The descriptor of `lock`, held with flock(LOCK_EX) for the journal's life: one process per folder.
    private let lockDescriptor: Int32

    public init(directory: String, maxBytes: Int, segmentBytes: Int = 8 << 20) throws(JournalError) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.segmentBytes = segmentBytes
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { throw JournalError("mkdir", path: directory) }
        lockDescriptor = try Self.lock(directory)

        var numbers = try Self.segmentNumbers(in: directory)
        var cursor = Self.readCursor(in: directory) ?? JournalPosition(segment: numbers.first ?? 1, offset: 0)
        for number in numbers where number < cursor.segment { unlink(Self.path(directory, number)) }
        numbers.removeAll { $0 < cursor.segment }
        if numbers.isEmpty { numbers = [max(1, cursor.segment)] }
        if cursor.segment < numbers[0] { cursor = JournalPosition(segment: numbers[0], offset: 0) }

        var recovery = JournalRecovery()
        var segments: [Segment] = []
        for (index, number) in numbers.enumerated() {
            let path = Self.path(directory, number)
            let scan = try Self.scan(path: path, from: number == cursor.segment ? cursor.offset : 0)
            let isLast = index == numbers.count - 1
            if scan.validEnd < scan.fileSize {
                if isLast {
                    recovery.tornBytes += scan.fileSize - scan.validEnd
                    if truncate(path, off_t(scan.validEnd)) != 0 { throw JournalError("truncate", path: path) }
                } else {
                    recovery.corruptBytes += scan.fileSize - scan.validEnd
                }
            }
            recovery.pendingRecords += scan.records
            recovery.pendingBytes += scan.validEnd - (number == cursor.segment ? cursor.offset : 0)
            segments.append(Segment(number: number, size: scan.validEnd))
        }
        if cursor.offset > segments[0].size { cursor.offset = segments[0].size }
        self.recovery = recovery

        let lastPath = Self.path(directory, segments[segments.count - 1].number)
        let fd = open(lastPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            close(lockDescriptor)
            throw JournalError("open", path: lastPath)
        }
        Self.syncDirectory(directory)
        state = Mutex(State(segments: segments, cursor: cursor, pendingRecords: recovery.pendingRecords))
        appender = Mutex(Appender(fd: fd))
    }

    deinit {
        _ = appender.withLock { close($0.fd) }
        close(lockDescriptor)
    }

    /// Two processes appending to one journal would interleave and consume each other's records: the second one
    /// to open a folder is refused while the first holds it (the lock goes with the process, crash included).
    private static func lock(_ directory: String) throws(JournalError) -> Int32 {
        let path = directory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError("open", path: path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw JournalError("the spool in \(directory) is in use by another process (a collector, or `collector spool`); "
                               + "give each collector its own SPOOL_DIR")
        }
        return fd
    }

    /// What waits in a journal's folder, read without opening the journal: no lock taken, nothing truncated, so it
    /// works while a collector holds the folder. A torn tail is counted as torn, not as pending.
    public static func inspect(directory: String) throws(JournalError) -> JournalRecovery {
        let numbers = try segmentNumbers(in: directory)
        let cursor = readCursor(in: directory) ?? JournalPosition(segment: numbers.first ?? 1, offset: 0)
        var recovery = JournalRecovery()
        for number in numbers where number >= cursor.segment {
            let scan = try scan(path: path(directory, number), from: number == cursor.segment ? cursor.offset : 0)
            recovery.tornBytes += scan.fileSize - scan.validEnd
            recovery.pendingRecords += scan.records
            recovery.pendingBytes += max(0, scan.validEnd - (number == cursor.segment ? cursor.offset : 0))
        }
        return recovery
    }

    /// Bytes written and not yet consumed.
    public var pendingBytes: Int {
        state.withLock { state in Self.pending(state) }
    }

    public var pendingRecords: Int { state.withLock { $0.pendingRecords } }

    public var isEmpty: Bool { pendingBytes == 0 }

    private static func pending(_ state: State) -> Int {
        state.segments.reduce(0) { $0 + $1.size } - state.cursor.offset
            - state.segments.prefix(while: { $0.number < state.cursor.segment }).reduce(0) { $0 + $1.size }
    }

    /// Appends records durably (written and fdatasync'd) as one group; false, writing nothing, when they would
    /// take the journal past `maxBytes`.
    public func append(_ records: [[UInt8]]) throws(JournalError) -> Bool {
        var frame: [UInt8] = []
        frame.reserveCapacity(records.reduce(0) { $0 + $1.count + Self.headerBytes })
        for record in records {
            for value in [Self.magic, UInt32(record.count), CRC32C.checksum(record)] {
                withUnsafeBytes(of: value.littleEndian) { frame.append(contentsOf: $0) }
            }
            frame.append(contentsOf: record)
        }
        return try appender.withLock { (appender: inout Appender) throws(JournalError) -> Bool in
            let (pending, last) = state.withLock { (Self.pending($0), $0.segments[$0.segments.count - 1]) }
            guard pending + frame.count <= maxBytes else { return false }
            var segment = last
            if segment.size > 0 && segment.size + frame.count > segmentBytes {
                segment = try rotate(after: segment, appender: &appender)
            }
            let path = Self.path(directory, segment.number)
            var written = 0
            while written < frame.count {
                let count = frame[written...].withUnsafeBytes { write(appender.fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    let error = JournalError("write", path: path)
                    // A partial record in the middle of the file would hide every record after it.
                    _ = ftruncate(appender.fd, off_t(segment.size))
                    throw error
                }
                written += count
            }
            guard fdatasync(appender.fd) == 0 else {
                let error = JournalError("fdatasync", path: path)
                _ = ftruncate(appender.fd, off_t(segment.size))
                throw error
            }
            let size = segment.size + frame.count
            state.withLock { state in
                state.segments[state.segments.count - 1].size = size
                state.pendingRecords += records.count
            }
            return true
        }
    }

    private func rotate(after segment: Segment, appender: inout Appender) throws(JournalError) -> Segment {
        let next = Segment(number: segment.number + 1, size: 0)
        let path = Self.path(directory, next.number)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError("open", path: path) }
        Self.syncDirectory(directory)
        close(appender.fd)
        appender.fd = fd
        state.withLock { $0.segments.append(next) }
        return next
    }

    /// Reads records from the reader's position, at least one and then up to about `maxBytes`; nil when
    /// nothing is waiting. Pass the returned position to `consume` once the records are safely elsewhere.
    public func read(maxBytes: Int) throws(JournalError) -> (records: [[UInt8]], next: JournalPosition)? {
        let (segments, cursor) = state.withLock { ($0.segments, $0.cursor) }
        var position = cursor
        var records: [[UInt8]] = []
        var total = 0
        for segment in segments where segment.number >= cursor.segment {
            if segment.number > position.segment { position = JournalPosition(segment: segment.number, offset: 0) }
            guard position.offset < segment.size else { continue }
            let path = Self.path(directory, segment.number)
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw JournalError("open", path: path) }
            defer { close(fd) }
            while position.offset < segment.size && (records.isEmpty || total < maxBytes) {
                guard let header = Self.readExactly(fd, count: Self.headerBytes, at: position.offset) else {
                    throw JournalError("read", path: path, code: EIO)
                }
                let (magic, length, checksum) = Self.parseHeader(header)
                let end = position.offset + Self.headerBytes + length
                guard magic == Self.magic, end <= segment.size,
                      let payload = Self.readExactly(fd, count: length, at: position.offset + Self.headerBytes),
                      CRC32C.checksum(payload) == checksum
                else {
                    // Damaged after it was verified: skip the rest of this segment rather than stall forever.
                    position.offset = segment.size
                    break
                }
                records.append(payload)
                total += length
                position.offset = end
            }
            if !records.isEmpty && total >= maxBytes { break }
        }
        return records.isEmpty && position == cursor ? nil : (records, position)
    }

    /// Marks everything before `position` as done: whole segments behind it are deleted.
    public func consume(upTo position: JournalPosition, records: Int) {
        let obsolete = state.withLock { state in
            state.cursor = position
            state.pendingRecords = max(0, state.pendingRecords - records)
            let obsolete = state.segments.filter { $0.number < position.segment }
            state.segments.removeAll { $0.number < position.segment }
            return obsolete
        }
        for segment in obsolete { unlink(Self.path(directory, segment.number)) }
        Self.writeCursor(position, in: directory)
    }

    // MARK: Files

    static func path(_ directory: String, _ number: UInt64) -> String {
        let digits = String(number)
        return "\(directory)/segment-\(String(repeating: "0", count: max(0, 12 - digits.count)))\(digits).journal"
    }

    private static func segmentNumbers(in directory: String) throws(JournalError) -> [UInt64] {
        guard let handle = opendir(directory) else { throw JournalError("opendir", path: directory) }
        defer { closedir(handle) }
        var numbers: [UInt64] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name.hasPrefix("segment-") && name.hasSuffix(".journal"),
               let number = UInt64(name.dropFirst(8).dropLast(8)) {
                numbers.append(number)
            }
        }
        return numbers.sorted()
    }

    private struct Scan {
        var validEnd: Int
        var fileSize: Int
        var records: Int
    }

    /// Walks a segment's records from `offset` and stops at the first that is incomplete or fails its checksum.
    private static func scan(path: String, from offset: Int) throws(JournalError) -> Scan {
        let fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError("open", path: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw JournalError("stat", path: path) }
        let size = Int(info.st_size)
        var position = min(offset, size)
        var records = 0
        while position + headerBytes <= size, let header = readExactly(fd, count: headerBytes, at: position) {
            let (magic, length, checksum) = parseHeader(header)
            guard magic == Self.magic, position + headerBytes + length <= size,
                  let payload = readExactly(fd, count: length, at: position + headerBytes),
                  CRC32C.checksum(payload) == checksum
            else { break }
            position += headerBytes + length
            records += 1
        }
        return Scan(validEnd: position, fileSize: size, records: records)
    }

    private static func parseHeader(_ header: [UInt8]) -> (UInt32, Int, UInt32) {
        func word(_ at: Int) -> UInt32 {
            UInt32(header[at]) | UInt32(header[at + 1]) << 8 | UInt32(header[at + 2]) << 16 | UInt32(header[at + 3]) << 24
        }
        return (word(0), Int(word(4)), word(8))
    }

    private static func readExactly(_ fd: Int32, count: Int, at offset: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let read = bytes[done...].withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset + done)) }
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else { return nil }
            done += read
        }
        return bytes
    }

    private static func readCursor(in directory: String) -> JournalPosition? {
        let fd = open("\(directory)/cursor", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 64, 0) }
        guard count > 0 else { return nil }
        bytes.removeSubrange(count...)
        let parts = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count >= 2, let segment = UInt64(parts[0]), let offset = Int(parts[1]) else { return nil }
        return JournalPosition(segment: segment, offset: offset)
    }

    /// Replaces the cursor file atomically (write, then rename); not fsync'd, since an older cursor only
    /// means records are replayed again.
    private static func writeCursor(_ position: JournalPosition, in directory: String) {
        let temporary = "\(directory)/cursor.tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        var text = Array("\(position.segment) \(position.offset)\n".utf8)
        _ = text.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        rename(temporary, "\(directory)/cursor")
    }

    private static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
