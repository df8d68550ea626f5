import JSON

/// Request bodies that must be one JSON object: parsed and validated once; a top-level key given twice is refused,
/// so that a check can never read one value while storage keeps the other.
enum JSONBody {
    /// `expected` finishes the sentence "the body must be ..." for a client that sent something else.
    static func object(
        _ body: [UInt8], limits: JSONLimits, expected: String, allowDuplicateKeys: Bool = false
    ) throws(ValidationError) -> JSONDocument {
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(body, limits: limits)
        } catch {
            throw ValidationError("invalid_json", "the body is not valid JSON: \(error.description)")
        }
        guard document.root.kind == .object else {
            throw ValidationError("invalid_body", "the body must be \(expected)")
        }
        if !allowDuplicateKeys, let duplicate = document.root.firstDuplicateKey() {
            throw ValidationError("duplicate_key", "the body has the key \"\(duplicate)\" twice", field: duplicate)
        }
        return document
    }
}
