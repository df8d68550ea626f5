import OTLPProtobuf
import SwiftProtobuf

/// A resource of an export: its attributes as a JSON object, the ones events take columns from, and what makes it
/// the same resource in either encoding.
struct OTLPResource: Sendable {
    /// The protobuf encoding of the resource as both encodings read it, part of every idempotency key under it.
    let identity: [UInt8]
    let attributes: [UInt8]
    /// `service.name`, when it fits the agent column.
    let serviceName: [UInt8]?
    let sessionID: String?

    init(_ resource: OTLP.Resource) {
        var read = OTLP.Resource()
        read.attributes = resource.attributes
        read.droppedAttributesCount = resource.droppedAttributesCount
        identity = OTLPIdentity.bytes(read)
        attributes = OTLPPlainJSON.object(resource.attributes)
        var serviceName: [UInt8]?
        var sessionID: String?
        for attribute in resource.attributes {
            if attribute.key == "service.name", let text = EventSchema.agentName.fitting(OTLPPlainJSON.string(attribute.value)) {
                serviceName = text
            } else if attribute.key == "session.id" {
                sessionID = OTLPPlainJSON.string(attribute.value)
            }
        }
        self.serviceName = serviceName
        self.sessionID = sessionID
    }
}

/// The bytes idempotency keys are computed from: a message's protobuf encoding, which is the same whether the message
/// came as protobuf or was read from OTLP/JSON.
enum OTLPIdentity {
    static func bytes(_ message: some SwiftProtobuf.Message) -> [UInt8] {
        do {
            return try message.serializedBytes()
        } catch {
            preconditionFailure("a proto3 message has no required fields, so it always serializes: \(error)")
        }
    }
}
