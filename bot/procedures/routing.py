"""Route a document: who drafts, countersigns, reviews, discusses and signs it.

`route_document(rules, roster, calendar=None, **slots)` validates the slots against
RouteDocumentArgs, applies the "signing" rules and resolves every role to a roster person.
Invalid or contradictory slots raise RoutingError (a ValueError) whose message is Chinese
and says what to change; the function never returns a half-answer for them. Roster gaps
(an unfilled role, an area no deputy covers) are not errors: the person stays None and a
Chinese warning says why.
"""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError

from bot.procedures.roster import BODIES, Person, Roster
from bot.procedures.rules import (ACTIONS, DOC_KIND_ISSUERS, DOC_KINDS, ISSUERS, MEETINGS,
                                  SCOPES, Cite, RuleSet, Step, StepSpec, choice, explain)

_CHECKS = ("multiple_matters", "includes_request", "bypasses_level", "multiple_recipients",
           "addressed_to_leader")
LABELS = {
    "issuer": "发文机关", "doc_kind": "公文种类", "subject_area": "分管领域", "scope": "事项范围",
    "important": "重要公文", "escalate": "需报上一级签发", "meeting": "会议",
    "meeting_chair": "主持会议的副县长", "joint_departments": "会签部门", "joint": "会签部门",
    "disagreement": "部门之间有分歧", "reply_workdays": "会签回复时限",
    "to_party_committee": "提请县委常委会审议", "multiple_matters": "一文多事",
    "includes_request": "报告夹带请示事项", "bypasses_level": "越级行文",
    "multiple_recipients": "多头报文", "addressed_to_leader": "直接报送领导个人",
    "start_date": "起算日期",
}
# Issuer/kind pairs that people often mix up, with where to go instead.
_HINTS = {
    ("县政府", "请示"): "县政府向市政府、县委报送的请示请选“上行文”。",
    ("县政府", "报告"): "县政府向市政府、县委报告请选“上行文”，向县人大或县人大常委会报告请选“工作报告”。",
}
# Roles that stand for a unit rather than one roster person: no warning when unresolved.
_UNITS = set(BODIES) | {"相关部门主要负责人", "主办部门主要负责人"}
_SIGN_LABELS = {"sign": "签发", "approve": "审批"}


Issuer = choice("发文机关", ISSUERS)
DocKind = choice("公文种类", DOC_KINDS)
Scope = choice("事项范围", SCOPES)
Meeting = choice("会议", MEETINGS)


class RoutingError(ValueError):
    """Invalid or contradictory slots; the message is Chinese, for the user."""


class RouteDocumentArgs(BaseModel):
    """Slots of a document to route (a tool's arguments)."""
    model_config = ConfigDict(extra="forbid")

    issuer: Issuer = Field(
        description="In whose name the document is issued or who submits it: 县政府, "
                    "县政府办公室, 部门 (a county department submitting to the county "
                    "government) or 乡镇")
    doc_kind: DocKind = Field(
        description="Kind of document: " + "; ".join(f"{k}={v}" for k, v in DOC_KINDS.items()))
    subject_area: str | None = Field(
        None, description="分管 area of the matter, e.g. 教育, 农业农村; decides the deputy in charge")
    scope: Scope | None = Field(
        None, description="一般, 综合性 or 全局性 (综合性/全局性 go to the county head)")
    important: bool = Field(False, description="重要公文 (or, for 部门/乡镇, a 重大事项)")
    escalate: bool = Field(False, description="县政府有明确要求 / 副县长认为必要 / 如有必要: "
                                              "send one level up for signing")
    meeting: Meeting | None = Field(
        None, description="For 会议纪要 only: which meeting the minutes are of")
    meeting_chair: str | None = Field(
        None, description="For 副县长主持的县长办公会议: roster name of the chairing deputy")
    joint_departments: list[str] = Field(
        default_factory=list, description="Other departments that must countersign (会签)")
    disagreement: bool = Field(False, description="The departments disagree (部门之间有分歧)")
    reply_workdays: PositiveInt | None = Field(
        None, description="Reply time limit the lead department set for countersigning")
    to_party_committee: bool = Field(
        False, description="A county-government meeting decision to submit to the 县委常委会")
    multiple_matters: bool = Field(False, description="A 请示 with more than one matter")
    includes_request: bool = Field(False, description="A 报告 that also asks for approval")
    bypasses_level: bool = Field(False, description="Skips a level (越级行文)")
    multiple_recipients: bool = Field(False, description="Sent to several bodies (多头报文)")
    addressed_to_leader: bool = Field(False, description="Addressed to a county leader personally")
    start_date: date | None = Field(None, description="Date deadlines count from (YYYY-MM-DD)")


class Assignee(BaseModel):
    role: str
    person: str | None = None


class Deadline(BaseModel):
    workdays: int
    due_date: date | None = None
    notice: str | None = None      # the calendar's remark on the due date, if any
    note: str = ""


class RoutingResult(BaseModel):
    issuer: str
    doc_kind: str
    signer_role: str | None = None  # None when the regulation names no signer
    signer: str | None = None
    sign_action: str | None = None  # "sign" (签发/签署) or "approve" (审批)
    alternatives: list[Assignee] = []
    steps: list[Step] = []
    standing_meeting_required: bool = False
    deadlines: list[Deadline] = []
    cites: list[Cite] = []
    rule_ids: list[str] = []
    warnings: list[str] = []
    notes: list[str] = []


def route_document(rules: RuleSet, roster: Roster, calendar=None, **slots) -> RoutingResult:
    try:
        args = RouteDocumentArgs.model_validate(slots)
    except ValidationError as exc:
        raise RoutingError(explain(exc, LABELS)) from None
    deputy = _check_conflicts(args, roster)
    facts = _facts(args)
    primary, extras = rules.evaluate("signing", facts)
    if primary is None:
        raise RoutingError(f"本规则没有关于“{args.issuer}”制发“{args.doc_kind}”的审签规定，"
                           "请咨询县政府办公室。")
    matched = [primary, *extras]
    out = primary.then
    warnings: list[str] = []

    def who(role: str | None) -> Person | None:
        if role is None:
            return None
        person = roster.resolve(role, deputy=deputy)
        if person is None and role not in _UNITS:
            warnings.append(_missing(role, args, deputy))
        return person

    specs = sorted((s for r in matched for s in r.then.steps), key=lambda s: s.position)
    steps: list[Step] = []
    for spec in _unique(specs):
        steps.extend(_steps(spec, args, roster, who, start=len(steps) + 1))
    if out.signer:
        steps.append(Step(order=len(steps) + 1, action=out.sign_action, role=out.signer,
                          label=_SIGN_LABELS[out.sign_action], person=_name(who(out.signer)),
                          note=out.sign_note))
    return RoutingResult(
        issuer=args.issuer, doc_kind=args.doc_kind,
        signer_role=out.signer, signer=steps[-1].person if out.signer else None,
        sign_action=out.signer and out.sign_action,
        alternatives=[Assignee(role=r, person=_name(roster.resolve(r, deputy=deputy)))
                      for r in out.alternatives],
        steps=steps,
        standing_meeting_required=any(r.then.standing_meeting_required for r in matched),
        deadlines=[_deadline(r.then.deadline, args, calendar, warnings)
                   for r in matched if r.then.deadline],
        cites=list(dict.fromkeys(c for r in matched for c in r.cites)),
        rule_ids=[r.id for r in matched],
        warnings=list(dict.fromkeys(warnings + [w for r in matched for w in r.then.warnings]
                                    + _unused(facts, matched))),
        notes=[n for r in matched for n in r.then.notes],
    )


def _check_conflicts(args: RouteDocumentArgs, roster: Roster) -> Person | None:
    """Raise RoutingError for contradictory slots; return the deputy in charge, if known."""
    allowed = DOC_KIND_ISSUERS[args.doc_kind]
    if args.issuer not in allowed:
        raise RoutingError(f"“{args.issuer}”不能制发“{args.doc_kind}”：{DOC_KINDS[args.doc_kind]}"
                           f"只能以{'或'.join(allowed)}名义行文。"
                           + _HINTS.get((args.issuer, args.doc_kind), ""))
    if args.doc_kind == "会议纪要" and not args.meeting:
        raise RoutingError(f"会议纪要须注明是哪种会议的纪要（meeting）：可选 {'、'.join(MEETINGS)}。")
    if args.meeting and args.doc_kind != "会议纪要":
        raise RoutingError(f"只有会议纪要需要注明会议；“{args.doc_kind}”请不要填写会议（meeting）。")
    if args.disagreement and not args.joint_departments:
        raise RoutingError("填写了部门之间有分歧，但没有列出相关部门（joint_departments）。")
    if args.reply_workdays and not args.joint_departments:
        raise RoutingError("会签回复时限只适用于会签，请同时列出会签部门（joint_departments）。")
    if args.meeting_chair:
        if args.meeting != "副县长主持的县长办公会议":
            raise RoutingError("主持会议的副县长（meeting_chair）只适用于“副县长主持的县长办公会议”的纪要。")
        chair = roster.by_name(args.meeting_chair)
        if chair is None or not chair.is_deputy:
            raise RoutingError(f"“{args.meeting_chair}”不是花名册中的副县长，无法作为会议主持人。")
        return chair
    return roster.deputy_for_area(args.subject_area)


def _facts(args: RouteDocumentArgs) -> dict:
    facts = {k: getattr(args, k) for k in ("issuer", "doc_kind", "scope", "meeting", "important",
                                           "disagreement", "to_party_committee", "escalate",
                                           *_CHECKS)}
    facts["joint"] = bool(args.joint_departments)
    return facts


def _unique(specs: list[StepSpec]) -> list[StepSpec]:
    seen, out = set(), []
    for s in specs:
        if (s.action, s.role) not in seen:
            seen.add((s.action, s.role))
            out.append(s)
    return out


def _steps(spec: StepSpec, args, roster: Roster, who, start: int) -> list[Step]:
    label = spec.label or ACTIONS[spec.action][0]
    if spec.role == "相关部门主要负责人":  # one countersigning step per department
        return [Step(order=start + i, action=spec.action, label=label, role=spec.role,
                     person=_name(roster.head_of(dept)), note=f"{dept}：{spec.note}")
                for i, dept in enumerate(args.joint_departments)]
    return [Step(order=start, action=spec.action, label=label, role=spec.role,
                 person=_name(who(spec.role)), to_role=spec.to, to_person=_name(who(spec.to)),
                 note=spec.note)]


def _deadline(spec, args: RouteDocumentArgs, calendar, warnings: list[str]) -> Deadline:
    workdays, note = spec.workdays, spec.note
    if args.reply_workdays:
        workdays = args.reply_workdays
        note = f"主办部门要求在{workdays}个工作日内回复；逾期不回复视为无不同意见。"
    deadline = Deadline(workdays=workdays, note=note)
    if args.start_date and calendar is None:
        warnings.append("没有配置工作日历，无法计算截止日期。")
    elif args.start_date:
        due = calendar.add_workdays(args.start_date, workdays)
        deadline.due_date, deadline.notice = due.date, getattr(due, "notice", None) or None
    return deadline


def _unused(facts: dict, matched) -> list[str]:
    """Warn about slots the user filled in that none of the applied rules looks at."""
    used = {k for r in matched for k in r.when}
    optional = ("scope", "important", "escalate", "to_party_committee", "joint", "disagreement",
                *_CHECKS)
    return [f"“{LABELS[k]}”对本公文的审签程序没有影响，已忽略。" for k in optional
            if facts[k] not in (None, False, "一般") and k not in used]


def _missing(role: str, args: RouteDocumentArgs, deputy: Person | None) -> str:
    if role in ("分管副县长", "办公室分管副主任") and deputy is None:
        if not args.subject_area:
            return "没有说明公文所属的分管领域，无法确定是哪位分管副县长。"
        return f"花名册中没有副县长分管“{args.subject_area}”，无法确定分管副县长。"
    if role == "办公室分管副主任":
        return f"花名册中没有服务“{deputy.name}”的办公室副主任。"
    return f"花名册中没有“{role}”，无法确定人选，请补充花名册。"


def _name(person: Person | None) -> str | None:
    return person.name if person else None
