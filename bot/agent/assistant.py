"""Answers through the language model when it is configured and healthy, the offline
engine otherwise — same interface as bot.engine.Engine.answer, so chat, `ask` and `eval`
use either path unchanged.

One question:
1. The offline engine answers first (tens of milliseconds). Its answer is final for input
   problems, greetings, article look-ups and missing-slot questions (buttons do better),
   and it is the fallback for everything else.
2. A follow-up ("那办公室主任呢？") is rewritten into a standalone question from the
   chat's last turns; retrieval, the ranking `eval` scores and the agent all use it.
3. The agent (langchain `create_agent`) answers with tools; `verify` checks it. A failed
   check gets one regeneration with the problems stated, then the offline answer.
4. A slow, failing or garbled endpoint gives the offline answer within
   `timeout_seconds`, with a short note; the circuit breaker then rests the endpoint.
"""
from __future__ import annotations

import concurrent.futures as cf
import logging
import time
from datetime import datetime, timezone

from langchain_core.messages import AIMessage, HumanMessage

from bot.agent.breaker import CircuitBreaker
from bot.agent.memory import ChatMemory
from bot.agent.prompts import AgentPrompts
from bot.agent.tools import Evidence, make_agent_tools
from bot.agent.verify import verify
from bot.answer import Answer, citation_for
from bot.config import Config
from bot.replies import load_replies
from ingest.model import ARTICLE

log = logging.getLogger(__name__)

FINAL_INTENTS = {"empty", "too_long", "unreadable", "greeting", "small_talk", "article"}
# Threads for model calls; a timed-out call finishes in the background (bounded by the
# per-request timeout) while the user already has the offline answer.
_POOL = cf.ThreadPoolExecutor(max_workers=8, thread_name_prefix="llm")


class AgentFailed(Exception):
    pass


class Assistant:
    def __init__(self, cfg: Config, engine, model=None, *, clock=None):
        self.cfg = cfg
        self.engine = engine
        self.llm = cfg.llm
        self.model = model
        self.prompts = AgentPrompts.load(cfg.prompts.dir) if model is not None else None
        self.reply = load_replies(cfg.prompts.dir)
        self.memory = ChatMemory(cfg.llm.memory_turns)
        self.breaker = CircuitBreaker(cfg.llm.breaker_failures, cfg.llm.breaker_cooldown_seconds)
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    @classmethod
    def from_config(cls, cfg: Config, engine, clock=None) -> "Assistant":
        model = None
        if cfg.llm.enabled:
            from bot.agent.model import make_chat_model

            model = make_chat_model(cfg.llm)
        return cls(cfg, engine, model, clock=clock)

    @property
    def index(self):
        return self.engine.index

    @property
    def frontdesk(self):
        return self.engine.frontdesk

    @property
    def enabled(self) -> bool:
        return self.model is not None

    # -- the one entry point ---------------------------------------------------------------
    def answer(self, text: str | None, given: dict | None = None, clarify_first: bool = False,
               chat_key=None) -> Answer:
        offline = self.engine.answer(text, given=given, clarify_first=clarify_first)
        if not self.enabled or offline.intent in FINAL_INTENTS or offline.clarify is not None:
            self.memory.add(chat_key, text or "", offline.answer)
            return offline
        deadline = time.monotonic() + self.llm.timeout_seconds
        question = text.strip()
        history = self.memory.history(chat_key)
        if history and self.breaker.allow():
            question = self._rewrite(question, history, deadline)
            if question != text.strip():
                offline = self.engine.answer(question, given=given, clarify_first=clarify_first)
                if offline.clarify is not None:
                    return offline
        answer = self._agent_answer(question, offline, given, deadline)
        self.memory.add(chat_key, text or "", answer.answer)
        return answer

    # -- steps -----------------------------------------------------------------------------
    def _rewrite(self, question: str, history, deadline: float) -> str:
        lines = "\n".join(f"用户：{q}\n助手：{a}" for q, a in history)
        prompt = self.prompts.rewrite.format(history=lines, question=question)
        try:
            reply = self._within(deadline, lambda: self.model.invoke([HumanMessage(prompt)]))
        except Exception as exc:
            log.warning("query rewriting failed (%s); using the question as asked", _short(exc))
            self.breaker.failure()
            return question
        rewritten = _text(reply).strip().splitlines()[0].strip() if _text(reply).strip() else ""
        if not rewritten or len(rewritten) > self.cfg.answer.max_question_chars:
            return question
        log.info("rewrote %r as %r", question, rewritten)
        return rewritten

    def _agent_answer(self, question: str, offline: Answer, given, deadline: float) -> Answer:
        if not self.breaker.allow():
            return self._fallback(offline, "llm_unavailable", "offline-breaker")
        asker = (given or {}).get("asker")
        existing = {a.no for a in self._doc().articles if a.kind == ARTICLE}
        problems: list[str] = []
        for attempt in (1, 2):
            evidence = Evidence()
            try:
                text = self._within(deadline, lambda: self._run(question, asker, evidence, problems))
            except Exception as exc:
                log.warning("LLM answer failed (%s): offline answer given", _short(exc))
                self.breaker.failure()
                return self._fallback(offline, "llm_unavailable", "offline-fallback")
            self.breaker.success()
            problems = verify(text, evidence, existing, self._system(asker))
            if not problems:
                path = "llm" if attempt == 1 else "llm-regenerated"
                log.info("LLM answer verified (%s, prompts %s)", path, self.prompts.version)
                return self._grounded(text, evidence, offline, path)
            log.warning("LLM answer failed verification (attempt %d): %s", attempt, "；".join(problems))
        return self._fallback(offline, "llm_unverified", "offline-unverified")

    def _run(self, question: str, asker: str | None, evidence: Evidence, problems: list[str]) -> str:
        from langchain.agents import create_agent

        tools = make_agent_tools(self.engine, evidence, asker=asker, now=self._clock)
        agent = create_agent(self.model, tools, system_prompt=self._system(asker))
        messages = [HumanMessage(question)]
        if problems:
            messages.append(HumanMessage(self.prompts.retry.format(
                problems="\n".join(f"- {p}" for p in problems))))
        state = agent.invoke({"messages": messages},
                             config={"recursion_limit": 2 * self.llm.max_tool_rounds + 2})
        final = state["messages"][-1]
        if not isinstance(final, AIMessage) or getattr(final, "invalid_tool_calls", None):
            raise AgentFailed("the model ended without a usable answer")
        if (final.response_metadata or {}).get("finish_reason") == "length":
            # Cut off at the token limit: a half sentence may still quote correctly.
            raise AgentFailed("the model's answer was truncated")
        return _text(final).strip()

    def _system(self, asker: str | None) -> str:
        return self.prompts.system.format(doc_title=self._doc().title,
                                          office=self.cfg.answer.office, asker=asker or "未知")

    def _within(self, deadline: float, fn):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no time left")
        try:
            return _POOL.submit(fn).result(timeout=remaining)
        except cf.TimeoutError:
            raise TimeoutError(f"no answer within {self.llm.timeout_seconds:.0f} s") from None

    # -- results ---------------------------------------------------------------------------
    def _grounded(self, text: str, evidence: Evidence, offline: Answer, path: str) -> Answer:
        from bot.agent.verify import cited_articles

        doc = self._doc()
        citations = [citation_for(doc, doc.article(n)) for n in cited_articles(text)
                     if doc.article(n) is not None]
        if citations:
            text += "\n\n" + self.reply("llm_sources", citations="；".join(
                c.text(self.reply) for c in citations))
        covered = bool(citations)
        answer = Answer(offline.intent if offline.intent != "qa" or covered else "qa", text, covered,
                        citations=citations, ranked=offline.ranked, path=path)
        answer.drafts = list(evidence.drafts)
        return answer

    def _fallback(self, offline: Answer, note: str, path: str) -> Answer:
        offline.answer = self.reply(note) + "\n" + offline.answer
        offline.path = path
        return offline

    def _doc(self):
        return self.index.documents[self.index.default_doc_id]


def _text(message) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content or "")


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"
