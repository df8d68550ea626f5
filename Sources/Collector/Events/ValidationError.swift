/// What is wrong with what a client sent, found while decoding it: which event (`index`) and which `field`, a
/// stable `code` and a message that says what to send instead. A domain value: the API layer chooses the status.
struct ValidationError: Error, Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// The content is malformed or breaks a rule of the schema.
        case invalid
        /// The content names another host than the key's.
        case hostMismatch
    }

    var kind: Kind = .invalid
    var code: String
    var message: String
    var index: Int?
    var field: String?

    init(_ code: String, _ message: String, index: Int? = nil, field: String? = nil, kind: Kind = .invalid) {
        self.kind = kind
        self.code = code
        self.message = message
        self.index = index
        self.field = field
    }

    static func hostMismatch(host: String, index: Int? = nil) -> ValidationError {
        ValidationError("host_mismatch", "hostId must be the host of the API key (\(host)) or left out", index: index,
                        field: EventSchema.hostID.name, kind: .hostMismatch)
    }

    static func missing(_ field: String, index: Int? = nil, _ message: String? = nil) -> ValidationError {
        ValidationError("missing_field", message ?? "each event needs \(field)", index: index, field: field)
    }
}
