import CZlib

/// Decompresses request bodies sent with `Content-Encoding: gzip` or `deflate`, never past a cap: a small body
/// that inflates without end (a "gzip bomb") stops at `limit` bytes instead of filling memory.
enum Inflate {
    enum Format: Sendable {
        /// RFC 1952; several members one after another are read as one stream, as gunzip does.
        case gzip
        /// RFC 1950 (zlib), what HTTP calls `deflate`.
        case zlib
    }

    enum Failure: Error, Equatable {
        case tooLarge(limit: Int)
        case corrupt(String)
        case truncated
    }

    static func inflate(_ input: [UInt8], format: Format, limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        let windowBits: Int32 = format == .gzip ? MAX_WBITS + 16 : MAX_WBITS
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        try input.withUnsafeBufferPointer { input throws(Failure) in
            // zlib never writes through next_in; the mutable pointer is only its C signature.
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                guard output.count + produced <= limit else { throw .tooLarge(limit: limit) }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    if stream.avail_in == 0 { return }
                    guard format == .gzip, inflateReset(&stream) == Z_OK else {
                        throw .corrupt("bytes follow the end of the compressed stream")
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw .truncated
                case Z_BUF_ERROR:
                    continue
                default:
                    throw .corrupt(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)")
                }
            }
        }
        return output
    }
}
