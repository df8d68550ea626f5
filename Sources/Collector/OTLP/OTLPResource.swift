import JSON

/// A resource of an export: its attributes as a JSON object, and the ones events take columns from.
struct OTLPResource: Sendable {
    /// The resource's source text, part of every idempotency key under it.
    let raw: ArraySlice<UInt8>
    let attributes: [UInt8]
    /// `service.name`, when it fits the agent column.
    let serviceName: [UInt8]?
    let sessionID: JSONString?

    init(_ resource: JSONValue?) throws(OTLPValueError) {
        raw = resource?.rawBytes ?? []
        guard let resource, !resource.isNull else {
            attributes = Array("{}".utf8)
            serviceName = nil
            sessionID = nil
            return
        }
        guard resource.kind == .object else { throw OTLPValueError("resource must be an object") }
        var attributes: [UInt8] = []
        try OTLPValue.appendObject(resource.member("attributes"), to: &attributes)
        self.attributes = attributes
        var serviceName: [UInt8]?
        var sessionID: JSONString?
        try OTLPValue.forEach(resource.member("attributes")) { (key, value) throws(OTLPValueError) in
            if key.equals("service.name"), let text = EventSchema.agentName.fitting(OTLPValue.string(value)) {
                serviceName = text
            } else if key.equals("session.id") {
                sessionID = OTLPValue.string(value)
            }
        }
        self.serviceName = serviceName
        self.sessionID = sessionID
    }
}
