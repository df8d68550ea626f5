import CCrypto
import TextFormats

/// API keys: 32 random bytes shown once as 64 hex characters; only their SHA-256 is stored.
public enum APIKey {
    /// A new key from OpenSSL's CSPRNG.
    public static func generate() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        let ok = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, 32) }
        precondition(ok == 1, "the system random number generator failed")
        return Hex.string(bytes)
    }

    /// The stored form, as PostgreSQL computes it: `encode(sha256(key::bytea), 'hex')`.
    public static func hash<Bytes: Collection<UInt8>>(_ key: Bytes) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let input = Array(key)
        input.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                _ = SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return Hex.string(digest)
    }
}
