"""From the elements of a 公文 to the slots of `route_document`: who issues it and to
whom, which rule kind it is, the 会签 it needs, and what the document leaves open
(`missing`, asked with fixed options, never guessed).

The mapping is data (knowledge/gongwen/kinds.toml); this module only applies it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.documents.data import read_toml
from bot.documents.gongwen import Gongwen, squeeze
from bot.documents.units import (CONGRESS, DEPARTMENT, GOVERNMENT, ISSUER_KINDS, LEADER, OFFICE,
                                 OTHER_COUNTY, PARTY, TOWNSHIP, UNKNOWN, UPPER, UPPER_DEPARTMENT, Unit,
                                 UnitDirectory, direction)
from bot.procedures.roster import Roster
from bot.procedures.rules import DOC_KINDS, MEETINGS

_MAP_KEYS = {"issuer", "kind", "to", "series", "title_has", "text_has", "doc_kind", "question",
             "article", "phrase"}
_SENTENCE = re.compile(r"[^。；！？!?;]+[。；！？!?;]?")
# What a recipient is, for the `to` condition of a map.
_TO = {UPPER: "上级", UPPER_DEPARTMENT: "上级部门", PARTY: "县委", CONGRESS: "人大", GOVERNMENT: "县政府", OFFICE: "县政府",
       LEADER: "领导", DEPARTMENT: "部门", TOWNSHIP: "乡镇", OTHER_COUNTY: "外单位", UNKNOWN: "外单位"}


class KindsError(Exception):
    pass


@dataclass(frozen=True)
class KindMap:
    doc_kinds: tuple[str, ...]
    article: int
    issuer: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    series: tuple[str, ...] = ()
    title_has: tuple[str, ...] = ()
    text_has: tuple[str, ...] = ()
    question: str = ""
    phrase: str = ""          # verbatim in `article`: why this document is of this kind

    def matches(self, issuer: str, doc: Gongwen, to: set[str]) -> bool:
        return ((not self.issuer or issuer in self.issuer)
                and (not self.kind or doc.kind in self.kind)
                and (not self.to or bool(to & set(self.to)))
                and (not self.series or doc.number_code in self.series)
                and (not self.title_has or any(w in (doc.title or "") for w in self.title_has))
                and (not self.text_has or any(w in "".join(doc.body[:3]) for w in self.text_has)))


@dataclass
class KindTable:
    maps: list[KindMap]
    meetings: dict[str, list[str]]
    request_words: list[str]
    countersign_words: list[str]
    cites: list[tuple[int, str]] = field(default_factory=list)   # (article, phrase) of the word lists

    @classmethod
    def load(cls, path: Path) -> "KindTable":
        raw = read_toml(path, KindsError)
        maps = []
        for i, entry in enumerate(raw.get("map", []), start=1):
            unknown = set(entry) - _MAP_KEYS
            kinds = entry.get("doc_kind")
            kinds = tuple(kinds if isinstance(kinds, list) else [kinds] if kinds else [])
            if unknown or not kinds or "article" not in entry or not entry.get("phrase"):
                raise KindsError(f"{path}: [[map]] #{i}: unknown keys {sorted(unknown)}, "
                                 "or no doc_kind/article/phrase")
            bad = [k for k in kinds if k not in DOC_KINDS]
            if bad:
                raise KindsError(f"{path}: [[map]] #{i}: doc_kind {bad} is not a signing-rule kind")
            if len(kinds) > 1 and not entry.get("question"):
                raise KindsError(f"{path}: [[map]] #{i}: several doc_kinds need a question")

            def tup(key):
                v = entry.get(key)
                return () if v is None else tuple(v if isinstance(v, list) else [v])
            maps.append(KindMap(kinds, int(entry["article"]), tup("issuer"), tup("kind"), tup("to"),
                                tup("series"), tup("title_has"), tup("text_has"), entry.get("question", ""),
                                entry["phrase"]))
        meetings = raw.get("meetings", {})
        if set(meetings) - set(MEETINGS):
            raise KindsError(f"{path}: [meetings] has unknown meetings {sorted(set(meetings) - set(MEETINGS))}")
        cites = [(int(raw[k]["article"]), raw[k]["phrase"]) for k in ("request_words", "countersign_words")
                 if k in raw and "article" in raw[k] and "phrase" in raw[k]]
        return cls(maps, meetings, raw.get("request_words", {}).get("phrases", []),
                   raw.get("countersign_words", {}).get("phrases", []), cites)

    def doc_kind(self, issuer: str, doc: Gongwen, to: set[str]) -> KindMap | None:
        return next((m for m in self.maps if m.matches(issuer, doc, to)), None)


@dataclass
class Question:
    """A slot the document leaves open, asked with fixed options."""
    slot: str
    question: str
    options: list[str]
    values: list = field(default_factory=list)   # the slot's value for each option
    suggested: int | None = None                  # the option the document points to


@dataclass
class Countersign:
    departments: list[str]
    reasons: list[str]


@dataclass
class DocumentFacts:
    issuer: Unit | None
    co_issuers: list[Unit]
    recipients: list[Unit]
    recipient_groups: list[str]
    direction: str | None
    slots: dict                    # for route_document (without start_date)
    questions: list[Question]
    countersign: Countersign | None
    refusal: str | None = None     # why the rules cannot route this document at all
    notes: list[str] = field(default_factory=list)
    kind_article: int | None = None


def document_facts(doc: Gongwen, units: UnitDirectory, roster: Roster, table: KindTable,
                   *, issuer: str | None = None) -> DocumentFacts:
    """`issuer`: the kind of issuer the user chose for a unit the roster does not know."""
    issuers = [units.resolve(n) for n in (doc.issuers or doc.signature[:1])]
    groups = [r for r in doc.recipients if units.is_group(r)]
    recipients = [units.resolve(r) for r in doc.recipients if r not in groups]
    lead = issuers[0] if issuers else None
    facts = DocumentFacts(lead, issuers[1:], recipients, groups,
                          direction(lead, recipients, len(groups)), {}, [], None)
    refusal = _refusal(lead, units)
    if refusal:
        facts.refusal = refusal
        return facts
    issuer_kind = lead.kind if lead and lead.kind in ISSUER_KINDS else issuer
    if issuer_kind not in ISSUER_KINDS:
        issuer_kind = None
    if issuer_kind is None:
        name = lead.name if lead else "（没有找到）"
        facts.notes.append(f"发文机关“{name}”不在花名册中，请选择它属于哪一类。")
        facts.questions.append(Question("issuer", f"发文机关“{name}”是哪一类单位？",
                                        ["部门", "乡镇", "县政府", "县政府办公室"],
                                        ["部门", "乡镇", "县政府", "县政府办公室"]))
        return facts
    slots = facts.slots
    slots["issuer"] = issuer_kind
    to = {_TO[r.kind] for r in recipients} | ({"部门"} if groups else set())
    if issuer_kind in (DEPARTMENT, TOWNSHIP) and not to & {"县政府", "领导", "上级"}:
        if "上级部门" in to:
            facts.refusal = _to_upper_department(lead, doc)
            return facts
        # Not addressed to the county government: a department's own document. Without
        # any 主送, only a 请示/报告 is still taken as meant for the county government.
        if to or doc.kind not in ("请示", "报告"):
            facts.refusal = _not_to_county(lead, doc)
            facts.countersign = _consultation(lead, recipients + issuers[1:])
            return facts
    kmap = table.doc_kind(issuer_kind, doc, to)
    if kmap is None:
        facts.refusal = f"本规则没有关于“{issuer_kind}”制发“{doc.kind or '这类公文'}”的审签规定，请咨询县政府办公室。"
        return facts
    facts.kind_article = kmap.article
    if len(kmap.doc_kinds) == 1:
        slots["doc_kind"] = kmap.doc_kinds[0]
    else:
        facts.questions.append(Question("doc_kind", kmap.question, list(kmap.doc_kinds),
                                        list(kmap.doc_kinds)))
    if slots.get("doc_kind") == "会议纪要":
        _meeting(doc, table, roster, slots, facts)
    _checks(doc, issuer_kind, recipients, groups, table, slots)
    departments, reasons = _countersign(doc, lead, issuers[1:], units, table)
    if departments:
        slots["joint_departments"] = departments
        facts.countersign = Countersign(departments, reasons)
    if issuer_kind == DEPARTMENT and lead is not None and lead.department:
        area = roster.area_of_department(lead.department)
        if area and roster.deputy_for_area(area):
            slots["subject_area"] = area
    return facts


def _refusal(lead: Unit | None, units: UnitDirectory) -> str | None:
    if lead is None:
        return None
    if lead.kind == OTHER_COUNTY:
        return (f"这份公文的发文机关是“{lead.name}”，不是{units.county}的单位。本助手按{units.county}"
                f"的工作规则确定审签程序，外县的公文请按该县的规定办理；如果是发给本县的来文，请交县政府办公室按收文程序办理。")
    if lead.kind in (UPPER, UPPER_DEPARTMENT, PARTY, CONGRESS):
        return (f"这份公文由“{lead.name}”制发，是本县收到的来文，不由县政府签发。"
                "请交县政府办公室按收文程序登记、拟办。")
    return None


def _not_to_county(lead: Unit, doc: Gongwen) -> str:
    return (f"这份公文由“{lead.name}”发给{('、'.join(doc.recipients[:3]) or '其他单位')}，不是报送县政府的公文。"
            "本规则只规定了乡镇、部门报送县政府的公文由谁审批（第四十九条），"
            "本单位对外行文请按本单位的公文管理规定签发。")


def _to_upper_department(lead: Unit, doc: Gongwen) -> str:
    return (f"这份公文由“{lead.name}”报送{('、'.join(doc.recipients[:3]))}（上级主管部门），"
            "不是报送县政府的公文，不由县政府审批。本规则只规定了乡镇、部门报送县政府的公文由谁审批（第四十九条）；"
            "向上级主管部门行文请按本单位的公文管理规定签发。")


def _consultation(lead: Unit, recipients: list[Unit]) -> Countersign | None:
    """A department writing to other departments: 征求意见或会签 (第四十八条)."""
    others = [r.department or r.name for r in recipients
              if r.kind in (DEPARTMENT, TOWNSHIP) and r.name != lead.name]
    if not others:
        return None
    return Countersign(list(dict.fromkeys(others)), ["部门之间征求意见或会签文件（联合行文的各部门会签）"])


def _meeting(doc: Gongwen, table: KindTable, roster: Roster, slots: dict, facts: DocumentFacts) -> None:
    text = squeeze((doc.title or "") + (doc.issuer_mark or "") + "".join(doc.body[:3]))
    found = next((m for m, words in table.meetings.items() if any(w in text for w in words)), None)
    if found == "县长办公会议":
        body = "".join(doc.body[:6])
        chair = next((d.name for d in roster.deputies if d.name in body and "主持" in body), None)
        if chair is None and re.search(r"副县长[^。]{0,12}主持", body):
            facts.questions.append(Question(
                "meeting_chair", "纪要写明由副县长主持，是哪位副县长？",
                [d.name for d in roster.deputies], [d.name for d in roster.deputies]))
            found = "副县长主持的县长办公会议"
        elif chair:
            found = "副县长主持的县长办公会议"
            slots["meeting_chair"] = chair
    if found:
        slots["meeting"] = found
    else:
        facts.questions.append(Question("meeting", "这是哪种会议的纪要？", list(MEETINGS), list(MEETINGS)))


def _checks(doc: Gongwen, issuer: str, recipients: list[Unit], groups: list[str],
            table: KindTable, slots: dict) -> None:
    """The filing facts of 第四十七条, read off the document."""
    body = "".join(doc.body)
    if issuer not in (DEPARTMENT, TOWNSHIP):
        return
    if doc.kind == "报告" and any(w in body for w in table.request_words):
        slots["includes_request"] = True
    if doc.kind == "请示" and _matters(doc, table) > 1:
        slots["multiple_matters"] = True
    kinds = [r.kind for r in recipients]
    if UPPER in kinds:
        slots["bypasses_level"] = True
    if LEADER in kinds:
        slots["addressed_to_leader"] = True
    if doc.kind in ("请示", "报告") and len(recipients) + len(groups) > 1:
        slots["multiple_recipients"] = True


def _matters(doc: Gongwen, table: KindTable) -> int:
    """How many matters a 请示 asks for: numbered paragraphs that each ask, or a title
    that joins two requests ("关于…和…的请示" with a request verb on both sides)."""
    # A numbered paragraph that asks: a sentence, not a heading ("二、申请金额及用途").
    asks = [p for p in doc.body if re.match(r"^([一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十]+）|\d+[、.．])", p)
            and re.search(r"(申请|请求|恳请|拟请|请予|请批准)", p) and re.search(r"[。；;，,]", p)]
    title = squeeze(doc.title or "")
    joined = re.search(r"(申请|请求)[^和及与]{2,}(和|及|以及|与)(申请|请求)", title)
    return max(len(asks), 2 if joined else 1)


def _countersign(doc: Gongwen, lead: Unit | None, co_issuers: list[Unit], units: UnitDirectory,
                 table: KindTable) -> tuple[list[str], list[str]]:
    departments: list[str] = []
    reasons: list[str] = []
    for unit in co_issuers:
        name = unit.department or unit.name
        if name not in departments and (lead is None or unit.name != lead.name):
            departments.append(name)
            reasons.append(f"{name}：联合行文")
    if doc.kind == "请示":
        own = lead.department if lead else None
        for sentence in _SENTENCE.findall("".join(doc.body)):
            if not any(w in sentence for w in table.countersign_words):
                continue
            for dept in units.departments:
                names = [dept] + [a for a, d in units.aliases.items() if d == dept]
                if dept != own and dept not in departments and any(n in sentence for n in names):
                    departments.append(dept)
                    reasons.append(f"{dept}：正文提到需要其配合（“{sentence.strip()[:40]}”）")
    return departments, reasons


def area_question(title: str, body: list[str], roster: Roster, *, fallback: str | None = None) -> Question | None:
    """Which 分管 area the matter belongs to, with the one the title points to first (or
    else `fallback`, the sender's department's area)."""
    areas = list(dict.fromkeys(a for d in roster.deputies for a in d.portfolio))
    if not areas:
        return None
    text = squeeze(title) + "".join(body[:2])
    scored = sorted(((_overlap(a, squeeze(title)) * 2 + _overlap(a, text), -i, a)
                     for i, a in enumerate(areas)), reverse=True)
    best = scored[0][2] if scored and scored[0][0] >= 4 else None
    hint = "按标题看" if best else "按您所在单位看"
    best = best or (fallback if fallback in areas else None)
    options = ([best] if best else []) + [a for a in areas if a != best]
    labels = []
    for a in options:
        deputy = roster.deputy_for_area(a)
        labels.append(f"{a}（{deputy.name}）" if deputy else a)
    question = (f"{hint}，这份公文属于“{best}”分管领域，对吗？不对请选其他领域。" if best
                else "这份公文属于哪个分管领域？选一下就能确定由哪位副县长签发。")
    return Question("subject_area", question, labels, options, 0 if best else None)


def _overlap(area: str, text: str) -> int:
    """Length of the longest run of the area's characters found in the text (≥ 2)."""
    best = 0
    for i in range(len(area)):
        for j in range(i + 2, len(area) + 1):
            if area[i:j] in text:
                best = max(best, j - i)
    return best
