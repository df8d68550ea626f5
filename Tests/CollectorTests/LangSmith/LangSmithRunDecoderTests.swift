import CollectorTestSupport
import JSON
import Testing
@testable import Collector

@Suite("LangSmithRunDecoder")
struct LangSmithRunDecoderTests {
    static let decoder = LangSmithRunDecoder(fieldMaxBytes: 64, maxOperations: 10, jsonLimits: JSONLimits())
    static let root = "01a23b4a-a432-7ac1-af05-b6443733bf5b"
    static let child = "01a23b4a-a43a-748a-b31a-ce96aab0ee8b"

    func batch(_ text: String) throws(ValidationError) -> LangSmithRunDecoder.Runs {
        try Self.decoder.batch(Array(text.utf8))
    }

    func error(_ text: String) -> ValidationError? {
        do {
            _ = try batch(text)
            return nil
        } catch {
            return error
        }
    }

    /// A posted run's JSON; `fields` replace or add members (values as JSON text).
    static func run(_ fields: [(String, String)] = [], id: String = root, trace: String = root) -> String {
        var members: [(String, String)] = [
            ("id", "\"\(id)\""), ("trace_id", "\"\(trace)\""), ("name", "\"r\""), ("run_type", "\"chain\""),
            ("start_time", "\"2026-12-03T09:44:37.170227+00:00\""), ("dotted_order", "\"20261203T094437170227Z\(id)\""),
        ]
        for (key, value) in fields {
            if let index = members.firstIndex(where: { $0.0 == key }) { members[index].1 = value } else { members.append((key, value)) }
        }
        return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    @Test("The SDK's multipart fixture: two runs, parent and child, fields from their parts, usage from the outputs")
    func multipartFixture() throws {
        let name = "runs-multipart-1.multipart"
        let boundary = try #require(MultipartForm.boundary(ofContentType: try LangSmithFixtures.contentType(name)))
        let runs = try Self.decoder.multipart(try LangSmithFixtures.bytes(name), boundary: boundary)
        #expect(runs.map(\.run.id) == [Self.root, Self.child])
        #expect(runs.allSatisfy { $0.traceID == Self.root })
        let child = runs[1].run
        #expect(child.parentRunID == Self.root)
        #expect(child.operation == .chat)
        #expect(child.usage.inputTokens == 321 && child.usage.outputTokens == 45)
        #expect(child.usage.modelRequest == Array("gpt-4o-mini".utf8))
        #expect(child.inputs == Array(#"{"q":"what is 6 x 7?"}"#.utf8))
        #expect(child.runtime != nil)
    }

    @Test("The SDK's batch fixture: the same two runs from JSON")
    func batchFixture() throws {
        let runs = try Self.decoder.batch(try LangSmithFixtures.bytes("runs-batch-1.json"))
        #expect(runs.count == 2)
        #expect(runs[1].run.parentRunID == runs[0].run.id)
        #expect(runs[1].run.usage.inputTokens == 321)
        #expect(runs[0].run.endTime != nil && runs[0].run.placeInTime != nil)
    }

    @Test("A post and its patch in one body merge into one run: the patch's end, outputs and error")
    func merge() throws {
        let runs = try batch(#"{"patch":[{"id":"\#(Self.root)","trace_id":"\#(Self.root)","end_time":"2026-12-03T09:44:38Z","error":"boom","outputs":{"a":1}}],"post":[\#(Self.run())]}"#)
        #expect(runs.count == 1)
        let span = runs[0].run.span(traceID: runs[0].traceID, start: runs[0].run.placeInTime ?? 0)
        #expect(span.name == Array("r".utf8))
        #expect(span.status == .error && span.statusMessage == Array("boom".utf8))
        #expect(span.outputs == Array(#"{"a":1}"#.utf8))
        #expect(span.durationMs == 829.773)
    }

    @Test("Inputs longer than the limit are cut to about it, and their size is recorded")
    func cut() throws {
        let long = String(repeating: "x", count: 500)
        let runs = try batch(#"{"post":[\#(Self.run([("inputs", #"{"prompt":"\#(long)"}"#)]))]}"#)
        let span = runs[0].run.span(traceID: Self.root, start: 0)
        #expect(try #require(span.inputs).count <= 64)
        #expect(String(decoding: span.inputs ?? [], as: UTF8.self).hasPrefix(#"{"prompt":"xxx"#))
        let attributes = try JSONDocument.parse(span.attributes).root
        #expect(attributes.member("inputs_truncated")?.int64 == 513)
    }

    @Test("The place in time: the dotted order's own segment, else start_time; a patch may have neither")
    func placeInTime() throws {
        let noOrder = #"{"id":"\#(Self.root)","trace_id":"\#(Self.root)","name":"r","start_time":"2026-12-03T09:44:37.1Z"}"#
        #expect(try batch(#"{"post":[\#(noOrder)]}"#)[0].run.placeInTime == Timestamp.parse(Array("2026-12-03T09:44:37.1Z".utf8)))
        let bare = try batch(#"{"patch":[{"id":"\#(Self.root)","trace_id":"\#(Self.root)","end_time":1764755078000}]}"#)
        #expect(bare[0].run.placeInTime == nil)
        #expect(bare[0].run.endTime == Timestamp.parse(Array("2025-12-03T09:44:38Z".utf8)))
    }

    @Test("A root run's trace is itself when trace_id and dotted_order are left out")
    func rootTrace() throws {
        #expect(try batch(#"{"post":[{"id":"\#(Self.root)","name":"r","start_time":"2026-12-03T09:44:37"}]}"#)[0].traceID == Self.root)
    }

    @Test("Bad runs are refused with the field named", arguments: [
        (#"{"post":[{"name":"r"}]}"#, "id"),
        (#"{"post":[{"id":42,"name":"r"}]}"#, "id"),
        (#"{"post":[{"id":"not-a-uuid","name":"r"}]}"#, "id"),
        (#"{"post":[\#(run([("dotted_order", #""20261203T094437170227Z\#(child)""#)]))]}"#, "dotted_order"),
        (#"{"post":[\#(run([("dotted_order", #""20261203T094437170227Z\#(root).20261203T094437170227Z\#(child)""#)], id: child, trace: child))]}"#, "dotted_order"),
        (#"{"post":[\#(run([("dotted_order", #""yesterday""#)]))]}"#, "dotted_order"),
        (#"{"post":[\#(run([("start_time", "true")]))]}"#, "start_time"),
        (#"{"post":[\#(run([("end_time", #""2020-01-01T00:00:00Z""#)]))]}"#, "end_time"),
        (#"{"post":[\#(run([("name", "7")]))]}"#, "name"),
        (#"{"post":[\#(run([("extra", "[]")]))]}"#, "extra"),
        (#"{"post":[\#(run([("parent_run_id", #""x""#)]))]}"#, "parent_run_id"),
        (#"{"post":[{"id":"\#(root)","name":"r","parent_run_id":"\#(child)"}]}"#, "trace_id"),
        (#"{"post":[{"id":"\#(root)","trace_id":"\#(root)","start_time":"2026-12-03T09:44:37Z"}]}"#, "name"),
        (#"{"post":{}}"#, "post"),
        (#"{"post":[1]}"#, "post"),
    ])
    func refused(body: String, field: String) {
        let found = error(body)
        #expect(found != nil, "\(body)")
        #expect(found?.field == field, "\(body): \(String(describing: found))")
    }

    @Test("Bad JSON and too many operations are refused")
    func wholeBody() {
        #expect(error("{\"post\":[")?.code == "invalid_json")
        #expect(error("[]")?.code == "invalid_body")
        let eleven = (0..<11).map { _ in Self.run() }.joined(separator: ",")
        #expect(error(#"{"post":[\#(eleven)]}"#)?.code == "too_many_runs")
    }

    @Test("PATCH's path names the run; a body naming another is refused")
    func patchPath() throws {
        let runs = try Self.decoder.single(Array(#"{"trace_id":"\#(Self.root)","end_time":"2026-12-03T09:44:38Z"}"#.utf8),
                                           kind: .patch, pathID: Self.root)
        #expect(runs[0].run.id == Self.root && !runs[0].run.posted)
        #expect(throws: ValidationError.self) {
            try Self.decoder.single(Array(#"{"id":"\#(Self.child)","trace_id":"\#(Self.root)"}"#.utf8), kind: .patch, pathID: Self.root)
        }
    }

    @Test("Multipart: attachments are noted on their run, feedback skipped, unknown part names refused")
    func multipartParts() throws {
        let ok = MultipartFormTests.body([("post.\(Self.root)", Self.run()), ("attachment.\(Self.root).image", "PNG..."),
                                          ("feedback.\(Self.child)", "{}")])
        let runs = try Self.decoder.multipart(ok, boundary: "b0und")
        let attributes = try JSONDocument.parse(runs[0].run.span(traceID: Self.root, start: 0).attributes).root
        #expect(attributes.member("attachments")?.elements.first { _ in true }?.member("bytes")?.int64 == 6)
        for (parts, field) in [
            ([("post.\(Self.root)", Self.run()), ("attachment.\(Self.child).image", "x")], "attachment.\(Self.child).image"),
            ([("put.\(Self.root)", Self.run())], "put.\(Self.root)"),
            ([("post.\(Self.root)", Self.run()), ("post.\(Self.root).secrets", "{}")], "post.\(Self.root).secrets"),
            ([("post.\(Self.root)", "{broken")], "post.\(Self.root)"),
            ([("post.\(Self.root)", "[1]")], "post.\(Self.root)"),
        ] {
            #expect(throws: ValidationError.self, "\(field)") {
                try Self.decoder.multipart(MultipartFormTests.body(parts), boundary: "b0und")
            }
            do {
                _ = try Self.decoder.multipart(MultipartFormTests.body(parts), boundary: "b0und")
            } catch {
                #expect(error.field == field)
            }
        }
    }
}
