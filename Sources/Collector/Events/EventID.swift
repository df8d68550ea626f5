import CCrypto
import TextFormats
import Threads

/// Ids the collector gives events that came without an `eventId`: UUIDv7 (a millisecond timestamp, then random
/// bits), so that ids of one host arrive in roughly increasing order and the unique index grows at its end.
enum EventID {
    static func generate() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16)
        _ = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress! + 6, 10) }
        let now = WallClock.now
        let milliseconds = UInt64(now.seconds) * 1000 + UInt64(now.nanoseconds) / 1_000_000
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(index))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0f)
        bytes[8] = 0x80 | (bytes[8] & 0x3f)
        return Hex.uuid(bytes)
    }
}
