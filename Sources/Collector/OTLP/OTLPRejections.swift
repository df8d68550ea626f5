/// The records or data points of one request that were refused, and where the first one was.
struct OTLPRejections: Sendable {
    /// What the request carries, for the message: "log records", "data points", "spans".
    let items: String
    private(set) var count = 0
    private(set) var total = 0
    private var first: String?

    init(of items: String) {
        self.items = items
    }

    mutating func accepted() {
        total += 1
    }

    mutating func reject(_ count: Int = 1, at path: String, _ reason: String) {
        self.count += count
        total += count
        if first == nil { first = "\(path): \(reason)" }
    }

    var message: String {
        "\(count) of \(total) \(items) rejected; the first: \(first ?? "")"
    }
}
