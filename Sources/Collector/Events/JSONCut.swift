import JSON

/// Cuts a JSON value too large to keep whole down to about a byte budget while keeping its shape: members and
/// elements in order until the budget runs out, the string that crosses it cut at a character boundary. A cut
/// `tool_input` of a Write call still has its `file_path`; only the long `content` is short.
enum JSONCut {
    /// Appends `value` to `out`: whole when its JSON text is at most `maxBytes`, else cut. Returns the size of the
    /// original text when it was cut, nil when it was kept whole.
    static func append(_ value: JSONValue, maxBytes: Int, to out: inout [UInt8]) -> Int? {
        let size = value.byteRange.count
        guard size > maxBytes else {
            out.append(contentsOf: value.rawBytes)
            return nil
        }
        var budget = maxBytes
        appendPrefix(value, budget: &budget, to: &out)
        return size
    }

    private static func appendPrefix(_ value: JSONValue, budget: inout Int, to out: inout [UInt8]) {
        switch value.kind {
        case .object:
            out.append(UInt8(ascii: "{"))
            budget -= 2
            var first = true
            for member in value.members {
                let keyBytes = member.key.rawContent.count + 3  // quotes and colon
                guard budget > keyBytes + (first ? 0 : 1) else { break }
                if !first {
                    out.append(UInt8(ascii: ","))
                    budget -= 1
                }
                first = false
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: member.key.rawContent)
                out.append(contentsOf: #"":"#.utf8)
                budget -= keyBytes
                appendPrefix(member.value, budget: &budget, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array:
            out.append(UInt8(ascii: "["))
            budget -= 2
            var first = true
            for element in value.elements {
                guard budget > (first ? 0 : 1) else { break }
                if !first {
                    out.append(UInt8(ascii: ","))
                    budget -= 1
                }
                first = false
                appendPrefix(element, budget: &budget, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string:
            let raw = value.rawBytes
            if raw.count <= budget {
                out.append(contentsOf: raw)
                budget -= raw.count
            } else {
                let text = value.string?.decodedBytes() ?? []
                JSONText.appendQuoted(utf8: utf8Prefix(text, maxBytes: max(0, budget - 2)), to: &out)
                budget = 0
            }
        case .number, .true, .false, .null:
            out.append(contentsOf: value.rawBytes)
            budget -= value.byteRange.count
        }
    }

    /// At most `maxBytes` of `text`, ending on a whole UTF-8 sequence.
    static func utf8Prefix(_ text: [UInt8], maxBytes: Int) -> ArraySlice<UInt8> {
        guard text.count > maxBytes else { return text[...] }
        var end = maxBytes
        // Step back over continuation bytes (10xxxxxx) to the start of the character that does not fit.
        while end > 0 && text[end] & 0xC0 == 0x80 { end -= 1 }
        return text[..<end]
    }
}
