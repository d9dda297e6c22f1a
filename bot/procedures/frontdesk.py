"""Procedure questions in chat: understand the text, run the deterministic tool, and
write the answer with citations — or ask a clarifying question with fixed options."""
from __future__ import annotations

import logging
import unicodedata

from bot.answer import Answer, Citation
from bot.config import Config
from bot.procedures.leave import LeaveChainResult, LeaveError, leave_chain
from bot.procedures.roster import Roster
from bot.procedures.routing import RoutingError, RoutingResult, route_document
from bot.procedures.rules import Cite, RuleSet, load_rules
from bot.question_types import asked, load_question_types
from bot.procedures.understand import ROUTE, Clarification, Phrases, ProcedureQuery, understand
from bot.retrieval.index import KnowledgeIndex

log = logging.getLogger(__name__)


class FrontDesk:
    def __init__(self, rules: RuleSet, roster: Roster, phrases: Phrases, calendar=None,
                 question_types=()):
        self.rules = rules
        self.roster = roster
        self.phrases = phrases
        self.calendar = calendar
        self.question_types = question_types  # a "几天内" question gets the deadline first

    @classmethod
    def from_config(cls, cfg: Config, clock=None) -> "FrontDesk":
        """`clock` (an aware-datetime callable) fixes "today" for deadlines (tests)."""
        from zoneinfo import ZoneInfo

        from bot.procedures.calendar import WorkCalendar

        zone = ZoneInfo(cfg.calendar.timezone)
        today = (lambda: clock().astimezone(zone).date()) if clock else None
        roster = Roster.load(cfg.roster.path)
        for warning in roster.warnings:
            log.warning("roster: %s", warning)
        return cls(load_rules(cfg.knowledge.rules), roster, Phrases.load(cfg.knowledge.procedure_phrases),
                   WorkCalendar.load(cfg.calendar.holidays_dir, timezone=cfg.calendar.timezone,
                                     today=today),
                   load_question_types(cfg.knowledge.question_types))

    def answer(self, text: str, index: KnowledgeIndex, given: dict | None = None,
               force: str | None = None) -> Answer | None:
        """An answer when `text` is a signing or leave question, else None.

        `given` and `force` as in understand(): slots chosen with buttons, the asker,
        and a forced intent (the /sign command)."""
        query = understand(index.lexicon.normalize(text), self.phrases, self.roster,
                           given=given, force=force)
        if query is None:
            return None
        if query.clarify:
            return _clarify(query)
        try:
            if query.intent == ROUTE:
                start = self.calendar.today() if self.calendar and "joint_departments" in query.slots else None
                result = route_document(self.rules, self.roster, self.calendar,
                                        start_date=start, **query.slots)
                body = route_text(result, deadline_first=self._asks_time(text))
            else:
                result = leave_chain(self.rules, self.roster, **query.slots)
                body = _leave_text(result, named=not query.generic)
        except (RoutingError, LeaveError) as exc:
            return Answer(query.intent, str(exc), False)
        citations = citations_for(index, _by_relevance(index, text, result.cites))
        if citations:
            body += "\n\n依据：\n" + "\n".join(f"· {c.label}：“{c.quote}”" for c in citations)
            body += "\n出处：《" + citations[0].doc_title + "》" + "、".join(
                dict.fromkeys(c.label for c in citations))
        ranked = [{"doc_id": c.doc_id, "doc_title": c.doc_title, "article": c.article, "score": 1.0}
                  for c in citations]
        deadlines = [d for d in getattr(result, "deadlines", []) if d.due_date]
        answer = Answer(query.intent, body, True, citations=citations, ranked=ranked,
                        deadlines=deadlines)
        answer.refine = self._area_question(query, result)
        return answer

    def _asks_time(self, text: str) -> bool:
        return any(t.name == "duration" for t in asked(self.question_types, text))

    def _area_question(self, query, result) -> Clarification | None:
        """The rules name the 分管副县长 but not who: which area would tell."""
        if query.intent != ROUTE or query.slots.get("subject_area"):
            return None
        roles = [result.signer_role] + [s.role for s in result.steps]
        unnamed = (result.signer_role == "分管副县长" and not result.signer) or any(
            s.role == "分管副县长" and not s.person for s in result.steps)
        areas = sorted({a for p in self.roster.people if p.is_deputy for a in (p.portfolio or [])})
        if "分管副县长" not in roles or not unnamed or not areas:
            return None
        return Clarification("subject_area", "这份文件属于哪个分管领域？选一下就能确定具体由哪位副县长签发。",
                             areas)


def who_text(role: str | None, person: str | None, named: bool = True) -> str:
    if not role:
        return person or ""
    return f"{role}（{person}）" if person and named and person != role else role


WEEKDAYS = "一二三四五六日"


def due_text(d) -> str:
    """"最迟 2026-12-07（周一）当天", counted from today: the n-th working day itself is
    still in time ("3个工作日内" includes the third)."""
    if not d.due_date:
        return ""
    return f"，最迟 {d.due_date.isoformat()}（周{WEEKDAYS[d.due_date.weekday()]}）当天（从今天起算）"


def route_text(r: RoutingResult, deadline_first: bool = False) -> str:
    verb = "审批" if r.sign_action == "approve" else "签发"
    lines = []
    if deadline_first and r.deadlines:
        # Asked how long: the time limit is the answer, the chain comes after it.
        for d in r.deadlines:
            lines.append(f"{d.workdays}个工作日内回复{due_text(d)}。{d.note}".rstrip())
            if d.notice:
                lines.append(d.notice)
    if r.signer_role:
        lines.append(f"{verb}：{who_text(r.signer_role, r.signer)}")
        for alt in r.alternatives:
            lines.append(f"或：{who_text(alt.role, alt.person)}")
    else:
        lines.append("本规则没有规定由谁签发。")
    if r.steps:
        lines.append("流程：")
        lines += [f"{s.order}. {step_text(s)}" for s in r.steps]
    if r.standing_meeting_required:
        lines.append("须提交县政府常务会议讨论决定。")
    for d in r.deadlines if not deadline_first else ():
        lines.append(f"时限：{d.workdays}个工作日内{due_text(d)}。{d.note}".rstrip())
        if d.notice:
            lines.append(d.notice)
    lines += [f"注意：{w}" for w in r.warnings]
    lines += [f"说明：{n}" for n in r.notes]
    return "\n".join(lines)


def _leave_text(r: LeaveChainResult, named: bool) -> str:
    who = who_text(r.applicant_role, r.applicant, named)
    if not r.covered:
        lines = [f"{who}{r.kind}："] + [f"注意：{w}" for w in r.warnings]
        return "\n".join(lines + [f"说明：{n}" for n in r.notes])
    lines = [f"{who}{r.kind}的流程："]
    lines += [f"{s.order}. {step_text(s, named)}" for s in r.steps]
    if r.acting:
        lines.append(f"期间由{who_text(r.acting_role, r.acting, named)}代行职责。")
    lines += [f"注意：{w}" for w in r.warnings]
    lines += [f"说明：{n}" for n in r.notes]
    return "\n".join(lines)


def step_text(s, named: bool = True) -> str:
    text = f"{who_text(s.role, s.person, named)} {s.label}"
    if s.to_role:
        text += f" → {who_text(s.to_role, s.to_person, named)}"
    return text + (f"（{s.note}）" if s.note else "")


def _clarify(query: ProcedureQuery) -> Answer:
    c = query.clarify
    what = "由谁签发" if query.intent == ROUTE else "请假找谁批"
    options = "\n".join(f"{i}. {o}" for i, o in enumerate(c.options, start=1))
    text = f"要确定{what}，还需要知道：{c.question}\n{options}\n请把选项加进问题里再问一次。"
    return Answer(query.intent, text, False, clarify=c)


def _by_relevance(index: KnowledgeIndex, text: str, cites: list[Cite]) -> list[Cite]:
    """The cited phrase that shares the most informative words with the question first:
    a 会签 question cites article 48 before the approval rule of article 49."""
    lex = index.lexicon
    norm = lex.normalize(text)
    words = set(lex.terms(norm)) | {t for g in lex.expansion_groups(norm) for w in g for t in lex.terms(w)}
    return sorted(cites, key=lambda c: -sum(index.idf(w) for w in words & set(lex.terms(c.phrase))))


def citations_for(index: KnowledgeIndex, cites: list[Cite]) -> list[Citation]:
    """Citations for the rule's phrases, each checked against the indexed article text."""
    doc = index.documents[index.default_doc_id]
    out: list[Citation] = []
    seen = set()
    for cite in cites:
        art = doc.article(cite.article)
        key = (cite.article, cite.phrase)
        if key in seen:
            continue
        seen.add(key)
        if art is None or unicodedata.normalize("NFKC", cite.phrase) not in \
                unicodedata.normalize("NFKC", art.text):
            log.error("rule cites a phrase that is not in article %s: %s", cite.article, cite.phrase)
            continue
        quote = cite.phrase if cite.phrase in art.text else _verbatim(art.text, cite.phrase)
        out.append(Citation(doc_id=doc.doc_id, doc_title=doc.title, article=art.no,
                            chapter=art.chapter_heading, quote=quote, label=art.label))
    return out


def _verbatim(text: str, phrase: str) -> str:
    """The article's own characters for a phrase matched after width normalisation."""
    norm = unicodedata.normalize("NFKC", text)
    start = norm.index(unicodedata.normalize("NFKC", phrase))
    return text[start:start + len(phrase)]
