/// A run's `dotted_order`: one segment per run from the trace's root down to the run itself, each the run's start
/// time as `YYYYMMDDTHHMMSSffffffZ` followed by its id (`20261203T094441734606Z01a23b4a-...`). The first segment
/// names the trace, the last the run; the last one's time is where the run sits in time.
struct DottedOrder: Sendable, Equatable {
    struct Segment: Sendable, Equatable {
        /// Microseconds since 2000-01-01 UTC.
        let start: Int64
        /// The run's id, lowercase.
        let id: String
    }

    let segments: [Segment]
    /// As sent, for the `dotted_order` column.
    let text: String

    var root: Segment { segments[0] }
    var own: Segment { segments[segments.count - 1] }

    static let stampLength = 22

    /// nil when `text` is not a dotted order.
    init?(_ text: String) {
        var segments: [Segment] = []
        for part in text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard part.count == Self.stampLength + 36,
                  let start = Self.stamp(part.prefix(Self.stampLength)),
                  let id = RunID.parse(part.dropFirst(Self.stampLength))
            else { return nil }
            segments.append(Segment(start: start, id: id))
        }
        guard !segments.isEmpty else { return nil }
        self.segments = segments
        self.text = text
    }

    /// `20261203T094441734606Z` as microseconds since 2000-01-01 UTC.
    private static func stamp(_ bytes: some Collection<UInt8>) -> Int64? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.count == stampLength, text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        let c = Array(text)
        guard c[8] == "T", c[21] == "Z", c[15..<21].allSatisfy(\.isASCIIDigitCharacter) else { return nil }
        let iso = "\(String(c[0..<4]))-\(String(c[4..<6]))-\(String(c[6..<8]))T\(String(c[9..<11])):"
            + "\(String(c[11..<13])):\(String(c[13..<15])).\(String(c[15..<21]))Z"
        return Timestamp.parse(Array(iso.utf8))
    }
}

private extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
