import TextFormats

/// A `multipart/form-data` body (RFC 7578) split into its parts, the bytes of each kept as sent. Parts are delimited
/// by `--boundary` lines; each has headers (`Content-Disposition: form-data; name="..."`, an optional
/// `Content-Type`) and a body. Anything that is not such a body is an error naming what is wrong.
struct MultipartForm {
    struct Part {
        let name: String
        let contentType: String?
        let body: ArraySlice<UInt8>
    }

    struct Error: Swift.Error, Equatable {
        let message: String
    }

    /// RFC 2046 limits a boundary to 70 characters.
    static let maxBoundaryLength = 70

    /// The `boundary` parameter of a `multipart/form-data` Content-Type, or nil when there is none usable.
    static func boundary(ofContentType contentType: String) -> String? {
        let parameters = contentType.split(separator: ";").dropFirst()
        for parameter in parameters {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpacesAndTabs().lowercased() == "boundary" else { continue }
            var value = Substring(pair[1].trimmingSpacesAndTabs())
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            guard !value.isEmpty, value.utf8.count <= maxBoundaryLength else { return nil }
            return String(value)
        }
        return nil
    }

    let parts: [Part]

    init(_ body: [UInt8], boundary: String) throws(Error) {
        let dashBoundary = Array("--\(boundary)".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        // The first boundary opens the body or follows a preamble that ends in CRLF.
        var position: Int
        if body.starts(with: dashBoundary) {
            position = dashBoundary.count
        } else if let found = Self.find(delimiter, in: body, from: 0) {
            position = found + delimiter.count
        } else {
            throw Error(message: "the body has no --\(boundary) line: it is not the multipart body its Content-Type announces")
        }
        var parts: [Part] = []
        while true {
            if body[position...].starts(with: Array("--".utf8)) { break }
            // Transport padding (spaces and tabs) may follow a boundary before its CRLF.
            while position < body.count, body[position] == 0x20 || body[position] == 0x09 { position += 1 }
            guard body[position...].starts(with: [0x0D, 0x0A]) else {
                throw Error(message: "part \(parts.count + 1): a boundary line must end in CRLF or --")
            }
            position += 2
            guard let headerEnd = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: position - 2) else {
                throw Error(message: "part \(parts.count + 1): its headers do not end (no empty line)")
            }
            // A NUL in a name would reach PostgreSQL's jsonb (an attachment's name is kept), which refuses it.
            guard !body[position..<headerEnd].contains(0) else {
                throw Error(message: "part \(parts.count + 1): its headers hold a NUL byte")
            }
            let head = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let contentEnd = Self.find(delimiter, in: body, from: contentStart) else {
                throw Error(message: "part \(parts.count + 1): the body ends before the part's closing --\(boundary) line")
            }
            parts.append(try Self.part(head: head, body: body[contentStart..<contentEnd], number: parts.count + 1))
            position = contentEnd + delimiter.count
        }
        self.parts = parts
    }

    private static func part(head: String, body: ArraySlice<UInt8>, number: Int) throws(Error) -> Part {
        var name: String?
        var contentType: String?
        for line in head.split(separator: "\r\n", omittingEmptySubsequences: true) {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { throw Error(message: "part \(number): the header line \"\(line)\" has no colon") }
            let value = pair[1].trimmingSpacesAndTabs()
            switch pair[0].trimmingSpacesAndTabs().lowercased() {
            case "content-disposition":
                for parameter in value.split(separator: ";").dropFirst() {
                    let kv = parameter.split(separator: "=", maxSplits: 1)
                    guard kv.count == 2, kv[0].trimmingSpacesAndTabs().lowercased() == "name" else { continue }
                    var text = Substring(kv[1].trimmingSpacesAndTabs())
                    if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
                    name = String(text)
                }
            case "content-type": contentType = String(value)
            default: continue
            }
        }
        guard let name, !name.isEmpty else {
            throw Error(message: "part \(number) has no Content-Disposition: form-data; name=\"...\"")
        }
        return Part(name: name, contentType: contentType, body: body)
    }

    /// The offset of the first `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = max(start, 0)
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
