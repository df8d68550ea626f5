/// Bounds that keep an untrusted document cheap to parse and storable in PostgreSQL's `jsonb`.
public struct JSONLimits: Sendable, Equatable {
    /// Containers nested deeper than this are rejected with `.tooDeep`.
    public var maxDepth: Int
    /// Number literals with more characters than this are rejected with `.numberOutOfRange`.
    public var maxNumberLength: Int
    /// Numbers whose decimal exponent lies beyond ±`maxExponent` are rejected with `.numberOutOfRange`.
    ///
    /// Both the exponent after normalising the mantissa to one leading digit and the exponent as written are checked:
    /// `numeric` refuses `0e-99999`, which is zero, because it cannot hold the scale the written exponent implies.
    /// Keep this well below 16,383, the largest scale `numeric` can hold.
    public var maxExponent: Int

    public init(maxDepth: Int = 128, maxNumberLength: Int = 64, maxExponent: Int = 1000) {
        self.maxDepth = maxDepth
        self.maxNumberLength = maxNumberLength
        self.maxExponent = maxExponent
    }
}
