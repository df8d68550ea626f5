extension JSONValue {
    /// The first key, in source order, that repeats a key earlier in the same object (compared after unescaping);
    /// nil if every key is unique or this is not an object.
    ///
    /// `jsonb` keeps only the last of duplicate keys, so callers that must not lose data refuse such objects.
    public func firstDuplicateKey() -> String? {
        guard kind == .object else { return nil }
        let keys = members.map(\.key)
        // Comparing each key with those before it beats hashing for a handful of keys; past that, hashing keeps an
        // object with many keys from costing quadratic time.
        if keys.count <= 8 {
            for (position, key) in keys.enumerated() where keys[..<position].contains(where: { $0.equals(key) }) {
                return key.decoded()
            }
            return nil
        }
        var seen = Set<UnescapedKey>(minimumCapacity: keys.count)
        for key in keys where !seen.insert(UnescapedKey(string: key)).inserted {
            return key.decoded()
        }
        return nil
    }
}

/// A key that hashes and compares by its unescaped content, so `"a"` and `"\u0061"` collide as they should.
/// `Hasher` is seeded per process, which keeps crafted keys from forcing collisions.
private struct UnescapedKey: Hashable {
    let string: JSONString

    static func == (lhs: UnescapedKey, rhs: UnescapedKey) -> Bool {
        lhs.string.equals(rhs.string)
    }

    func hash(into hasher: inout Hasher) {
        if string.hasEscapes {
            string.decodedBytes().withUnsafeBytes { hasher.combine(bytes: $0) }
        } else {
            string.rawContent.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }
}
