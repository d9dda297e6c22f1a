"""Tests of the OpenAI chat-completions stand-in (tests/llm_standin.py) with a real ChatOpenAI."""
from __future__ import annotations

import asyncio
import json
import threading
import time

import httpx
import openai
import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, Field

from llm_standin import (
    DEFAULT_TEXT,
    LLMStandIn,
    error,
    garbage,
    malformed_tool_call,
    responder,
    slow,
    text,
    tool_call,
    tool_calls,
)


@pytest.fixture
def standin():
    with LLMStandIn() as api:
        yield api


def chat(standin: LLMStandIn, **kwargs) -> ChatOpenAI:
    options = {"model": "qwen-plus", "max_retries": 0, "timeout": 2, **kwargs}
    return ChatOpenAI(base_url=standin.base_url, api_key="sk-test", **options)


class LookupRule(BaseModel):
    """Look up a clause of the county government work rules."""

    query: str = Field(description="what to look for")
    limit: int = Field(default=3, description="how many clauses")


def test_invoke_returns_scripted_text_and_records_request(standin):
    standin.script(text("您好，我是规则助手。"))
    reply = chat(standin).invoke("你好")

    assert isinstance(reply, AIMessage)
    assert reply.content == "您好，我是规则助手。"
    assert reply.response_metadata["model_name"] == "qwen-plus"
    assert reply.response_metadata["finish_reason"] == "stop"
    assert reply.usage_metadata["total_tokens"] > 0
    request = standin.last_request()
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "qwen-plus"
    assert request["body"]["messages"] == [{"role": "user", "content": "你好"}]
    assert request["body"].get("stream") in (None, False)  # invoke does not stream
    assert request["headers"]["authorization"] == "Bearer sk-test"
    assert standin.api_keys_seen == ["sk-test"]
    assert standin.pending == 0


def test_default_reply_when_script_is_empty(standin):
    model = chat(standin)
    assert model.invoke("hi").content == DEFAULT_TEXT
    standin.default = text("默认")
    standin.script("第一", "第二")  # bare strings are text items
    assert [model.invoke("q").content for _ in range(3)] == ["第一", "第二", "默认"]
    assert len(standin.wait_for_requests(4, timeout=1)) == 4


def test_bind_tools_parses_tool_calls(standin):
    standin.script(tool_call("LookupRule", {"query": "常务会议", "limit": 2}, call_id="call_a"),
                   tool_calls([("LookupRule", {"query": "请假"}),
                               ("LookupRule", {"query": "值班"})]))
    model = chat(standin).bind_tools([LookupRule])

    first = model.invoke("常务会议多久开一次？")
    assert first.tool_calls == [{"name": "LookupRule",
                                 "args": {"query": "常务会议", "limit": 2},
                                 "id": "call_a", "type": "tool_call"}]
    assert first.response_metadata["finish_reason"] == "tool_calls"
    sent_tools = standin.last_request()["body"]["tools"]
    assert sent_tools[0]["type"] == "function"
    assert sent_tools[0]["function"]["name"] == "LookupRule"
    assert "query" in sent_tools[0]["function"]["parameters"]["properties"]

    second = model.invoke("请假和值班？")
    assert [c["args"] for c in second.tool_calls] == [{"query": "请假"}, {"query": "值班"}]
    ids = [c["id"] for c in second.tool_calls]
    assert all(ids) and len(set(ids)) == 2


def test_server_error_and_rate_limit_raise_openai_errors(standin):
    standin.script(error(500, "boom"), error(429, "slow down", retry_after=7),
                   error(401, "bad key"), error(503, "overloaded"))
    model = chat(standin)
    with pytest.raises(openai.InternalServerError) as info:
        model.invoke("x")
    assert info.value.status_code == 500 and "boom" in str(info.value)
    with pytest.raises(openai.RateLimitError) as info:
        model.invoke("x")
    assert info.value.response.headers["retry-after"] == "7"
    assert info.value.body["code"] == "rate_limit_exceeded"
    with pytest.raises(openai.AuthenticationError):
        model.invoke("x")
    with pytest.raises(openai.InternalServerError) as info:
        model.invoke("x")
    assert info.value.status_code == 503
    assert len(standin.chat_requests) == 4  # max_retries=0: no retry


def test_slow_reply_times_out(standin):
    standin.script(slow(3, then=text("too late")))
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        chat(standin, timeout=0.5).invoke("x")
    assert time.monotonic() - started < 1.5


def test_slow_reply_within_timeout_is_answered(standin):
    standin.script(slow(0.2, then="准时"))
    assert chat(standin).invoke("x").content == "准时"


def test_garbage_bodies_raise_without_hanging(standin):
    standin.script(garbage(), garbage("<html>502</html>", content_type="text/html"),
                   garbage('{"unexpected": true}'))
    model = chat(standin)
    started = time.monotonic()
    # Observed: invalid JSON surfaces as json.JSONDecodeError from the openai client; a non-JSON
    # content type as ValueError ("Unexpected response type ..."); JSON without `choices` as
    # TypeError ("null value for 'choices'").
    with pytest.raises(json.JSONDecodeError):
        model.invoke("x")
    with pytest.raises(ValueError, match="Unexpected response type"):
        model.invoke("x")
    with pytest.raises(TypeError, match="choices"):
        model.invoke("x")
    assert time.monotonic() - started < 2


def test_malformed_tool_call_becomes_invalid_tool_call(standin):
    standin.script(malformed_tool_call("LookupRule", '{"query": "会议"'))
    reply = chat(standin).bind_tools([LookupRule]).invoke("x")

    assert reply.tool_calls == []
    [bad] = reply.invalid_tool_calls
    assert bad["name"] == "LookupRule"
    assert bad["args"] == '{"query": "会议"'
    assert bad["id"].startswith("call_")
    assert "not valid JSON" in bad["error"]


def test_responder_sees_tool_message_on_second_turn(standin):
    def answer(body: dict) -> dict:
        last = body["messages"][-1]
        assert last["role"] == "tool"
        return text(f"结果：{last['content']}（{last['tool_call_id']}）")

    standin.script(tool_call("LookupRule", {"query": "会议"}, call_id="call_x"),
                   responder(answer))
    model = chat(standin).bind_tools([LookupRule])
    history = [HumanMessage("会议怎么开？")]
    first = model.invoke(history)
    history += [first, ToolMessage("每周一次", tool_call_id=first.tool_calls[0]["id"])]
    second = model.invoke(history)

    assert second.content == "结果：每周一次（call_x）"
    roles = [m["role"] for m in standin.last_request()["body"]["messages"]]
    assert roles == ["user", "assistant", "tool"]
    assistant = standin.last_request()["body"]["messages"][1]
    assert assistant["tool_calls"][0]["function"]["name"] == "LookupRule"


def test_responder_failure_is_a_500(standin):
    standin.script(responder(lambda body: 1 / 0))
    with pytest.raises(openai.InternalServerError, match="ZeroDivisionError"):
        chat(standin).invoke("x")


def test_create_agent_runs_full_tool_loop(standin):
    calls = []

    @tool
    def lookup_rule(query: str) -> str:
        """Look up a clause of the county government work rules."""
        calls.append(query)
        return "县政府常务会议一般每月召开两次。"

    standin.script(tool_call("lookup_rule", {"query": "常务会议"}),
                   responder(lambda body: text("答：" + body["messages"][-1]["content"])))
    agent = create_agent(chat(standin), tools=[lookup_rule], system_prompt="你是规则助手。")
    result = agent.invoke({"messages": [{"role": "user", "content": "常务会议多久开？"}]})

    assert calls == ["常务会议"]
    final = result["messages"][-1]
    assert isinstance(final, AIMessage)
    assert final.content == "答：县政府常务会议一般每月召开两次。"
    first, second = standin.chat_requests
    assert first["body"]["messages"][0] == {"role": "system", "content": "你是规则助手。"}
    assert first["body"]["tools"][0]["function"]["name"] == "lookup_rule"
    assert [m["role"] for m in second["body"]["messages"]] == ["system", "user", "assistant",
                                                               "tool"]


def test_streaming_text_and_tool_calls(standin):
    sentence = "一二三四五六七八九十，流式输出的一句话。"
    standin.script(sentence, tool_call("LookupRule", {"query": "值班"}))
    model = chat(standin)
    chunks = list(model.stream("x"))
    assert len(chunks) > 2
    assert "".join(c.content for c in chunks) == sentence
    assert standin.last_request()["body"]["stream"] is True

    merged = None
    for chunk in model.bind_tools([LookupRule]).stream("x"):
        merged = chunk if merged is None else merged + chunk
    assert merged.tool_calls[0]["name"] == "LookupRule"
    assert merged.tool_calls[0]["args"] == {"query": "值班"}


def test_raw_sse_ends_with_done_and_has_usage(standin):
    standin.script("abc")
    body = {"model": "qwen-plus", "stream": True, "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": "x"}]}
    response = httpx.post(f"{standin.base_url}/chat/completions", json=body,
                          headers={"Authorization": "Bearer sk-test"})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [line[6:] for line in response.text.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0


def test_openai_client_models_and_unknown_path(standin):
    client = openai.OpenAI(base_url=standin.base_url, api_key="sk-other", max_retries=0)
    assert [m.id for m in client.models.list()] == ["qwen-plus"]
    standin.script("plain")
    completion = client.chat.completions.create(model="qwen-plus",
                                                messages=[{"role": "user", "content": "x"}])
    assert completion.model == "qwen-plus"
    assert completion.choices[0].message.content == "plain"
    assert completion.usage.total_tokens == (completion.usage.prompt_tokens
                                             + completion.usage.completion_tokens)

    response = httpx.post(f"{standin.base_url}/embeddings", json={"input": "x"})
    assert response.status_code == 404
    assert set(response.json()["error"]) >= {"message", "type", "code"}
    assert standin.api_keys_seen == ["sk-other"]
    assert [r["path"] for r in standin.requests] == ["/v1/models", "/v1/chat/completions",
                                                     "/v1/embeddings"]
    standin.reset()
    assert standin.requests == [] and standin.pending == 0


def test_concurrent_requests_each_consume_one_item(standin):
    answers = [f"回答{i}" for i in range(8)]
    standin.script(*answers)
    model = chat(standin)
    got: list[str] = []
    threads = [threading.Thread(target=lambda: got.append(model.invoke("x").content))
               for _ in answers]
    for thread in threads:
        thread.start()
    standin.wait_for_requests(8, timeout=5)
    for thread in threads:
        thread.join(5)
    assert sorted(got) == sorted(answers)


def test_async_invoke_and_async_wait(standin):
    async def main():
        standin.script(slow(0.1, then="异步"))
        task = asyncio.create_task(chat(standin).ainvoke("x"))
        requests = await standin.async_wait_for_requests(1, timeout=2)
        assert requests[0]["headers"]["x-stainless-async"].startswith("async")
        with pytest.raises(RuntimeError, match="async_wait_for_requests"):
            standin.wait_for_requests(1)
        return await task

    assert asyncio.run(main()).content == "异步"


def test_wait_for_requests_times_out_with_dump(standin):
    with pytest.raises(AssertionError, match="fewer than 1 requests"):
        standin.wait_for_requests(1, timeout=0.1)


def test_refuses_what_the_real_api_refuses(standin):
    """A wrong key (401), an unknown model (404), a tool message without its tool call
    (400) — and the product's client sees them as errors, not answers."""
    strict = LLMStandIn(api_keys=["sk-right"])
    with strict:
        def post(body, key="sk-right"):
            return httpx.post(f"{strict.base_url}/chat/completions", json=body,
                              headers={"Authorization": f"Bearer {key}"} if key else {})
        user = {"role": "user", "content": "x"}
        assert post({"model": "qwen-plus", "messages": [user]}, key="sk-wrong").status_code == 401
        assert post({"model": "qwen-plus", "messages": [user]}, key=None).status_code == 401
        missing = post({"model": "gpt-9", "messages": [user]})
        assert missing.status_code == 404 and "gpt-9" in missing.json()["error"]["message"]
        orphan = post({"model": "qwen-plus", "messages": [
            user, {"role": "tool", "tool_call_id": "call_1", "content": "r"}]})
        assert orphan.status_code == 400
        answered = post({"model": "qwen-plus", "messages": [
            user, {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "r"}]})
        assert answered.status_code == 200
        assert strict.pending == 0   # refused requests consumed no scripted answer


def test_a_truncated_answer_says_so(standin):
    from llm_standin import truncated
    standin.script(truncated("人事任免文件由县"))
    client = openai.OpenAI(base_url=standin.base_url, api_key="sk-x", max_retries=0)
    done = client.chat.completions.create(model="qwen-plus", messages=[{"role": "user", "content": "x"}])
    assert done.choices[0].finish_reason == "length"
