import Foundation
import OTLPProtobuf

/// A traces export shaped like what an agent fleet sends: one resource (service, host, OS, SDK attributes), one
/// scope, and `spanCount` spans in traces of ten (`invoke_agent` root, then `chat` and `execute_tool` children),
/// each with 15 to 25 attributes (gen_ai.* strings and token counts, session and tool fields, a cost double, a
/// finish-reasons array) and one to three events. Deterministic: the same count gives the same bytes.
enum GenAIExport {
    static func request(spanCount: Int) -> OTLP.ExportTraceServiceRequest {
        var random = SplitMix(seed: 42)
        var resource = OTLP.Resource()
        resource.attributes = [
            string("service.name", "claude-code"), string("service.version", "2.1.332"),
            string("host.name", "build-runner-07"), string("host.arch", "amd64"), string("os.type", "linux"),
            string("os.version", "6.8.0-49-generic"), string("telemetry.sdk.name", "opentelemetry"),
            string("telemetry.sdk.language", "nodejs"), string("telemetry.sdk.version", "2.2.0"),
        ]
        var scope = OTLP.ScopeSpans()
        scope.scope.name = "com.anthropic.claude_code.tracing"
        scope.scope.version = "1.0.0"
        let models = ["claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5"]
        let tools = ["Bash", "Read", "Edit", "Grep", "Write", "WebFetch"]
        var traceID = Data()
        var rootID = Data()
        for index in 0 ..< spanCount {
            var span = OTLP.Span()
            let position = index % 10
            if position == 0 {
                traceID = random.bytes(16)
                rootID = random.bytes(8)
            }
            span.traceID = traceID
            span.spanID = position == 0 ? rootID : random.bytes(8)
            if position != 0 { span.parentSpanID = rootID }
            let start = 1_764_700_000_000_000_000 + UInt64(index) * 1_000_000_000 + random.next() % 1_000_000
            span.startTimeUnixNano = start
            span.endTimeUnixNano = start + 5_000_000 + random.next() % 3_000_000_000
            let session = "session-\(index / 100)-\(String(random.next() % 1_000_000, radix: 16))"
            var attributes = [
                string("session.id", session),
                string("user.id", "68503c9c9116f5c2c2e35e5c0603f1740b9913967a74c095937699d08e27f801"),
                string("terminal.type", "xterm-256color"),
                string("gen_ai.system", "anthropic"),
                string("gen_ai.provider.name", "anthropic"),
            ]
            switch position {
            case 0:
                span.name = "invoke_agent claude-code"
                span.kind = .internal
                attributes += [
                    string("gen_ai.operation.name", "invoke_agent"), string("gen_ai.agent.name", "claude-code"),
                    string("gen_ai.agent.id", "agent-\(index / 10)"), string("gen_ai.conversation.id", session),
                    string("user.prompt", "Refactor the ingest writer so that group commit batches by host"),
                    int("prompt.length", 64), string("span.type", "interaction"),
                ]
            case 1, 3, 5, 7, 9:
                let model = models[Int(random.next() % 3)]
                span.name = "chat \(model)"
                span.kind = .client
                attributes += [
                    string("gen_ai.operation.name", "chat"), string("gen_ai.request.model", model),
                    string("gen_ai.response.model", model),
                    string("gen_ai.response.id", "msg_01" + String(random.next(), radix: 36)),
                    int("gen_ai.usage.input_tokens", Int64(random.next() % 200_000)),
                    int("gen_ai.usage.output_tokens", Int64(random.next() % 8_000)),
                    int("gen_ai.usage.cache_read_input_tokens", Int64(random.next() % 150_000)),
                    int("gen_ai.usage.cache_creation_input_tokens", Int64(random.next() % 20_000)),
                    int("gen_ai.request.max_tokens", 32_000), double("gen_ai.request.temperature", 1.0),
                    double("cost_usd", Double(random.next() % 100_000) / 1_000_000),
                    strings("gen_ai.response.finish_reasons", ["end_turn"]),
                    int("duration_ms", Int64(random.next() % 30_000)), string("span.type", "llm_request"),
                    bool("stream", true),
                ]
            default:
                let tool = tools[Int(random.next() % 6)]
                span.name = "execute_tool \(tool)"
                span.kind = .internal
                attributes += [
                    string("gen_ai.operation.name", "execute_tool"), string("gen_ai.tool.name", tool),
                    string("gen_ai.tool.call.id", "toolu_01" + String(random.next(), radix: 36)),
                    string("gen_ai.tool.type", "function"), string("tool.decision", "accept"),
                    string("tool.decision.source", "config"), int("duration_ms", Int64(random.next() % 5_000)),
                    string("span.type", "tool"), bool("tool.success", random.next() % 10 != 0),
                    int("tool.result.size_bytes", Int64(random.next() % 65_536)),
                ]
            }
            if random.next() % 4 == 0 {
                attributes.append(string("error.type", "rate_limit_error"))
                span.status.code = .error
                span.status.message = "429 Too Many Requests: retrying after 2 s"
            } else {
                span.status.code = .ok
            }
            span.attributes = attributes
            for eventIndex in 0 ..< Int(1 + random.next() % 3) {
                var event = OTLP.Span.Event()
                event.timeUnixNano = start + UInt64(eventIndex) * 1_000_000
                event.name = eventIndex == 0 ? "gen_ai.content.prompt" : "gen_ai.content.completion"
                event.attributes = [
                    string("gen_ai.prompt", "Summarise the failing test output and propose a fix (\(eventIndex))"),
                    int("gen_ai.event.index", Int64(eventIndex)),
                ]
                span.events.append(event)
            }
            scope.spans.append(span)
        }
        var resourceSpans = OTLP.ResourceSpans()
        resourceSpans.resource = resource
        resourceSpans.scopeSpans = [scope]
        var request = OTLP.ExportTraceServiceRequest()
        request.resourceSpans = [resourceSpans]
        return request
    }

    static func string(_ key: String, _ value: String) -> OTLP.KeyValue {
        keyValue(key) { $0.stringValue = value }
    }

    static func int(_ key: String, _ value: Int64) -> OTLP.KeyValue {
        keyValue(key) { $0.intValue = value }
    }

    static func double(_ key: String, _ value: Double) -> OTLP.KeyValue {
        keyValue(key) { $0.doubleValue = value }
    }

    static func bool(_ key: String, _ value: Bool) -> OTLP.KeyValue {
        keyValue(key) { $0.boolValue = value }
    }

    static func strings(_ key: String, _ values: [String]) -> OTLP.KeyValue {
        keyValue(key) { anyValue in
            anyValue.arrayValue.values = values.map { text in
                var element = OTLP.AnyValue()
                element.stringValue = text
                return element
            }
        }
    }

    static func keyValue(_ key: String, _ set: (inout OTLP.AnyValue) -> Void) -> OTLP.KeyValue {
        var keyValue = OTLP.KeyValue()
        keyValue.key = key
        set(&keyValue.value)
        return keyValue
    }
}

/// A small deterministic generator (SplitMix64), so that every run measures the same bytes.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> Data {
        Data((0 ..< count).map { _ in UInt8(truncatingIfNeeded: next()) })
    }
}
