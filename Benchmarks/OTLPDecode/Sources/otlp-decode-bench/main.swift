import Foundation
import OTLPProtobuf
import SwiftProtobuf

// otlp-decode-bench throughput [ITERATIONS] [RUNS] [FIXTURE...]
//     decode speed of the 1,000-span export (median of RUNS runs of ITERATIONS decodes), then of each fixture
// otlp-decode-bench allocations protobuf|decoder|check|attributes COUNT
//     builds the export and decodes it COUNT times, for valgrind to count the heap allocations
// otlp-decode-bench write PATH
//     writes the 1,000-span export's bytes

let arguments = Array(CommandLine.arguments.dropFirst())
let spanCount = 1_000
let body: [UInt8] = try GenAIExport.request(spanCount: spanCount).serializedBytes()

var options = BinaryDecodingOptions()
options.messageDepthLimit = 32
options.discardUnknownFields = true
let traceDecoder = OTLPTraceDecoder()
let decoder = OTLPProtobufDecoder()
let check = OTLPItemCheck()

/// The ways measured; each returns the number of spans so that the work cannot be optimised away.
let ways: [(name: String, decode: ([UInt8]) throws -> Int)] = [
    ("swift-protobuf", { bytes in
        let request = try OTLP.ExportTraceServiceRequest(serializedBytes: bytes, options: options)
        return request.resourceSpans.reduce(0) { $0 + $1.scopeSpans.reduce(0) { $0 + $1.spans.count } }
    }),
    ("OTLPTraceDecoder", { bytes in
        try traceDecoder.decode(bytes).spanCount
    }),
    ("OTLPTraceDecoder+check", { bytes in
        let traces = try traceDecoder.decode(bytes)
        return traces.spanCount - check.rejectedSpans(traces).count
    }),
    ("OTLPTraceDecoder+attributes", { bytes in
        // Every attribute decoded into a value, as a row's attributes column will need them.
        let traces = try traceDecoder.decode(bytes)
        var spans = 0
        for resource in traces.resourceSpans {
            for scope in resource.scopeSpans {
                for span in scope.spans where span.attributes.allSatisfy({ $0.value != .empty }) { spans += 1 }
            }
        }
        return spans
    }),
]

/// This thread's CPU time: the machine is shared, so wall time would measure the neighbours too.
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func measure(_ work: () throws -> Void) rethrows -> Double {
    let start = cpuSeconds()
    try work()
    return cpuSeconds() - start
}

func median(_ values: [Double]) -> Double {
    values.sorted()[values.count / 2]
}

switch arguments.first {
case "throughput":
    let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 200 : 200
    let runs = arguments.count > 2 ? Int(arguments[2]) ?? 7 : 7
    print("1,000-span export: \(body.count) bytes, \(iterations) decodes per run, median of \(runs) runs, per CPU second")
    for way in ways {
        let decoded = try way.decode(body)
        precondition(decoded == spanCount, "\(way.name) lost spans")
        var rates: [Double] = []
        for _ in 0 ..< runs {
            var spans = 0
            let elapsed = try measure {
                for _ in 0 ..< iterations { spans += try way.decode(body) }
            }
            rates.append(Double(spans) / elapsed)
        }
        let spansPerSecond = median(rates)
        let megabytesPerSecond = spansPerSecond / Double(spanCount) * Double(body.count) / 1e6
        print(String(format: "  %-28@ %10.0f spans/s  %7.1f MB/s  %8.1f µs per export (min %.0f, max %.0f spans/s)",
                     way.name as NSString, spansPerSecond, megabytesPerSecond, 1e6 * Double(spanCount) / spansPerSecond,
                     rates.min() ?? 0, rates.max() ?? 0))
    }
    for path in arguments.dropFirst(3) {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let name = URL(fileURLWithPath: path).lastPathComponent
        let rounds = 20_000
        let elapsed = try measure {
            for _ in 0 ..< rounds {
                if name.contains("traces") {
                    _ = try traceDecoder.decode(bytes)
                } else if name.contains("logs") {
                    _ = try decoder.decodeLogs(bytes)
                } else {
                    _ = try decoder.decodeMetrics(bytes)
                }
            }
        }
        print(String(format: "  fixture %-22@ %6d bytes  %7.2f µs per request (OTLPTraceDecoder or OTLPProtobufDecoder)",
                     name as NSString, bytes.count, 1e6 * elapsed / Double(rounds)))
    }
case "allocations":
    let name = arguments.count > 1 ? arguments[1] : "protobuf"
    let count = arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1
    let way = ways[name == "protobuf" ? 0 : name == "decoder" ? 1 : name == "check" ? 2 : 3]
    var spans = 0
    for _ in 0 ..< count { spans += try way.decode(body) }
    print("\(way.name): \(spans) spans")
case "write":
    try Data(body).write(to: URL(fileURLWithPath: arguments[1]))
default:
    print("usage: otlp-decode-bench throughput [ITERATIONS] [RUNS] [FIXTURE...] | allocations protobuf|decoder|check|attributes COUNT | write PATH")
}
