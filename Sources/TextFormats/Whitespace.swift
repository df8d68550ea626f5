extension StringProtocol {
    /// Without the spaces and tabs at either end: the optional whitespace of HTTP fields (RFC 9110 §5.6.3) and
    /// of `key=value` lines.
    public func trimmingSpacesAndTabs() -> SubSequence {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
