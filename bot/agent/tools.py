"""The agent's tools: the same functions the offline engine uses, plus two that only
prepare drafts. Each call records its evidence (articles shown, roles decided), which
the verifier checks the model's answer against."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from bot.procedures import leave as leave_rules
from bot.procedures import routing
from bot.procedures.leave import LeaveChainArgs, LeaveError
from bot.procedures.routing import RouteDocumentArgs, RoutingError
from bot.procedures.rules import explain
from bot.retrieval.retrieve import retrieve
from ingest.numerals import to_numeral

SEARCH_K = 3


@dataclass
class Evidence:
    """What the tools showed the model during one answer."""
    articles: dict[int, str] = field(default_factory=dict)   # article no -> text
    roles: set[str] = field(default_factory=set)             # roles the rule tools decided
    signers: set[str] = field(default_factory=set)           # route_document's signer roles
    routed: bool = False                                     # a rule tool was used
    drafts: list[dict] = field(default_factory=list)         # prepared, never executed


class SearchArgs(BaseModel):
    query: str = Field(description="The question or key words, in Chinese")


class ArticleArgs(BaseModel):
    number: int = Field(description="Article number, e.g. 50 for 第五十条")


class LeaveDraftArgs(BaseModel):
    kind: str = Field(description="出差, 休假, 出访, 离县外出 or 会议请假")
    start: date = Field(description="First day away (YYYY-MM-DD)")
    end: date = Field(description="Last day away (YYYY-MM-DD)")
    destination: str = Field("", description="Where to (may be empty)")
    reason: str = Field(description="Why")


class ReminderDraftArgs(BaseModel):
    request: str = Field(description="Time expression and content as the user said it, "
                                     "e.g. 明天上午9点 交材料")


def make_agent_tools(engine, evidence: Evidence, *, asker: str | None, now) -> list[StructuredTool]:
    index, frontdesk = engine.index, engine.frontdesk
    doc = index.documents[index.default_doc_id]

    def remember(article_no: int) -> str | None:
        art = doc.article(article_no)
        if art is None:
            return None
        evidence.articles[art.no] = art.text
        return art.text

    def show(article_no: int) -> str:
        art = doc.article(article_no)
        chapter = f"（{art.chapter_heading}）" if art.chapter_heading else ""
        return f"第{to_numeral(art.no)}条{chapter}：{remember(art.no)}"

    def search_regulation(query: str) -> str:
        found = retrieve(index, query, engine.cfg.retrieval, doc_id=doc.doc_id)
        if not found.covered:
            return "没有找到相关条文：本规则可能没有规定这个问题。"
        return "\n\n".join(show(h.article_no) for h in found.result.hits[:SEARCH_K])

    def get_article(number: int) -> str:
        if doc.article(number) is None:
            return f"本规则没有第{to_numeral(number)}条。"
        return show(number)

    def decided(result) -> str:
        evidence.routed = True
        for step in result.steps:
            evidence.roles |= {r for r in (step.role, step.to_role) if r}
        for cite in result.cites:
            remember(cite.article)
        return json.dumps(result.model_dump(mode="json"), ensure_ascii=False)

    def route_document(**slots) -> str:
        try:
            result = routing.route_document(frontdesk.rules, frontdesk.roster, frontdesk.calendar, **slots)
        except RoutingError as exc:
            return str(exc)
        if result.signer_role:
            evidence.signers.add(result.signer_role)
            evidence.roles.add(result.signer_role)
        evidence.roles |= {a.role for a in result.alternatives}
        return decided(result)

    def leave_chain(**slots) -> str:
        try:
            return decided(leave_rules.leave_chain(frontdesk.rules, frontdesk.roster, **slots))
        except LeaveError as exc:
            return str(exc)

    def file_leave_request(kind: str, start: date, end: date, reason: str,
                           destination: str = "") -> str:
        if asker is None:
            return "无法确认申请人身份，不能生成请假草稿。"
        evidence.drafts.append({"type": "leave", "kind": kind, "start": start.isoformat(),
                                "end": end.isoformat(), "destination": destination, "reason": reason})
        return "已生成请假申请草稿，用户核对审批流程并点击“提交”后才会提交；请告诉用户核对。"

    def create_reminder(request: str) -> str:
        from bot.reminders.when import WhenError, parse_reminder

        try:
            schedule, text = parse_reminder(request, now())
        except WhenError as exc:
            return exc.message
        evidence.drafts.append({"type": "reminder", "schedule": schedule.to_dict(), "text": text})
        return f"已生成提醒草稿：{schedule.describe()}，内容：{text}。用户点击“确认”后才会设置。"

    def tool(fn, description, schema, labels=None):
        return StructuredTool.from_function(
            fn, name=fn.__name__, description=description, args_schema=schema,
            handle_tool_error=True,
            handle_validation_error=(lambda e: explain(e, labels)) if labels else True)

    return [
        tool(search_regulation, "Search the regulation (hybrid BM25 + dense); returns the best "
             "articles verbatim, or says nothing relevant was found.", SearchArgs),
        tool(get_article, "One article verbatim by number.", ArticleArgs),
        tool(route_document, "Who signs/approves a document, with steps, deadlines and the "
             "articles behind them (deterministic rules).", RouteDocumentArgs, routing.LABELS),
        tool(leave_chain, "Whom a roster person applies or reports to for leave, who "
             "approves, who acts meanwhile (deterministic rules).", LeaveChainArgs, leave_rules.LABELS),
        tool(file_leave_request, "Prepare (never submit) a leave request for the person asking; "
             "they confirm it with a button.", LeaveDraftArgs),
        tool(create_reminder, "Prepare (never save) a reminder in this chat; the user confirms "
             "it with a button.", ReminderDraftArgs),
    ]
