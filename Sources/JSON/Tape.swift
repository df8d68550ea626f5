/// One value of a parsed document, in a flat array laid out in source order (a container precedes its children).
///
/// Entries have a fixed size so a document costs 16 bytes of tape per value. Offsets are 32 bits wide, which is
/// why `JSONDocument.parse` accepts documents under 4 GiB.
struct TapeEntry {
    /// Offset of the value's first byte (the quote of a string, the bracket of a container).
    var start: UInt32
    /// Offset one past the value's last byte.
    var end: UInt32
    /// Tape index just past this value and everything inside it, so skipping a subtree is one step.
    var next: UInt32
    /// Containers: number of members or elements. Strings: 1 when they contain escapes. Numbers: 1 when they are
    /// integer literals (no fraction, no exponent). Otherwise 0.
    var detail: UInt32
}

/// A parsed document's source bytes and tape, shared by every `JSONValue` taken from it.
/// Immutable after parsing, which is what makes it safe to share across tasks.
final class JSONStorage: Sendable {
    let bytes: [UInt8]
    let tape: [TapeEntry]

    init(bytes: [UInt8], tape: [TapeEntry]) {
        self.bytes = bytes
        self.tape = tape
    }
}
