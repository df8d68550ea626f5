/// A validated JSON document: its source bytes and a tape that indexes every value in them.
public struct JSONDocument: Sendable {
    public let bytes: [UInt8]
    let storage: JSONStorage

    /// Validates `bytes` as one JSON text (RFC 8259) that PostgreSQL's `jsonb` input also accepts in a UTF-8
    /// database, and indexes it.
    ///
    /// - Precondition: `bytes` is smaller than 4 GiB (the tape stores 32-bit offsets). Callers that take bodies from
    ///   the network cap them far below that.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(JSONParseError) -> JSONDocument {
        precondition(bytes.count < Int(UInt32.max), "JSONDocument.parse takes documents smaller than 4 GiB")
        let tape = try bytes.withUnsafeBufferPointer { input throws(JSONParseError) in
            var parser = Parser(input: input, limits: limits)
            try parser.parseDocument()
            return parser.tape
        }
        return JSONDocument(bytes: bytes, storage: JSONStorage(bytes: bytes, tape: tape))
    }

    public var root: JSONValue {
        JSONValue(storage: storage, index: 0)
    }
}
