"""Route a 公文 someone sent: read it, extract its elements, check them, and run the
signing rules — the use case behind the chat's file intake, `/file` and `route-file`.

`DocumentKit.from_config` loads the data once; `analyze_upload` reads a file (bytes);
`analyze_lines` works from text already extracted (a press that answers a question
re-runs it with the answer, so only the extracted text is kept, never the file).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.answer import Citation
from bot.documents.checks import CheckSpec, Context, load_checks, run_checks
from bot.documents.facts import (DocumentFacts, KindTable, Question, area_question, document_facts)
from bot.documents.form import FormTemplate
from bot.documents.gongwen import Gongwen, parse_gongwen
from bot.documents.intake import Extracted, Limits, read_upload
from bot.documents.ocr import OcrEngine
from bot.documents.units import GOVERNMENT, UnitDirectory
from bot.procedures.frontdesk import citations_for
from bot.procedures.routing import RoutingError, RoutingResult, route_document

log = logging.getLogger(__name__)

# Questions are asked in this order, one at a time.
SLOT_ORDER = ("issuer", "doc_kind", "meeting", "meeting_chair", "scope", "subject_area")
SCOPE_QUESTION = Question(
    "scope", "这份县政府公文的事项属于哪类？（综合性、全局性事项报县长或负责常务工作的副县长签发，第五十一条）",
    ["一般事项（按分工由副县长签发）", "综合性事项", "全局性事项"], ["一般", "综合性", "全局性"])


@dataclass(frozen=True)
class Warning:
    text: str
    source: str
    id: str = ""       # the format check or rule that found it; "roster" for roster gaps


@dataclass
class DocumentKit:
    """The data a document analysis needs, loaded once."""
    units: UnitDirectory
    kinds: KindTable
    checks: list[CheckSpec]
    template: FormTemplate
    limits: Limits
    ocr: OcrEngine

    @classmethod
    def from_config(cls, cfg, roster) -> "DocumentKit":
        d = Path(cfg.documents.dir)
        return cls(UnitDirectory.load(d / "units.toml", roster), KindTable.load(d / "kinds.toml"),
                   load_checks(d / "format_checks.toml"), FormTemplate.load(d / "fawen_gaozhi.toml"),
                   Limits.from_config(cfg.documents), OcrEngine.from_config(cfg.documents))


@dataclass
class Source:
    """What is kept of a file: its name, how it was read, and its text."""
    filename: str
    kind: str
    lines: list[str]
    ocr: bool = False
    pages: int = 1
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"filename": self.filename, "kind": self.kind, "lines": self.lines, "ocr": self.ocr,
                "pages": self.pages, "notes": self.notes}

    @classmethod
    def from_dict(cls, d: dict) -> "Source":
        return cls(d["filename"], d["kind"], list(d["lines"]), bool(d.get("ocr")), int(d.get("pages", 1)),
                   list(d.get("notes", [])))

    @classmethod
    def of(cls, filename: str, extracted: Extracted) -> "Source":
        return cls(filename, extracted.kind, extracted.lines, extracted.ocr, extracted.pages,
                   list(extracted.notes))


@dataclass
class DocumentReport:
    source: Source
    doc: Gongwen
    facts: DocumentFacts
    routing: RoutingResult | None
    error: str | None                       # the rules cannot route it (a Chinese sentence)
    warnings: list[Warning]
    citations: list[Citation]
    questions: list[Question]               # still open, in the order they will be asked
    answers: dict
    asker_department: str | None = None      # who sent it: the 拟稿单位 of a 县政府 document

    @property
    def done(self) -> bool:
        return not self.questions

    @property
    def countersign_deadline(self):
        if self.routing is not None:
            return next((d for d in self.routing.deadlines if d.due_date), None)
        return None

    def to_json(self) -> dict:
        """The shape `route-file --json` prints (README "Documents")."""
        d, r, f = self.doc, self.routing, self.facts
        issuer = f.issuer.name if f.issuer else None
        deadline = self.countersign_deadline
        countersign = None
        if f.countersign is not None:
            countersign = {"departments": f.countersign.departments,
                           "reasons": f.countersign.reasons,
                           "deadline": deadline.due_date.isoformat() if deadline and deadline.due_date else None,
                           "workdays": deadline.workdays if deadline else 3}
        return {
            "document": {
                "issuer": issuer, "issuer_kind": f.slots.get("issuer") or (f.issuer.kind if f.issuer else None),
                "issuer_mark": d.issuer_mark, "issuers": d.issuers, "number": d.number,
                "kind": d.kind, "title": d.title, "recipients": d.recipients, "cc": d.cc,
                "date": d.date, "secrecy": d.secrecy, "urgency": d.urgency,
                "signer_field": d.signers, "copy_number": d.copy_number,
                "attachments": d.attachments, "signature": d.signature, "note": d.note,
                "printer": d.printer, "print_date": d.print_date, "direction": f.direction,
                "source": {"kind": self.source.kind, "ocr": self.source.ocr, "pages": self.source.pages},
            },
            "signer": ({"role": r.signer_role, "name": r.signer, "action": r.sign_action}
                       if r is not None and r.signer_role else None),
            "steps": [{"order": s.order, "action": s.action, "label": s.label, "role": s.role,
                       "person": s.person, "note": s.note} for s in (r.steps if r else [])],
            "countersign": countersign,
            "warnings": [{"text": w.text, "source": w.source, "id": w.id} for w in self.warnings],
            "citations": [{"doc_title": c.doc_title, "article": c.label, "quote": c.quote}
                          for c in self.citations],
            "missing": [q.slot for q in self.questions],
            "rule_ids": r.rule_ids if r else [],
            "error": self.error,
        }


def analyze_upload(data: bytes, filename: str, kit: DocumentKit, frontdesk, index, *,
                   asker=None, answers: dict | None = None) -> DocumentReport:
    """Raises IntakeError (Chinese message) for a file that cannot be read."""
    extracted = read_upload(data, filename, kit.limits, kit.ocr)
    return analyze_lines(Source.of(filename, extracted), kit, frontdesk, index, asker=asker,
                         answers=answers)


def analyze_lines(source: Source, kit: DocumentKit, frontdesk, index, *, asker=None,
                  answers: dict | None = None) -> DocumentReport:
    """`asker`: the roster Person who sent it; their department's 分管 area is offered
    when the title points to none."""
    answers = dict(answers or {})
    roster = frontdesk.roster
    doc = parse_gongwen(source.lines)
    facts = document_facts(doc, kit.units, roster, kit.kinds, issuer=answers.get("issuer"))
    slots = facts.slots
    questions = list(facts.questions)
    if slots.get("issuer") == GOVERNMENT and slots.get("doc_kind") == "一般公文" and "scope" not in answers:
        questions.append(SCOPE_QUESTION)
    for slot, value in answers.items():
        if slot != "issuer":
            slots[slot] = value
    questions = [q for q in questions if q.slot not in answers]
    warnings = [Warning(f.text, f.source, f.id)
                for f in run_checks(kit.checks, Context(doc, source.ocr, facts.direction))]
    warnings += [Warning(n, "花名册", "roster") for n in facts.notes]
    routing, error, citations = None, facts.refusal, []
    if error is None and not any(q.slot in ("issuer", "doc_kind", "meeting") for q in questions):
        try:
            start = frontdesk.calendar.today() if frontdesk.calendar and slots.get("joint_departments") else None
            routing = route_document(frontdesk.rules, roster, frontdesk.calendar, start_date=start, **slots)
        except RoutingError as exc:
            error = str(exc)
        if routing is not None:
            chair_pending = any(q.slot == "meeting_chair" for q in questions)
            if _needs_area(routing) and "subject_area" not in answers and not chair_pending:
                own = roster.area_of_department(asker.department) if asker is not None else None
                q = area_question(doc.title or "", doc.body, roster, fallback=own)
                if q is not None:
                    questions.append(q)
            warnings += _rule_warnings(routing, frontdesk, index)
            citations = citations_for(index, routing.cites)
    questions.sort(key=lambda q: SLOT_ORDER.index(q.slot))
    if any(q.slot == "subject_area" for q in questions):
        # Being asked: the routing's "没有说明公文所属的分管领域" says nothing more.
        warnings = [w for w in warnings if not (w.id == "roster" and "分管领域" in w.text)]
    if facts.countersign is not None and routing is None and error is not None:
        citations = citations_for(index, _consult_cites(frontdesk))
    department = getattr(asker, "department", None) if asker is not None else None
    return DocumentReport(source, doc, facts, routing, error, warnings, citations, questions, answers,
                          department)


def _needs_area(r: RoutingResult) -> bool:
    roles = [(r.signer_role, r.signer)] + [(s.role, s.person) for s in r.steps]
    roles += [(a.role, a.person) for a in r.alternatives]
    return any(role in ("分管副县长", "办公室分管副主任") and person is None for role, person in roles)


def _rule_warnings(r: RoutingResult, frontdesk, index) -> list[Warning]:
    """The routing's warnings, each with where it comes from: a filing check's article,
    or the roster."""
    doc = index.documents[index.default_doc_id]
    by_text: dict[str, tuple[str, str]] = {}
    for rule_id in r.rule_ids:
        rule = frontdesk.rules.get(rule_id)
        if rule is None:
            continue
        art = doc.article(rule.cites[0].article)
        source = f"《{doc.title}》{art.label}" if art else f"《{doc.title}》"
        for w in rule.then.warnings:
            by_text[w] = (source, rule_id)
    out = []
    for w in r.warnings:
        source, rule_id = by_text.get(w, ("花名册", "roster") if "花名册" in w or "分管" in w
                                      else ("审签规则", "routing"))
        out.append(Warning(w, source, rule_id))
    return out


def _consult_cites(frontdesk):
    rule = frontdesk.rules.get("extra.countersign")
    return [c for c in rule.cites if c.article == 48] if rule else []
