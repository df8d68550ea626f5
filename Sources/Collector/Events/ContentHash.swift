import CCrypto
import TextFormats

/// Idempotency keys for data that comes without one. An OTLP exporter resends an export whose answer it did not
/// get; the same bytes give the same key, so the resent records are skipped instead of counted twice.
enum ContentHash {
    /// `prefix` followed by the first 128 bits of the SHA-256 of the parts, in hex.
    static func id(prefix: String, _ parts: ArraySlice<UInt8>...) -> [UInt8] {
        var input: [UInt8] = []
        input.reserveCapacity(parts.reduce(0) { $0 + $1.count + 1 })
        for part in parts {
            input.append(contentsOf: part)
            input.append(0)  // a separator no JSON text contains, so that parts cannot run into each other
        }
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        input.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                _ = SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        var id = Array(prefix.utf8)
        Hex.append(digest.prefix(16), to: &id)
        return id
    }
}
