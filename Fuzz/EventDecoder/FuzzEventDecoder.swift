// The decoder is internal to Collector, which only a debug build compiles for testing; scripts/fuzz builds in debug.
#if DEBUG
@testable import Collector
import FuzzReplay
import JSON
import Postgres

/// Decodes the bytes as a batch body. A body the decoder accepts must only hold what PostgreSQL will take: every
/// attributes object re-parses as JSON, and nothing exceeds the batch size.
func fuzzEventDecoder(_ data: UnsafeRawBufferPointer) {
    let decoder = EventDecoder(maxEvents: 100, jsonLimits: JSONLimits(maxDepth: 32))
    guard let batch = try? decoder.decode(Array(data), hostID: "fuzz") else { return }
    precondition(batch.count + batch.duplicatesWithinRequest <= 100, "more events than a batch may hold")
    precondition(batch.eventIDs.count == batch.count, "an event without its id")
    let attributes: [UInt8] = batch.columns[.attributes].parameter().bytes
    var offset = 20
    while offset < attributes.count {
        let length = Int(attributes[offset]) << 24 | Int(attributes[offset + 1]) << 16 | Int(attributes[offset + 2]) << 8
            | Int(attributes[offset + 3])
        let json = Array(attributes[(offset + 5)..<(offset + 4 + length)])
        precondition((try? JSONDocument.parse(json)) != nil, "attributes that are not JSON: \(json)")
        offset += 4 + length
    }
}

#if FUZZING
/// libFuzzer's entry point, for its own driver.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzEventDecoder(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif

@main
struct FuzzEventDecoder {
    /// With FUZZING (scripts/fuzz), libFuzzer drives the target; without, every file or folder given on the command
    /// line runs through it once, as a regression run of the corpus.
    static func main() throws {
        #if FUZZING
        runFuzzer(fuzzEventDecoder)
        #else
        try replayCorpus(CommandLine.arguments.dropFirst(), through: fuzzEventDecoder)
        #endif
    }
}
#else
@main
struct FuzzEventDecoder {
    static func main() {
        print("fuzz-event-decoder needs a debug build: scripts/fuzz")
    }
}
#endif
