/// The optional text columns of one event (agent, decision, reason, tool, model tier), set by field and laid out in
/// the order of `EventSchema.optionalText`, which is what `EventRow` takes.
struct OptionalColumns {
    private(set) var values = [[UInt8]?](repeating: nil, count: EventSchema.optionalText.count)

    subscript(field: EventSchema.Field) -> [UInt8]? {
        get { values[Self.position(field)] }
        set { values[Self.position(field)] = newValue }
    }

    private static func position(_ field: EventSchema.Field) -> Int {
        guard let position = EventSchema.optionalText.firstIndex(where: { $0.name == field.name }) else {
            preconditionFailure("\(field.name) is not an optional text column")
        }
        return position
    }
}
