"""Read a free-text question into the slots of route_document or leave_chain.

Phrase tables live in knowledge/procedure_phrases.toml. When a slot the tool needs is
missing, the result carries a clarifying question with fixed options — never a guess.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bot.procedures.roster import Person, Roster

ROUTE = "route_document"
LEAVE = "leave"

ISSUER_OPTIONS = ["县政府", "县政府办公室", "部门", "乡镇"]
DOC_KIND_OPTIONS = ["人事任免", "西政文件", "决定", "命令", "规章", "议案", "上行文",
                    "会议纪要", "请示", "一般公文"]
MEETING_OPTIONS = ["常务会议", "县长办公会议", "副县长主持的县长办公会议"]
ROLE_OPTIONS = ["副县长", "办公室主任", "部门主要负责人", "乡镇主要负责人", "其他工作人员"]
KIND_OPTIONS = ["出差", "休假", "出访", "离县外出", "会议请假"]
_ROLE_CHOICES = {"其他工作人员": "工作人员"}  # a ROLE_OPTIONS button → the roster role
_MISS_MEETING = ("去不了", "参加不了", "不能参加", "不能出席", "来不了", "请假", "缺席")
_SELF_RE = re.compile(r"我是([^，,。.？?！!\s]{1,20})")


class PhraseError(Exception):
    """The phrase table is malformed."""


@dataclass
class Clarification:
    slot: str
    question: str
    options: list[str]


@dataclass
class ProcedureQuery:
    intent: str
    slots: dict = field(default_factory=dict)
    clarify: Clarification | None = None
    generic: bool = False      # leave asked about a role, not a known person


@dataclass
class Phrases:
    raw: dict

    @classmethod
    def load(cls, path: Path) -> "Phrases":
        try:
            return cls(tomllib.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise PhraseError(f"{path}: {exc}") from exc

    def table(self, *keys: str) -> dict:
        node = self.raw
        for key in keys:
            node = node.get(key, {})
        return node

    def first(self, text: str, *keys: str) -> str | None:
        for phrase, value in self.table(*keys).items():
            if phrase in text:
                return value
        return None


def understand(text: str, phrases: Phrases, roster: Roster, given: dict | None = None,
               force: str | None = None) -> ProcedureQuery | None:
    """The procedure question in `text` (already typo-corrected), or None if it is none.

    `given` holds slots already answered with buttons (issuer, doc_kind, meeting, kind,
    role), and `asker` — the roster name of whoever asks, used when they speak of
    themselves ("我下周出差找谁批"). `force` (ROUTE or LEAVE) skips intent detection.
    """
    given = given or {}
    route = phrases.table("route")
    about_document = any(d in text for d in route.get("documents", [])) \
        and not any(n in text for n in route.get("not_about", []))
    if force == ROUTE or (force is None and _asks(text, phrases, ROUTE) and about_document):
        return _route(text, phrases, roster, given)
    if force == LEAVE or (force is None and _asks(text, phrases, LEAVE)):
        return _leave(text, phrases, roster, given)
    return None


def _asks(text: str, phrases: Phrases, intent: str) -> bool:
    key = "route" if intent == ROUTE else "leave"
    return any(a in text for a in phrases.table(key).get("asks", []))


def _route(text: str, phrases: Phrases, roster: Roster, given: dict) -> ProcedureQuery:
    slots: dict = {}
    issuer = given.get("issuer") or phrases.first(text, "route", "issuer")
    doc_kind = given.get("doc_kind") or phrases.first(text, "route", "doc_kind")
    flags = [v for p, v in phrases.table("route", "flags").items() if p in text]
    for flag in flags:
        if flag.startswith("scope:"):
            slots["scope"] = flag.split(":", 1)[1]
        elif flag == "joint":
            slots["joint_departments"] = ["相关部门"]
        else:
            slots[flag] = True
    if "joint_departments" in slots and doc_kind in (None, "一般公文") and issuer is None:
        # "会签文件几天回复": a department's request countersigned by others (article 48).
        issuer, doc_kind = "部门", "请示"
    if doc_kind == "会议纪要":
        issuer = issuer or "县政府"
        slots["meeting"] = given.get("meeting") or phrases.first(text, "route", "meeting")
        if slots["meeting"] is None:
            return ProcedureQuery(ROUTE, slots, Clarification(
                "meeting", "这是哪个会议的纪要？", MEETING_OPTIONS))
    if doc_kind in {"人事任免", "规章", "命令", "决定", "西政文件", "议案"}:
        issuer = issuer or "县政府"  # only the county government issues these (article 50)
    area = given.get("subject_area") or next((a for a in _areas(roster) if a in text), None)
    if area is None and given.get("asker") and not _SELF_RE.search(text):
        # Identity first: the asker's department says whose 分管 area the draft falls in
        # (a 教育局局长 drafting a county document → 教育).
        asker = roster.by_name(given["asker"])
        area = roster.area_of_department(asker.department) if asker and asker.department else None
    if area:
        slots["subject_area"] = area
    if doc_kind is None and "scope" in slots:
        doc_kind = "一般公文"  # 综合性/全局性 is said of the general documents of article 51
    if doc_kind is None:
        return ProcedureQuery(ROUTE, slots, Clarification(
            "doc_kind", "请问是什么文件？", DOC_KIND_OPTIONS))
    if issuer is None:
        return ProcedureQuery(ROUTE, slots, Clarification(
            "issuer", "这个文件以谁的名义发，或由谁报送？", ISSUER_OPTIONS))
    slots.update(issuer=issuer, doc_kind=doc_kind)
    return ProcedureQuery(ROUTE, slots)


def _leave(text: str, phrases: Phrases, roster: Roster, given: dict) -> ProcedureQuery:
    slots: dict = {}
    meeting = phrases.first(text, "leave", "meeting")
    if meeting and any(m in text for m in _MISS_MEETING) and given.get("kind") in (None, "会议请假"):
        slots.update(kind="会议请假", meeting=meeting)
    else:
        kind = given.get("kind") or phrases.first(text, "leave", "kind")
        if kind is None and "请假" in text:
            kind = "离县外出"  # article 55 speaks of leaving the county
        if kind is None:
            return ProcedureQuery(LEAVE, slots, Clarification("kind", "请问是哪类请假？", KIND_OPTIONS))
        slots["kind"] = kind
    person, generic = _applicant(text, phrases, roster, given)
    if person is None:
        # The answer fills `given["role"]`, which _applicant reads: the question is not
        # asked again once answered.
        return ProcedureQuery(LEAVE, slots, Clarification(
            "role", "请问请假的是哪类人员？", ROLE_OPTIONS), generic=True)
    slots["applicant"] = person.name
    return ProcedureQuery(LEAVE, slots, generic=generic)


def _applicant(text: str, phrases: Phrases, roster: Roster,
               given: dict) -> tuple[Person | None, bool]:
    """The roster person asking ("我是农业农村局局长"), else any holder of the named role;
    a known asker speaking of themselves ("我…") when no role is named."""
    m = _SELF_RE.search(text)
    about = m.group(1) if m else text
    for person in roster.people:
        if person.name in about:
            return person, False
    role = _ROLE_CHOICES.get(given.get("role"), given.get("role")) \
        or phrases.first(about, "leave", "role")
    asker = roster.by_name(given["asker"]) if given.get("asker") else None
    if role is None and asker is not None and m is None:
        # Identity first: nobody else is named, so the asker's own roster entry answers
        # "请假要谁批" (asked only when the asker is not on the roster).
        return asker, False
    if role is None:
        return None, True
    holders = roster.by_role(role)
    if m:
        for person in holders:
            if person.department and _department_named(person.department, about):
                return person, False
    return (holders[0], True) if holders else (None, True)


def _department_named(department: str, text: str) -> bool:
    stem = re.sub(r"(委员会|局|委|办公室|镇|乡)$", "", department)
    return department in text or (len(stem) >= 2 and stem in text)


def _areas(roster: Roster) -> list[str]:
    areas = {a for p in roster.people for a in (p.portfolio or [])}
    return sorted(areas, key=len, reverse=True)
