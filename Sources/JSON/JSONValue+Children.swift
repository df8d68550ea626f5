public struct JSONMember: Sendable {
    public let key: JSONString
    public let value: JSONValue
}

/// An object's members in source order.
public struct JSONMembers: Sequence, Sendable {
    let storage: JSONStorage
    /// The tape indices the members occupy: each is a key entry followed by its value's subtree.
    let tapeIndices: Range<Int>

    public struct Iterator: IteratorProtocol {
        let storage: JSONStorage
        var index: Int
        let end: Int

        public mutating func next() -> JSONMember? {
            guard index < end else { return nil }
            let member = JSONMember(
                key: JSONString(storage: storage, index: index),
                value: JSONValue(storage: storage, index: index + 1)
            )
            index = Int(storage.tape[index + 1].next)
            return member
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(storage: storage, index: tapeIndices.lowerBound, end: tapeIndices.upperBound)
    }
}

/// An array's elements in order.
public struct JSONElements: Sequence, Sendable {
    let storage: JSONStorage
    let tapeIndices: Range<Int>

    public struct Iterator: IteratorProtocol {
        let storage: JSONStorage
        var index: Int
        let end: Int

        public mutating func next() -> JSONValue? {
            guard index < end else { return nil }
            let element = JSONValue(storage: storage, index: index)
            index = Int(storage.tape[index].next)
            return element
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(storage: storage, index: tapeIndices.lowerBound, end: tapeIndices.upperBound)
    }
}

extension JSONValue {
    /// The tape indices of everything inside this value; empty for a scalar.
    private var childTapeIndices: Range<Int> {
        index + 1 ..< Int(entry.next)
    }

    /// An object's members in source order; empty for any other value.
    public var members: JSONMembers {
        JSONMembers(storage: storage, tapeIndices: kind == .object ? childTapeIndices : index ..< index)
    }

    /// An array's elements in order; empty for any other value.
    public var elements: JSONElements {
        JSONElements(storage: storage, tapeIndices: kind == .array ? childTapeIndices : index ..< index)
    }

    /// The value of the first member whose key, once unescaped, is `key`; nil if there is none or this is not an
    /// object.
    public func member(_ key: String) -> JSONValue? {
        guard kind == .object else { return nil }
        var key = key
        return key.withUTF8 { key in
            members.first { $0.key.equals(utf8: key) }?.value
        }
    }
}
