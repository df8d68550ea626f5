"""A LangSmith-traced app, as a LangChain or LangGraph app's tracing runs: nested @traceable functions (a chain
calling a tool and a fake LLM that reports usage_metadata) and a hand-built RunTree whose child is patched in a later
request than its post. Configured by the environment only (LANGSMITH_ENDPOINT, LANGSMITH_API_KEY,
LANGSMITH_TRACING). Prints the ids of the runs it made as JSON."""
import json
import sys

from langsmith import traceable
from langsmith.run_trees import RunTree, get_cached_client


@traceable(run_type="llm", name="fake-chat", metadata={"ls_model_name": "gpt-4o-mini", "ls_provider": "openai"})
def fake_llm(question):
    return {"choices": [{"message": {"role": "assistant", "content": "42"}}],
            "usage_metadata": {"input_tokens": 321, "output_tokens": 45, "total_tokens": 366}}


@traceable(run_type="tool", name="calculator")
def calculator(expression):
    return {"result": 42}


@traceable(run_type="chain", name="agent", metadata={"thread_id": "conversation-1"})
def agent(question):
    calculator("6*7")
    fake_llm(question)
    return {"answer": "42", "padding": "x" * 5000}


def main():
    agent("what is 6 x 7?")
    client = get_cached_client()
    client.flush()

    root = RunTree(name="manual-root", run_type="chain", inputs={"q": "manual"})
    root.post()
    child = root.create_child(name="manual-retriever", run_type="retriever", inputs={"query": "docs"})
    child.post()
    client.flush()
    # The ends go in a later request than the posts: patches the collector merges into stored runs.
    child.end(outputs={"documents": ["a", "b"]})
    child.patch()
    root.end(error="ValueError: boom")
    root.patch()
    client.flush()
    json.dump({"root": str(root.id), "child": str(child.id), "trace": str(root.trace_id)}, sys.stdout)


if __name__ == "__main__":
    main()
