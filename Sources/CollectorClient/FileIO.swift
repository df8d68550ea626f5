import Glibc

/// Whole-file reads and writes on file descriptors, with errors worth showing a person.
public enum FileIO {
    public static func read(_ path: String, maxBytes: Int = Int.max) throws(ClientError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ClientError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        return try read(fd: fd, path: path, maxBytes: maxBytes)
    }

    public static func read(fd: Int32, path: String, maxBytes: Int = Int.max) throws(ClientError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw ClientError("cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
            guard bytes.count <= maxBytes else { throw ClientError("\(path) is larger than \(maxBytes) bytes") }
        }
    }

    static func write(fd: Int32, _ bytes: [UInt8], path: String) throws(ClientError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw ClientError("cannot write \(path): \(String(cString: strerror(errno)))") }
            offset += count
        }
    }

    /// Creates `path` and its parents (mode 0700: the spool holds what agents did) when missing.
    static func makeDirectory(_ path: String) throws(ClientError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw ClientError("cannot create the folder \(prefix): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The lines of a JSON-lines text, without their newlines; a last line without one counts too.
    public static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}
