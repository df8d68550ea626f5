import CollectorTestSupport
import Foundation
import Postgres
import TestSupport
import Testing
@testable import Collector

@Suite("The LangSmith routes")
struct LangSmithEndpointTests {
    let collector: CollectorHarness
    static let root = "01a23b4a-a432-7ac1-af05-b6443733bf5b"
    static let child = "01a23b4a-a43a-748a-b31a-ce96aab0ee8b"
    static let rootOrder = "20261203T094437170227Z\(root)"
    static let childOrder = "\(rootOrder).20261203T094437178720Z\(child)"
    /// The child's own segment without its trace's root before it.
    static let childAlone = "20261203T094437178720Z\(child)"

    init() throws {
        collector = try CollectorHarness { settings in
            settings.langSmithFieldMaxBytes = 64
            settings.maxBodyBytes = 64 * 1024
        }
    }

    func send(_ path: String, _ body: String, method: String = "POST", headers: [(String, String)]? = nil) throws -> ParsedResponse {
        try collector.request(method, "/api/langsmith" + path, bytes: Array(body.utf8), key: collector.key,
                              headers: headers ?? [("Content-Type", "application/json")])
    }

    func fixture(_ name: String, path: String) throws -> ParsedResponse {
        try collector.request("POST", "/api/langsmith" + path, bytes: try LangSmithFixtures.bytes(name), key: collector.key,
                              headers: [("Content-Type", try LangSmithFixtures.contentType(name))])
    }

    /// The stored runs, by start: what the dashboards read.
    func rows(_ columns: String = "span_id, trace_id, parent_span_id, name, run_type, operation, status_code, end_ts IS NOT NULL")
        throws -> [[String?]] {
        try collector.query("SELECT \(columns) FROM spans ORDER BY start_ts, span_id").rows
    }

    static let post = #"""
        {"id":"\#(child)","trace_id":"\#(root)","parent_run_id":"\#(root)","dotted_order":"\#(childOrder)",
         "name":"ChatOpenAI","run_type":"llm","start_time":"2026-12-03T09:44:37.178720+00:00","session_name":"demo",
         "inputs":{"messages":[{"role":"user","content":"hi"}]},
         "extra":{"metadata":{"ls_model_name":"gpt-4o-mini","thread_id":"conversation-7"},"runtime":{"sdk":"langsmith-py"}}}
        """#
    static let patch = #"""
        {"id":"\#(child)","trace_id":"\#(root)","dotted_order":"\#(childOrder)","end_time":"2026-12-03T09:44:38.178720+00:00",
         "outputs":{"generations":[[{"text":"hello"}]],"llm_output":{"token_usage":{"prompt_tokens":12,"completion_tokens":3},"model_name":"gpt-4o-mini-2024-07-18"}},
         "extra":{"metadata":{"ls_model_name":"gpt-4o-mini","thread_id":"conversation-7"}}}
        """#

    /// Everything a post and its patch make of a run, in either order.
    func expectMerged() throws {
        let merged = try rows("""
            span_id, trace_id, parent_span_id, name, operation, status_code, duration_ms, service_name, session_id,
            model_request, model_response, input_tokens, output_tokens, inputs->'messages'->0->>'content',
            outputs->'generations'->0->0->>'text', attributes->'metadata'->>'thread_id', resource->>'sdk', source, dotted_order
            """)
        #expect(merged == [[Self.child, Self.root, Self.root, "ChatOpenAI", "chat", "ok", "1000", "demo", "conversation-7",
                            "gpt-4o-mini", "gpt-4o-mini-2024-07-18", "12", "3", "hi", "hello",
                            "conversation-7", "langsmith-py", "langsmith", Self.childOrder]])
    }

    @Test("GET /info says multipart, the limits, and no zstd; it needs no key")
    func info() throws {
        let response = try collector.request("GET", "/api/langsmith/info", bytes: nil, key: nil, headers: [])
        #expect(response.status == 200)
        let config = response.json["batch_ingest_config"] as? [String: Any]
        #expect(config?["use_multipart_endpoint"] as? Bool == true)
        #expect(config?["size_limit_bytes"] as? Int == 64 * 1024)
        #expect(config?["size_limit"] as? Int == Settings().langSmithMaxRunsPerRequest)
        #expect((response.json["instance_flags"] as? [String: Any])?["zstd_compression_enabled"] as? Bool == false)
    }

    @Test("The SDK's multipart body: both runs stored as a tree with type, times, tokens and model")
    func multipartFixture() throws {
        let response = try fixture("runs-multipart-1.multipart", path: "/runs/multipart")
        #expect(response.status == 202)
        #expect(response.json["stored"] as? Int == 2)
        #expect(try rows("span_id, parent_span_id, trace_id, name, run_type, operation, status_code, input_tokens, output_tokens, model_request, service_name")
                == [[Self.root, nil, Self.root, "demo-chain", "chain", "chain", "ok", "321", "45", nil, "demo-h"],
                    [Self.child, Self.root, Self.root, "demo-llm", "llm", "chat", "ok", "321", "45", "gpt-4o-mini", "demo-h"]])
    }

    @Test("The SDK's batch body: the same tree; sent again, nothing is doubled")
    func batchFixtureTwice() throws {
        #expect(try fixture("runs-batch-1.json", path: "/runs/batch").status == 202)
        let first = try rows()
        #expect(first.count == 2)
        #expect(try fixture("runs-batch-1.json", path: "/runs/batch").status == 202)
        #expect(try rows() == first)
    }

    func captured(_ name: String) throws -> ParsedResponse {
        let directory = LangSmithFixtures.captured
        return try collector.request("POST", "/api/langsmith/runs/multipart", bytes: try LangSmithFixtures.bytes(name, in: directory),
                                     key: collector.key, headers: [("Content-Type", try LangSmithFixtures.contentType(name, in: directory))])
    }

    @Test("The SDK's RunTree, captured: its posts and its later patches merge the same in either order", arguments: [
        ["sdk-2-post-multipart", "sdk-3-post-multipart"], ["sdk-3-post-multipart", "sdk-2-post-multipart"],
    ])
    func capturedRunTree(order: [String]) throws {
        for name in order { #expect(try captured(name).status == 202) }
        #expect(try rows("name, run_type, status_code, status_message, end_ts > start_ts, parent_span_id IS NULL, outputs->'documents'->>1")
                == [["manual-root", "chain", "error", "ValueError: boom", "t", "t", nil],
                    ["manual-retriever", "retriever", "ok", nil, "t", "f", "b"]])
    }

    @Test("The SDK's nested @traceable functions, captured: the tool and the LLM under the chain, in its conversation")
    func capturedTraceables() throws {
        #expect(try captured("sdk-1-post-multipart").status == 202)
        #expect(try rows("name, operation, parent_span_id = trace_id, input_tokens, session_id")
                == [["agent", "chain", nil, nil, "conversation-1"], ["calculator", "tool", "t", nil, "conversation-1"],
                    ["fake-chat", "chat", "t", "321", "conversation-1"]])
    }

    @Test("Post then patch: one run, its end, outputs, tokens and response model from the patch")
    func postThenPatch() throws {
        #expect(try send("/runs/batch", #"{"post":[\#(Self.post)]}"#).status == 202)
        #expect(try rows("status_code, end_ts IS NULL") == [["unset", "t"]])
        #expect(try send("/runs/batch", #"{"patch":[\#(Self.patch)]}"#).status == 202)
        try expectMerged()
    }

    @Test("Patch then post (the patch got there first): the same run, nothing the patch said lost")
    func patchThenPost() throws {
        #expect(try send("/runs/batch", #"{"patch":[\#(Self.patch)]}"#).status == 202)
        #expect(try rows("name, status_code, input_tokens") == [["", "ok", "12"]])
        #expect(try send("/runs/batch", #"{"post":[\#(Self.post)]}"#).status == 202)
        try expectMerged()
    }

    @Test("POST /runs and PATCH /runs/{id}: the single-run routes merge the same way")
    func singleRoutes() throws {
        #expect(try send("/runs/\(Self.child.uppercased())", Self.patch, method: "PATCH").status == 202)
        #expect(try send("/runs", Self.post).status == 202)
        try expectMerged()
    }

    @Test("The same run in multipart parts: post with its inputs part, then a patch with its outputs part")
    func multipartPostAndPatch() throws {
        let post = #"{"id":"\#(Self.child)","trace_id":"\#(Self.root)","parent_run_id":"\#(Self.root)","dotted_order":"\#(Self.childOrder)","name":"ChatOpenAI","run_type":"llm","start_time":"2026-12-03T09:44:37.178720+00:00","session_name":"demo"}"#
        let first = MultipartFormTests.body([
            ("post.\(Self.child)", post), ("post.\(Self.child).inputs", #"{"messages":[{"role":"user","content":"hi"}]}"#),
            ("post.\(Self.child).extra", #"{"metadata":{"ls_model_name":"gpt-4o-mini","thread_id":"conversation-7"},"runtime":{"sdk":"langsmith-py"}}"#),
        ])
        let patchMain = #"{"id":"\#(Self.child)","trace_id":"\#(Self.root)","dotted_order":"\#(Self.childOrder)","end_time":"2026-12-03T09:44:38.178720+00:00"}"#
        let second = MultipartFormTests.body([
            ("patch.\(Self.child)", patchMain),
            ("patch.\(Self.child).outputs", #"{"generations":[[{"text":"hello"}]],"llm_output":{"token_usage":{"prompt_tokens":12,"completion_tokens":3},"model_name":"gpt-4o-mini-2024-07-18"}}"#),
        ])
        let type = [("Content-Type", "multipart/form-data; boundary=b0und")]
        #expect(try collector.request("POST", "/api/langsmith/runs/multipart", bytes: first, key: collector.key, headers: type).status == 202)
        #expect(try collector.request("POST", "/api/langsmith/runs/multipart", bytes: second, key: collector.key, headers: type).status == 202)
        try expectMerged()
    }

    @Test("An error stays an error when a later operation says nothing of it; outputs are cut with their size kept")
    func errorAndCut() throws {
        let long = String(repeating: "y", count: 300)
        let patch = Self.patch.replacingOccurrences(of: #""outputs":{"#, with: #""error":"RateLimitError: slow down","outputs":{"text":"\#(long)","#)
        #expect(try send("/runs/batch", #"{"patch":[\#(patch)]}"#).status == 202)
        // A post that ended (the SDK's post once the run is over) and says no error.
        let ended = Self.post.replacingOccurrences(of: #""session_name""#, with: #""end_time":"2026-12-03T09:44:38.178720+00:00","session_name""#)
        #expect(try send("/runs/batch", #"{"post":[\#(ended)]}"#).status == 202)
        let row = try rows("status_code, status_message, length(outputs::text) <= 80, (attributes->>'outputs_truncated')::int > 300")
        #expect(row == [["error", "RateLimitError: slow down", "t", "t"]])
    }

    @Test("A patch with no place in time for a run not stored: 400 naming it, nothing written; once posted, it merges")
    func unplacedPatch() throws {
        let bare = #"{"id":"\#(Self.child)","trace_id":"\#(Self.root)","end_time":"2026-12-03T09:44:38.178720+00:00","outputs":{"a":1}}"#
        let refused = try send("/runs/batch", #"{"post":[\#(Self.run(Self.root, order: Self.rootOrder))],"patch":[\#(bare)]}"#)
        #expect(refused.status == 400)
        #expect(refused.json["code"] as? String == "unknown_run")
        #expect(refused.json["field"] as? String == Self.child)
        #expect(try collector.count("spans") == 0)
        #expect(try send("/runs/batch", #"{"post":[\#(Self.post)]}"#).status == 202)
        #expect(try send("/runs/batch", #"{"patch":[\#(bare)]}"#).status == 202)
        #expect(try rows("outputs->>'a', duration_ms") == [["1", "1000"]])
    }

    static func run(_ id: String, order: String, _ extra: String = "") -> String {
        #"{"id":"\#(id)","trace_id":"\#(root)","dotted_order":"\#(order)","name":"n","run_type":"chain"\#(extra)}"#
    }

    @Test("Bad bodies: 4xx naming what is wrong, never 5xx, nothing half-written", arguments: [
        ("bad JSON", "/runs/batch", #"{"post":[{"id":"#, 400, "invalid_json"),
        ("a run without id", "/runs/batch", #"{"post":[{"name":"n","trace_id":"\#(root)"}]}"#, 400, "missing_field"),
        ("a dotted_order whose last segment is another run", "/runs/batch",
         #"{"post":[\#(run(root, order: rootOrder)),\#(run(child, order: rootOrder))]}"#, 400, "invalid_dotted_order"),
        ("a dotted_order whose first segment is not the trace", "/runs/batch",
         #"{"post":[\#(run(root, order: rootOrder)),\#(run(child, order: childAlone))]}"#, 400, "invalid_dotted_order"),
        ("a time past any calendar", "/runs/batch", #"{"post":[\#(run(root, order: rootOrder)),\#(run(child, order: childOrder, #","start_time":12.5e400"#))]}"#, 400, "invalid_field"),
        ("a time of the wrong type", "/runs/batch", #"{"post":[\#(run(root, order: rootOrder)),\#(run(child, order: childOrder, #","end_time":[]"#))]}"#, 400, "invalid_field"),
        ("post not an array", "/runs/batch", #"{"post":"runs"}"#, 400, "invalid_field"),
        ("a run that is not an object", "/runs", #"[]"#, 400, "invalid_body"),
        ("an id in the path that is not a UUID", "/runs/not-a-run", #"{}"#, 400, "invalid_field"),
    ])
    func badBodies(name: String, path: String, body: String, status: Int, code: String) throws {
        let response = try send(path, body, method: path.hasPrefix("/runs/not") ? "PATCH" : "POST")
        #expect(response.status == status, "\(name): \(response.text)")
        #expect(response.json["code"] as? String == code, "\(name)")
        #expect(try collector.count("spans") == 0, "\(name)")
    }

    @Test("Bad multipart bodies: 400 or 415, nothing half-written", arguments: [
        ("no boundary", "multipart/form-data", "x", 400),
        ("not multipart", "text/plain", "x", 415),
        ("a broken part", "multipart/form-data; boundary=b0und",
         "--b0und\r\nContent-Disposition: form-data; name=\"post.\(root)\"\r\n\r\n\(run(root, order: rootOrder))\r\n--b0und\r\nContent-Disposition: form-data; name=\"post.\(child)\"\r\n\r\n{", 400),
        ("a part without a name", "multipart/form-data; boundary=b0und",
         "--b0und\r\nContent-Type: application/json\r\n\r\n{}\r\n--b0und--\r\n", 400),
    ])
    func badMultipart(name: String, type: String, body: String, status: Int) throws {
        let response = try send("/runs/multipart", body, headers: [("Content-Type", type)])
        #expect(response.status == status, "\(name): \(response.text)")
        #expect(try collector.count("spans") == 0)
    }

    @Test("zstd is refused with 415 (the SDK is told not to use it); gzip is taken")
    func compression() throws {
        let body = Array(#"{"post":[\#(Self.post)]}"#.utf8)
        let zstd = try collector.request("POST", "/api/langsmith/runs/batch", bytes: [0x28, 0xB5, 0x2F, 0xFD] + body,
                                         key: collector.key, headers: [("Content-Type", "application/json"), ("Content-Encoding", "zstd")])
        #expect(zstd.status == 415)
        #expect(try collector.count("spans") == 0)
    }

    @Test("Past MAX_BODY_BYTES: 413, nothing stored")
    func oversize() throws {
        let long = String(repeating: "z", count: 70 * 1024)
        let response = try send("/runs/batch", #"{"post":[\#(Self.run(Self.root, order: Self.rootOrder, #","inputs":{"t":"\#(long)"}"#))]}"#)
        #expect(response.status == 413)
        #expect(try collector.count("spans") == 0)
    }

    @Test("The host's key is needed, as X-API-Key (the SDK's header); runs are stored as the key's host")
    func keys() throws {
        let body = Array(#"{"post":[\#(Self.post)]}"#.utf8)
        #expect(try collector.request("POST", "/api/langsmith/runs/batch", bytes: body, key: nil).status == 401)
        #expect(try collector.request("POST", "/api/langsmith/runs/batch", bytes: body, key: "wrong").status == 401)
        #expect(try send("/runs/batch", #"{"post":[\#(Self.post)]}"#).status == 202)
        #expect(try collector.query("SELECT host_id FROM spans").rows == [[collector.host]])
    }
}
