import FuzzReplay
import HTTPServer

/// Feeds the bytes to the request parser in two pieces (split where the first byte says) and drains every event:
/// whatever arrives, the parser must answer with events or an error, never crash or loop.
func fuzzHTTPParser(_ data: UnsafeRawBufferPointer) {
    guard !data.isEmpty else { return }
    let split = Int(data[0]) % data.count
    var parser = HTTPRequestParser(limits: HTTPParserLimits(
        maxRequestLineBytes: 256, maxHeaderBytes: 1024, maxHeaderCount: 16, maxChunkLineBytes: 64, defaultBodyLimit: 4096))
    for piece in [UnsafeRawBufferPointer(rebasing: data[1..<max(1, split)]), UnsafeRawBufferPointer(rebasing: data[max(1, split)...])] {
        parser.append(piece)
        do {
            var events = 0
            while let event = try parser.next() {
                events += 1
                precondition(events <= 2 * data.count + 2, "the parser produced more events than bytes")
                if case .request(let request) = event {
                    precondition(request.body.count <= 4096, "a body past its limit was accepted")
                }
            }
        } catch {
            return
        }
    }
}

#if FUZZING
/// libFuzzer's entry point, for its own driver.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzHTTPParser(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif

@main
struct FuzzHTTPParser {
    /// With FUZZING (scripts/fuzz), libFuzzer drives the target; without, every file or folder given on the command
    /// line runs through it once, as a regression run of the corpus.
    static func main() throws {
        #if FUZZING
        runFuzzer(fuzzHTTPParser)
        #else
        try replayCorpus(CommandLine.arguments.dropFirst(), through: fuzzHTTPParser)
        #endif
    }
}
