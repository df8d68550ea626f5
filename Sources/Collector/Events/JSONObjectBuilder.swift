import JSON

/// Writes one JSON object member by member, for attributes assembled from parts of a request. Keys and values
/// are taken as JSON text that is already valid (raw slices of a parsed document, or text written here).
struct JSONObjectBuilder {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]

    var isEmpty: Bool { bytes.count == 1 }

    /// A member whose key is a string of a parsed document (its escapes kept as sent).
    mutating func add(key: JSONString, value: some Collection<UInt8>) {
        beginMember()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: key.rawContent)
        bytes.append(contentsOf: #"":"#.utf8)
        bytes.append(contentsOf: value)
    }

    mutating func add(key: String, value: some Collection<UInt8>) {
        beginMember()
        JSONText.appendQuoted(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: value)
    }

    /// A member whose value is written by `body` straight into the object's bytes.
    mutating func add<Failure: Error>(
        key: JSONString, writingValue body: (inout [UInt8]) throws(Failure) -> Void
    ) throws(Failure) {
        add(key: key, value: EmptyCollection())
        try body(&bytes)
    }

    mutating func add<Failure: Error>(
        key: String, writingValue body: (inout [UInt8]) throws(Failure) -> Void
    ) throws(Failure) {
        add(key: key, value: EmptyCollection())
        try body(&bytes)
    }

    func finished() -> [UInt8] {
        bytes + [UInt8(ascii: "}")]
    }

    private mutating func beginMember() {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
    }
}
