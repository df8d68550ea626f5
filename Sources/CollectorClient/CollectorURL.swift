/// Where the collector is: `http://host:port` or `https://host[:port]`, optionally under a path prefix (the API's
/// paths are appended to it).
public struct CollectorURL: Sendable, Equatable, CustomStringConvertible {
    public let isTLS: Bool
    /// A name or an address; an IPv6 address without its brackets.
    public let host: String
    public let port: Int
    /// Empty, or a prefix starting with `/` and without a trailing one.
    public let basePath: String

    public init(parsing text: String) throws(ClientError) {
        let isTLS: Bool
        var rest: Substring
        if text.lowercased().hasPrefix("https://") {
            isTLS = true
            rest = text.dropFirst("https://".count)
        } else if text.lowercased().hasPrefix("http://") {
            isTLS = false
            rest = text.dropFirst("http://".count)
        } else {
            throw ClientError("COLLECTOR_URL must start with http:// or https://, not \"\(text)\"")
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        rest = rest.dropFirst(authority.count)
        var path = rest.prefix { $0 != "?" && $0 != "#" }
        while path.hasSuffix("/") { path = path.dropLast() }
        guard !authority.contains("@") else {
            throw ClientError("COLLECTOR_URL must not hold credentials; the key goes in COLLECTOR_API_KEY")
        }
        var host = authority
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw ClientError("COLLECTOR_URL has an unclosed [ in \(text)") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw ClientError("COLLECTOR_URL has text after the address in \(text)")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { throw ClientError("COLLECTOR_URL has no host: \(text)") }
        var port = isTLS ? 443 : 80
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw ClientError("COLLECTOR_URL has a bad port \"\(portText)\"")
            }
            port = number
        }
        self.isTLS = isTLS
        self.host = String(host)
        self.port = port
        basePath = String(path)
    }

    /// The `Host` header: the name, with the port when it is not the scheme's own.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isTLS ? 443 : 80) ? name : "\(name):\(port)"
    }

    public var description: String {
        "\(isTLS ? "https" : "http")://\(hostHeader)\(basePath)"
    }
}

/// Why `collector send` could not do something, said for the person reading the one line on stderr.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// The collector did not answer in time (as opposed to refusing the connection at once).
    public let timedOut: Bool

    init(_ description: String, timedOut: Bool = false) {
        self.description = description
        self.timedOut = timedOut
    }
}
