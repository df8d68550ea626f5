import JSON

/// Parses `text`, failing the test if it is rejected.
func parse(_ text: String, limits: JSONLimits = JSONLimits()) throws -> JSONDocument {
    try JSONDocument.parse(Array(text.utf8), limits: limits)
}

/// The error `parse` gives for `bytes`, or nil if it accepts them.
func parseError(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) -> JSONParseError? {
    do {
        _ = try JSONDocument.parse(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

func parseError(_ text: String, limits: JSONLimits = JSONLimits()) -> JSONParseError? {
    parseError(Array(text.utf8), limits: limits)
}

/// The source text of a value, to check byte ranges against what a reader sees.
func sourceText(of value: JSONValue) -> String {
    String(decoding: value.rawBytes, as: UTF8.self)
}
