import JSON
import Testing
@testable import Collector

@Suite("RunUsage")
struct RunUsageTests {
    func usage(outputs: String? = nil, extra: String? = nil) throws -> RunUsage {
        let outputs = try outputs.map { try JSONDocument.parse(Array($0.utf8)) }
        let extra = try extra.map { try JSONDocument.parse(Array($0.utf8)) }
        return RunUsage(outputs: outputs?.root, extra: extra?.root)
    }

    @Test("usage_metadata in the outputs, with cache details; the model from ls_model_name")
    func usageMetadata() throws {
        let found = try usage(
            outputs: #"{"usage_metadata":{"input_tokens":321,"output_tokens":45,"input_token_details":{"cache_read":7,"cache_creation":3}}}"#,
            extra: #"{"metadata":{"ls_model_name":"gpt-4o-mini","ls_provider":"openai"}}"#)
        #expect(found.inputTokens == 321 && found.outputTokens == 45)
        #expect(found.cacheReadTokens == 7 && found.cacheCreationTokens == 3)
        #expect(found.modelRequest == Array("gpt-4o-mini".utf8))
    }

    @Test("usage_metadata in extra.metadata, as @traceable puts it")
    func traceableMetadata() throws {
        let found = try usage(extra: #"{"metadata":{"usage_metadata":{"input_tokens":5,"output_tokens":6}}}"#)
        #expect(found.inputTokens == 5 && found.outputTokens == 6)
    }

    @Test("LangChain's chat model: llm_output.token_usage and model_name, the request model from invocation_params")
    func llmOutput() throws {
        let found = try usage(
            outputs: #"{"generations":[[{"text":"hi"}]],"llm_output":{"token_usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12},"model_name":"gpt-4o-2024-08-06"}}"#,
            extra: #"{"invocation_params":{"model":"gpt-4o"}}"#)
        #expect(found.inputTokens == 10 && found.outputTokens == 2)
        #expect(found.modelRequest == Array("gpt-4o".utf8))
        #expect(found.modelResponse == Array("gpt-4o-2024-08-06".utf8))
    }

    @Test("A generation's serialized message: usage_metadata and response_metadata in kwargs")
    func generationMessage() throws {
        let found = try usage(outputs: #"""
            {"generations":[[{"text":"","message":{"lc":1,"type":"constructor","id":["langchain","schema","messages","AIMessage"],
             "kwargs":{"content":"hi","usage_metadata":{"input_tokens":11,"output_tokens":4},
             "response_metadata":{"model_name":"claude-sonnet-4-5"}}}}]],"llm_output":null}
            """#)
        #expect(found.inputTokens == 11 && found.outputTokens == 4)
        #expect(found.modelResponse == Array("claude-sonnet-4-5".utf8))
    }

    @Test("Anthropic's usage in llm_output with cache counts")
    func anthropic() throws {
        let found = try usage(outputs: #"{"llm_output":{"usage":{"input_tokens":100,"output_tokens":20,"cache_read_input_tokens":80,"cache_creation_input_tokens":5}}}"#)
        #expect(found.inputTokens == 100 && found.outputTokens == 20)
        #expect(found.cacheReadTokens == 80 && found.cacheCreationTokens == 5)
    }

    @Test("Nothing usable: all nil (negative and fractional counts are not counts)")
    func nothing() throws {
        #expect(try usage(outputs: #"{"usage_metadata":{"input_tokens":-1,"output_tokens":1.5}}"#) == RunUsage(outputs: nil, extra: nil))
        #expect(try usage(outputs: #"{"answer":"42"}"#, extra: #"{"metadata":{}}"#) == RunUsage(outputs: nil, extra: nil))
    }
}
