"""The real ChatOpenAI client over HTTP against a scripted OpenAI-compatible stand-in on
127.0.0.1: verified answers, follow-up rewriting, and the offline fallback when the
endpoint errs, stalls, or sends garbage; the circuit breaker; eval on the LLM path."""
from __future__ import annotations

import json
import re
import time

import pytest

from bot.agent.assistant import Assistant
from bot.agent.model import make_chat_model
from bot.evaluation import EvalItem, run_eval
from llm_standin import LLMStandIn, error, garbage, malformed_tool_call, responder, slow, text, tool_call

PERSONNEL = "人事任免文件谁签发？"
GOOD = "人事任免文件由县长签发。依据第五十条：“人事任免文件，由县长签署或签发”。"


@pytest.fixture
def endpoint():
    with LLMStandIn() as server:
        yield server


@pytest.fixture
def http_assistant(llm_config, agent_engine, endpoint, monkeypatch):
    monkeypatch.setenv("TEST_LLM_KEY", "sk-test-key")
    llm_config.llm.base_url = endpoint.base_url
    llm_config.llm.model = "qwen-plus"
    llm_config.llm.api_key_env = "TEST_LLM_KEY"
    llm_config.llm.timeout_seconds = 2
    llm_config.llm.request_timeout_seconds = 1.5

    def make():
        return Assistant(llm_config, agent_engine, make_chat_model(llm_config.llm))
    return make


def test_answers_through_the_agent_with_verified_citations(http_assistant, endpoint):
    endpoint.script(tool_call("route_document", {"issuer": "县政府", "doc_kind": "人事任免"}), text(GOOD))
    answer = http_assistant().answer(PERSONNEL, given={"asker": "示例·农业农村局局长"})
    assert answer.path == "llm" and [c.article for c in answer.citations] == [50]
    first = endpoint.chat_requests[0]["body"]
    assert first["model"] == "qwen-plus"
    assert {t["function"]["name"] for t in first["tools"]} >= {"search_regulation", "route_document"}
    assert "第N条" in first["messages"][0]["content"]        # the system prompt from prompts/
    tool_result = endpoint.chat_requests[1]["body"]["messages"][-1]
    assert tool_result["role"] == "tool" and "县长" in tool_result["content"]
    assert endpoint.api_keys_seen == ["sk-test-key"]


@pytest.mark.parametrize("failure", [
    error(500), error(429), garbage("not json"), garbage('{"no": "choices"}'),
    malformed_tool_call("route_document"),
], ids=["500", "429", "garbage", "no-choices", "malformed-tool-call"])
def test_a_broken_endpoint_gives_the_offline_answer_with_a_note(http_assistant, endpoint, agent_engine, failure):
    endpoint.script(failure, failure)
    started = time.monotonic()
    answer = http_assistant().answer(PERSONNEL)
    assert time.monotonic() - started < 2.5
    assert answer.path.startswith("offline")
    assert agent_engine.answer(PERSONNEL).answer in answer.answer
    assert "（" in answer.answer.splitlines()[0]                 # the short note


def test_a_slow_endpoint_gives_the_offline_answer_within_the_timeout(http_assistant, endpoint):
    endpoint.script(slow(10, then=text(GOOD)))
    started = time.monotonic()
    answer = http_assistant().answer(PERSONNEL)
    elapsed = time.monotonic() - started
    assert answer.path == "offline-fallback" and elapsed < 2.5, elapsed
    assert "暂时不可用" in answer.answer


def test_the_circuit_breaker_stops_hammering_a_dead_endpoint(http_assistant, endpoint, llm_config):
    endpoint.default = error(503)
    assistant = http_assistant()
    for _ in range(llm_config.llm.breaker_failures):
        assert assistant.answer(PERSONNEL).path == "offline-fallback"
    calls = len(endpoint.chat_requests)
    for _ in range(5):
        assert assistant.answer(PERSONNEL).path == "offline-breaker"
    assert len(endpoint.chat_requests) == calls


def test_a_follow_up_is_rewritten_before_retrieval(http_assistant, endpoint):
    assistant = http_assistant()
    endpoint.script(tool_call("search_regulation", {"query": "副县长出差"}),
                    text("副县长出差应当事先报告县长。依据第五十五条：“副县长、办公室主任出访、出差和休假,应当事先报告县长”。"))
    first = assistant.answer("副县长出差要报告谁？", chat_key="c1")
    assert first.path == "llm"
    endpoint.script(text("县政府常务会议由哪些人组成？"),   # the rewrite
                    tool_call("search_regulation", {"query": "常务会议 组成"}),
                    text("由县长、副县长组成。依据第四十条：“县政府常务会议由县长、副县长组成”。"))
    follow = assistant.answer("那常务会呢，谁参加", chat_key="c1")
    rewrite_request = endpoint.chat_requests[2]["body"]["messages"][0]["content"]
    assert "副县长出差要报告谁" in rewrite_request and "那常务会呢" in rewrite_request
    assert follow.path == "llm" and follow.ranked[0]["article"] == 40


def test_eval_scores_the_llm_path(http_assistant, endpoint):
    """A scripted model that searches, then quotes the first sentence of the top article."""
    def model(body):
        messages = body["messages"]
        if messages[-1]["role"] == "user":
            return tool_call("search_regulation", {"query": messages[-1]["content"]})
        found = messages[-1]["content"]
        m = re.match(r"第([一二三四五六七八九十百]+)条[^：]*：([^。；;]+)", found)
        if not m:
            return text("本规则没有相关规定。")
        sentence = re.sub(r"^[一二三四五六七八九十百]+、", "", m.group(2))
        return text(f"依据第{m.group(1)}条：“{sentence}”。")

    endpoint.default = responder(model)
    items = [EvalItem("会签文件几天内回复", [48], True, []),
             EvalItem("人事任免文件谁签发", [50], True, ["县长"]),
             EvalItem("推荐个电影", [], False, [])]
    report = run_eval(http_assistant(), items)
    summary = report["summary"]
    assert summary["paths"].get("llm", 0) >= 2, json.dumps(report, ensure_ascii=False)[:2000]
    assert summary["recall_at_1"] == 1.0 and summary["refusal_rate"] == 1.0


def test_a_stopped_endpoint_answers_offline_at_once(http_assistant, endpoint):
    assistant = http_assistant()
    endpoint.stop()
    started = time.monotonic()
    answer = assistant.answer(PERSONNEL)
    assert answer.path == "offline-fallback" and time.monotonic() - started < 2.5


def test_an_answer_cut_off_at_the_token_limit_is_not_shown(http_assistant, endpoint):
    from llm_standin import truncated
    cut = truncated(GOOD + "另外，涉及")
    endpoint.script(tool_call("route_document", {"issuer": "县政府", "doc_kind": "人事任免"}), cut,
                    tool_call("route_document", {"issuer": "县政府", "doc_kind": "人事任免"}), cut)
    answer = http_assistant().answer(PERSONNEL, given={"asker": "示例·农业农村局局长"})
    assert answer.path.startswith("offline") and "另外，涉及" not in answer.answer
    assert len(endpoint.chat_requests) >= 2


def test_a_wrong_key_or_model_falls_back_to_the_offline_answer(llm_config, agent_engine, monkeypatch):
    strict = LLMStandIn(api_keys=["sk-right"])
    with strict:
        for key, model in (("sk-wrong", "qwen-plus"), ("sk-right", "no-such-model")):
            monkeypatch.setenv("TEST_LLM_KEY", key)
            llm_config.llm.base_url = strict.base_url
            llm_config.llm.model = model
            llm_config.llm.api_key_env = "TEST_LLM_KEY"
            answer = Assistant(llm_config, agent_engine, make_chat_model(llm_config.llm)).answer(PERSONNEL)
            assert answer.path.startswith("offline") and "县长" in answer.answer
