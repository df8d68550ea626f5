/// Decodes an OTLP/HTTP protobuf traces export (`ExportTraceServiceRequest`, gunzipped) by walking its wire format
/// once, without swift-protobuf: four to five times the spans per CPU second with a third of the allocations
/// (docs/performance.md, "OTLP protobuf decoding"), since traces are the volume. It checks everything swift-protobuf would (lengths,
/// varints, wire types, nesting, UTF-8 of every `string`) and more: a known field with the wrong wire type is an
/// error, not an unknown field. Unknown fields are skipped. The spans it returns are still to be checked one by one
/// (`OTLPItemCheck.rejectedSpans`).
public struct OTLPTraceDecoder: Sendable {
    public let limits: OTLPProtobufLimits

    public init(limits: OTLPProtobufLimits = OTLPProtobufLimits()) {
        self.limits = limits
    }

    public func decode(_ body: [UInt8]) throws(OTLPProtobufError) -> OTLPTraces {
        guard body.count <= limits.maxBodyBytes else {
            throw OTLPProtobufError(.bodyTooLarge,
                "the body is \(body.count) bytes, over the limit of \(limits.maxBodyBytes): send smaller batches")
        }
        var walk = Walk(body: body, limits: limits)
        do throws(ProtobufWireReader.Fault) {
            var traces = OTLPTraces(resourceSpans: [], spanCount: 0)
            var reader = ProtobufWireReader(body)
            while !reader.isAtEnd {
                let (field, wireType) = try reader.tag()
                if field == 1 {
                    try walk.expect(wireType, field: 1)
                    traces.resourceSpans.append(try walk.resourceSpans(try reader.lengthDelimited()))
                    walk.location.resource += 1
                    walk.location.scope = 0
                } else {
                    try reader.skip(wireType)
                }
            }
            traces.spanCount = walk.spanCount
            return traces
        } catch {
            throw walk.error(error)
        }
    }
}

/// Where the walk is, for error messages: built into text only when something is wrong.
private struct Location {
    var resource = 0
    var scope = 0
    var span: Int?
    var part: String?

    var text: String {
        var text = "resourceSpans[\(resource)]"
        if let span { text += ".scopeSpans[\(scope)].spans[\(span)]" }
        if let part { text += span == nil ? ".\(part)" : " \(part)" }
        return text
    }
}

/// One decode's state: the faults it raises beyond the reader's (depth, UTF-8, counts) go through `Fault` too, with
/// the details kept here.
private struct Walk {
    let body: [UInt8]
    let limits: OTLPProtobufLimits
    var location = Location()
    var spanCount = 0
    var failure: OTLPProtobufError?

    init(body: [UInt8], limits: OTLPProtobufLimits) {
        self.body = body
        self.limits = limits
    }

    func error(_ fault: ProtobufWireReader.Fault) -> OTLPProtobufError {
        failure ?? OTLPEnvelope.error(fault, at: location.text)
    }

    mutating func fail(_ reason: OTLPProtobufError.Reason, _ message: String) -> ProtobufWireReader.Fault {
        failure = OTLPProtobufError(reason, "\(location.text): \(message)")
        return .truncated
    }

    mutating func expect(_ wireType: ProtobufWireReader.WireType, field: UInt64,
                         _ expected: ProtobufWireReader.WireType = .lengthDelimited) throws(ProtobufWireReader.Fault) {
        guard wireType != expected else { return }
        failure = OTLPProtobufError(.wrongWireType, "\(location.text): field \(field) must have wire type "
            + "\(expected.rawValue), not \(wireType.rawValue)")
        throw .wrongWireType(field: field, wireType: wireType.rawValue)
    }

    mutating func depth(_ depth: Int) throws(ProtobufWireReader.Fault) {
        guard depth > limits.maxDepth else { return }
        throw fail(.nestingTooDeep, "messages nest deeper than \(limits.maxDepth) levels; flatten nested attribute "
            + "values")
    }

    mutating func string(_ range: Range<Int>) throws(ProtobufWireReader.Fault) -> String {
        try validateUTF8(range)
        return String(decoding: body[range], as: UTF8.self)
    }

    mutating func resourceSpans(_ range: Range<Int>) throws(ProtobufWireReader.Fault) -> OTLPResourceSpans {
        var result = OTLPResourceSpans(resource: OTLPAttributes(), schemaURL: "", scopeSpans: [])
        var reader = ProtobufWireReader(body, in: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch field {
            case 1:
                try expect(wireType, field: field)
                location.part = "resource"
                try resource(try reader.lengthDelimited(), into: &result.resource)
                location.part = nil
            case 2:
                try expect(wireType, field: field)
                result.scopeSpans.append(try scopeSpans(try reader.lengthDelimited()))
                location.scope += 1
            case 3:
                try expect(wireType, field: field)
                result.schemaURL = try string(try reader.lengthDelimited())
            default: try reader.skip(wireType)
            }
        }
        return result
    }

    mutating func scopeSpans(_ range: Range<Int>) throws(ProtobufWireReader.Fault) -> OTLPScopeSpans {
        var result = OTLPScopeSpans(scopeName: "", scopeVersion: "", scopeAttributes: OTLPAttributes(), schemaURL: "",
                                    spans: [])
        var reader = ProtobufWireReader(body, in: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch field {
            case 1:
                try expect(wireType, field: field)
                try scope(try reader.lengthDelimited(), into: &result)
            case 2:
                try expect(wireType, field: field)
                location.span = result.spans.count
                spanCount += 1
                guard spanCount <= limits.maxSpans else {
                    throw fail(.tooManyItems, "more than \(limits.maxSpans) spans in one request: send smaller batches")
                }
                result.spans.append(try span(try reader.lengthDelimited()))
                location.span = nil
            case 3:
                try expect(wireType, field: field)
                result.schemaURL = try string(try reader.lengthDelimited())
            default: try reader.skip(wireType)
            }
        }
        return result
    }

    mutating func scope(_ range: Range<Int>, into result: inout OTLPScopeSpans) throws(ProtobufWireReader.Fault) {
        location.part = "scope"
        defer { location.part = nil }
        try depth(4)
        var reader = ProtobufWireReader(body, in: range)
        // A scope sent twice is merged, as protobuf merges messages: its attributes add up.
        var entries = result.scopeAttributes.entries
        var largest = result.scopeAttributes.largest
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch field {
            case 1:
                try expect(wireType, field: field)
                result.scopeName = try string(try reader.lengthDelimited())
            case 2:
                try expect(wireType, field: field)
                result.scopeVersion = try string(try reader.lengthDelimited())
            case 3:
                try expect(wireType, field: field)
                let entry = try reader.lengthDelimited()
                try keyValue(entry, depth: 5, largest: &largest)
                entries.append(entry)
            default: try reader.skip(wireType)
            }
        }
        result.scopeAttributes = OTLPAttributes(body: body, entries: entries, largest: largest)
    }

    mutating func span(_ range: Range<Int>) throws(ProtobufWireReader.Fault) -> OTLPSpan {
        try depth(4)
        var span = OTLPSpan()
        var entries: [Range<Int>] = []
        // GenAI spans carry 15 to 25 attributes: one allocation instead of five as the list grows.
        entries.reserveCapacity(16)
        var largest: (key: Range<Int>, bytes: Int)?
        var reader = ProtobufWireReader(body, in: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch field {
            case 1:
                try expect(wireType, field: field)
                span.traceID = body[try reader.lengthDelimited()]
            case 2:
                try expect(wireType, field: field)
                span.spanID = body[try reader.lengthDelimited()]
            case 3:
                try expect(wireType, field: field)
                span.traceState = try string(try reader.lengthDelimited())
            case 4:
                try expect(wireType, field: field)
                span.parentSpanID = body[try reader.lengthDelimited()]
            case 5:
                try expect(wireType, field: field)
                span.name = try string(try reader.lengthDelimited())
            case 6:
                try expect(wireType, field: field, .varint)
                span.kind = Int32(truncatingIfNeeded: try reader.varint())
            case 7:
                try expect(wireType, field: field, .fixed64)
                span.startTimeUnixNano = try reader.fixed64()
            case 8:
                try expect(wireType, field: field, .fixed64)
                span.endTimeUnixNano = try reader.fixed64()
            case 9:
                try expect(wireType, field: field)
                let entry = try reader.lengthDelimited()
                try keyValue(entry, depth: 5, largest: &largest)
                entries.append(entry)
            case 10:
                try expect(wireType, field: field, .varint)
                span.droppedAttributesCount = UInt32(truncatingIfNeeded: try reader.varint())
            case 11:
                try expect(wireType, field: field)
                span.events.append(try event(try reader.lengthDelimited()))
            case 12:
                try expect(wireType, field: field, .varint)
                span.droppedEventsCount = UInt32(truncatingIfNeeded: try reader.varint())
            case 13:
                try expect(wireType, field: field)
                span.links.append(try link(try reader.lengthDelimited()))
            case 14:
                try expect(wireType, field: field, .varint)
                span.droppedLinksCount = UInt32(truncatingIfNeeded: try reader.varint())
            case 15:
                try expect(wireType, field: field)
                try status(try reader.lengthDelimited(), into: &span)
            case 16:
                try expect(wireType, field: field, .fixed32)
                span.flags = try reader.fixed32()
            default: try reader.skip(wireType)
            }
        }
        span.attributes = OTLPAttributes(body: body, entries: entries, largest: largest)
        return span
    }

    mutating func event(_ range: Range<Int>) throws(ProtobufWireReader.Fault) -> OTLPSpanEvent {
        try depth(5)
        var event = OTLPSpanEvent()
        var entries: [Range<Int>] = []
        var largest: (key: Range<Int>, bytes: Int)?
        var reader = ProtobufWireReader(body, in: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch field {
            case 1:
                try expect(wireType, field: field, .fixed64)
                event.timeUnixNano = try reader.fixed64()
            case 2:
                try expect(wireType, field: field)
                event.name = try string(try reader.lengthDelimited())
            case 3:
                try expect(wireType, field: field)
                let entry = try reader.lengthDelimited()
                try keyValue(entry, depth: 6, largest: &largest)
                entries.append(entry)
            case 4:
                try expect(wireType, field: field, .varint)
                event.droppedAttributesCount = UInt32(truncatingIfNeeded: try reader.varint())
            default: try reader.skip(wireType)
            }
        }
        event.attributes = OTLPAttributes(body: body, entries: entries, largest: largest)
        return event
    }

    mutating func link(_ range: Range<Int>) throws(ProtobufWireReader.Fault) -> OTLPSpanLink {
        try depth(5)
        var link = OTLPSpanLink()
        var entries: [Range<Int>] = []
        var largest: (key: Range<Int>, bytes: Int)?
        var reader = ProtobufWireReader(body, in: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch field {
            case 1:
                try expect(wireType, field: field)
                link.traceID = body[try reader.lengthDelimited()]
            case 2:
                try expect(wireType, field: field)
                link.spanID = body[try reader.lengthDelimited()]
            case 3:
                try expect(wireType, field: field)
                link.traceState = try string(try reader.lengthDelimited())
            case 4:
                try expect(wireType, field: field)
                let entry = try reader.lengthDelimited()
                try keyValue(entry, depth: 6, largest: &largest)
                entries.append(entry)
            case 5:
                try expect(wireType, field: field, .varint)
                link.droppedAttributesCount = UInt32(truncatingIfNeeded: try reader.varint())
            case 6:
                try expect(wireType, field: field, .fixed32)
                link.flags = try reader.fixed32()
            default: try reader.skip(wireType)
            }
        }
        link.attributes = OTLPAttributes(body: body, entries: entries, largest: largest)
        return link
    }

    mutating func status(_ range: Range<Int>, into span: inout OTLPSpan) throws(ProtobufWireReader.Fault) {
        try depth(5)
        var reader = ProtobufWireReader(body, in: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch field {
            case 2:
                try expect(wireType, field: field)
                span.statusMessage = try string(try reader.lengthDelimited())
            case 3:
                try expect(wireType, field: field, .varint)
                span.statusCode = Int32(truncatingIfNeeded: try reader.varint())
            default: try reader.skip(wireType)
            }
        }
    }

    /// A resource: its attributes, added to `attributes` (a resource sent twice is merged, as protobuf merges
    /// messages), and its entity references, whose strings are checked but not kept.
    mutating func resource(_ range: Range<Int>, into attributes: inout OTLPAttributes) throws(ProtobufWireReader.Fault) {
        try depth(3)
        var entries = attributes.entries
        var largest = attributes.largest
        var reader = ProtobufWireReader(body, in: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch field {
            case 1:
                try expect(wireType, field: field)
                let entry = try reader.lengthDelimited()
                try keyValue(entry, depth: 4, largest: &largest)
                entries.append(entry)
            case 3:
                try expect(wireType, field: field)
                try entityRef(try reader.lengthDelimited())
            default: try reader.skip(wireType)
            }
        }
        attributes = OTLPAttributes(body: body, entries: entries, largest: largest)
    }

    /// An `EntityRef`: four string fields (two of them repeated).
    mutating func entityRef(_ range: Range<Int>) throws(ProtobufWireReader.Fault) {
        try depth(4)
        var reader = ProtobufWireReader(body, in: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            if (1 ... 4).contains(field) {
                try expect(wireType, field: field)
                try validateUTF8(try reader.lengthDelimited())
            } else {
                try reader.skip(wireType)
            }
        }
    }

    /// Validates one `KeyValue` at `depth` and keeps the largest value's size.
    mutating func keyValue(_ range: Range<Int>, depth level: Int, largest: inout (key: Range<Int>, bytes: Int)?)
        throws(ProtobufWireReader.Fault) {
        try depth(level)
        var key = 0 ..< 0
        var bytes = 0
        var reader = ProtobufWireReader(body, in: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch field {
            case 1:
                try expect(wireType, field: field)
                key = try reader.lengthDelimited()
                try validateUTF8(key)
            case 2:
                try expect(wireType, field: field)
                bytes = try anyValue(try reader.lengthDelimited(), depth: level + 1)
            default: try reader.skip(wireType)
            }
        }
        if bytes > largest?.bytes ?? -1 { largest = (key, bytes) }
    }

    /// Validates one `AnyValue` at `depth`; returns the bytes of its strings and bytes, nested ones included (and,
    /// in maps, their keys).
    mutating func anyValue(_ range: Range<Int>, depth level: Int) throws(ProtobufWireReader.Fault) -> Int {
        try depth(level)
        var bytes = 0
        var reader = ProtobufWireReader(body, in: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            switch field {
            case 1:
                try expect(wireType, field: field)
                let text = try reader.lengthDelimited()
                try validateUTF8(text)
                bytes = text.count
            case 2, 3, 8:
                try expect(wireType, field: field, .varint)
                _ = try reader.varint()
                bytes = 0
            case 4:
                try expect(wireType, field: field, .fixed64)
                _ = try reader.fixed64()
                bytes = 0
            case 5:
                try expect(wireType, field: field)
                bytes = try arrayValue(try reader.lengthDelimited(), depth: level + 1)
            case 6:
                try expect(wireType, field: field)
                bytes = try keyValueList(try reader.lengthDelimited(), depth: level + 1)
            case 7:
                try expect(wireType, field: field)
                bytes = try reader.lengthDelimited().count
            default: try reader.skip(wireType)
            }
        }
        return bytes
    }

    mutating func arrayValue(_ range: Range<Int>, depth level: Int) throws(ProtobufWireReader.Fault) -> Int {
        try depth(level)
        var bytes = 0
        var reader = ProtobufWireReader(body, in: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            if field == 1 {
                try expect(wireType, field: field)
                bytes += try anyValue(try reader.lengthDelimited(), depth: level + 1)
            } else {
                try reader.skip(wireType)
            }
        }
        return bytes
    }

    mutating func keyValueList(_ range: Range<Int>, depth level: Int) throws(ProtobufWireReader.Fault) -> Int {
        try depth(level)
        var bytes = 0
        var reader = ProtobufWireReader(body, in: range)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.tag()
            if field == 1 {
                try expect(wireType, field: field)
                var entry: (key: Range<Int>, bytes: Int)?
                let entryRange = try reader.lengthDelimited()
                try keyValue(entryRange, depth: level + 1, largest: &entry)
                bytes += (entry?.key.count ?? 0) + (entry?.bytes ?? 0)
            } else {
                try reader.skip(wireType)
            }
        }
        return bytes
    }

    /// UTF-8 as protobuf requires it of `string` fields: no overlong forms, no surrogates, nothing past U+10FFFF.
    mutating func validateUTF8(_ range: Range<Int>) throws(ProtobufWireReader.Fault) {
        var index = range.lowerBound
        while index < range.upperBound {
            let lead = body[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            let continuations: Int
            switch lead {
            case 0xC2 ... 0xDF: continuations = 1
            case 0xE0: continuations = 2; lower = 0xA0
            case 0xE1 ... 0xEC, 0xEE ... 0xEF: continuations = 2
            case 0xED: continuations = 2; upper = 0x9F
            case 0xF0: continuations = 3; lower = 0x90
            case 0xF1 ... 0xF3: continuations = 3
            case 0xF4: continuations = 3; upper = 0x8F
            default: throw invalidUTF8(at: index)
            }
            guard range.upperBound - index > continuations, (lower ... upper).contains(body[index + 1]) else {
                throw invalidUTF8(at: index)
            }
            for next in index + 2 ..< index + 1 + continuations where body[next] & 0xC0 != 0x80 {
                throw invalidUTF8(at: index)
            }
            index += 1 + continuations
        }
    }

    private mutating func invalidUTF8(at offset: Int) -> ProtobufWireReader.Fault {
        fail(.invalidUTF8, "a string is not valid UTF-8 (byte \(offset) of the body); send binary data as a bytes "
            + "value")
    }
}
