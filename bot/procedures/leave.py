"""The leave chain: to whom a person reports or applies, who is notified, who acts meanwhile.

`leave_chain(rules, roster, **slots)` validates the slots against LeaveChainArgs, applies
the first matching "leave" rule for the applicant's role and resolves every step to a
roster person. Steps use the ledger's actions (approve, notify, report, act); `role` and
`person` are who performs the step, `to_role`/`to_person` whom it goes to. A role the
regulation does not cover gets `covered=False` and a Chinese warning saying so, never an
invented chain. Invalid or contradictory slots raise LeaveError (a ValueError) with a
Chinese message.
"""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.procedures.roster import BODIES, Person, Roster
from bot.procedures.rules import (ACTIONS, LEAVE_KINDS, LEAVE_MEETINGS, Cite, RuleSet, Step,
                                  choice, explain)

LABELS = {"applicant": "申请人", "kind": "请假类型", "meeting": "会议",
          "meeting_chair": "主持会议的副县长", "start": "开始日期", "end": "结束日期"}
NOT_COVERED = "本规则没有相应规定，请按本单位请销假制度办理，或咨询县政府办公室。"


LeaveKind = choice("请假类型", LEAVE_KINDS)
LeaveMeeting = choice("会议", LEAVE_MEETINGS)


class LeaveError(ValueError):
    """Invalid or contradictory slots; the message is Chinese, for the user."""


class LeaveChainArgs(BaseModel):
    """Slots of a leave question (a tool's arguments)."""
    model_config = ConfigDict(extra="forbid")

    applicant: str = Field(description="Roster name of the person who will be away")
    kind: LeaveKind = Field(
        description="出差, 休假, 出访, 离县外出 or 会议请假 (missing a meeting)")
    meeting: LeaveMeeting | None = Field(
        None, description="For 会议请假: 全体会议, 常务会议, 县长召开的会议 or 副县长召开的会议")
    meeting_chair: str | None = Field(
        None, description="For 副县长召开的会议: roster name of the chairing deputy")
    start: date | None = Field(None, description="First day away (YYYY-MM-DD)")
    end: date | None = Field(None, description="Last day away (YYYY-MM-DD)")


class LeaveChainResult(BaseModel):
    applicant: str
    applicant_role: str
    kind: str
    meeting: str | None = None
    covered: bool
    steps: list[Step] = []
    acting: str | None = None        # who acts for the applicant meanwhile
    acting_role: str | None = None
    filing: Step | None = None       # the 报备 step, where the regulation requires one
    start: date | None = None
    end: date | None = None
    cites: list[Cite] = []
    rule_ids: list[str] = []
    warnings: list[str] = []
    notes: list[str] = []


def leave_chain(rules: RuleSet, roster: Roster, **slots) -> LeaveChainResult:
    try:
        args = LeaveChainArgs.model_validate(slots)
    except ValidationError as exc:
        raise LeaveError(explain(exc, LABELS)) from None
    applicant = roster.by_name(args.applicant)
    if applicant is None:
        raise LeaveError(f"花名册中没有“{args.applicant}”，请使用花名册中登记的姓名。")
    chair = _check_conflicts(args, roster, applicant)
    deputy = chair or roster.deputy_for_department(applicant.department)
    base = dict(applicant=applicant.name, applicant_role=applicant.role, kind=args.kind,
                meeting=args.meeting, start=args.start, end=args.end)
    rule, _ = rules.evaluate("leave", {"role": applicant.role, "kind": args.kind,
                                       "meeting": args.meeting})
    if rule is None:
        return LeaveChainResult(**base, covered=False, warnings=[NOT_COVERED])
    warnings: list[str] = []

    def who(role: str | None) -> tuple[str | None, str | None]:
        if role is None:
            return None, None
        person = roster.resolve(role, deputy=deputy, applicant=applicant)
        if person is None and role not in BODIES:
            warnings.append(_missing(role, args, applicant, deputy))
        shown = applicant.role if role == "申请人" else role
        return shown, person.name if person else None

    steps = []
    for order, spec in enumerate(rule.then.steps, start=1):
        role, person = who(spec.role)
        to_role, to_person = who(spec.to)
        steps.append(Step(order=order, action=spec.action,
                          label=spec.label or ACTIONS[spec.action][0], role=role, person=person,
                          to_role=to_role, to_person=to_person, note=spec.note))
    acting = next((s for s in steps if s.action == "act"), None)
    return LeaveChainResult(
        **base, covered=rule.then.covered, steps=steps,
        acting=acting and acting.person, acting_role=acting and acting.role,
        filing=next((s for s in steps if s.label == "报备"), None),
        cites=list(rule.cites), rule_ids=[rule.id],
        warnings=list(dict.fromkeys(warnings + rule.then.warnings)), notes=list(rule.then.notes))


def _check_conflicts(args: LeaveChainArgs, roster: Roster, applicant: Person) -> Person | None:
    """Raise LeaveError for contradictory slots; return the chairing deputy, if named."""
    if args.kind == "会议请假" and not args.meeting:
        raise LeaveError(f"会议请假须注明是哪种会议（meeting）：可选 {'、'.join(LEAVE_MEETINGS)}。")
    if args.meeting and args.kind != "会议请假":
        raise LeaveError(f"只有会议请假需要注明会议；“{args.kind}”请不要填写会议（meeting）。")
    if args.start and args.end and args.end < args.start:
        raise LeaveError("结束日期早于开始日期，请检查日期。")
    if not args.meeting_chair:
        return None
    if args.meeting != "副县长召开的会议":
        raise LeaveError("主持会议的副县长（meeting_chair）只适用于“副县长召开的会议”。")
    chair = roster.by_name(args.meeting_chair)
    if chair is None or not chair.is_deputy:
        raise LeaveError(f"“{args.meeting_chair}”不是花名册中的副县长，无法作为会议主持人。")
    if chair.name == applicant.name:
        raise LeaveError("申请人就是主持会议的副县长，不需要向自己请假。")
    return chair


def _missing(role: str, args: LeaveChainArgs, applicant: Person, deputy: Person | None) -> str:
    if role == "互补副县长":
        return (f"“{applicant.name}”没有有效的互补副县长，外出期间无法确定由谁代行职责"
                "（第八条），请补充花名册。")
    if role in ("分管副县长", "办公室分管副主任") and deputy is None:
        if args.meeting == "副县长召开的会议":
            return "没有注明主持会议的副县长（meeting_chair），无法确定向谁报告。"
        area = applicant.area or applicant.department
        if applicant.area:
            return f"花名册中没有副县长分管“{area}”，无法确定分管副县长。"
        return f"无法确定“{area or applicant.name}”的分管副县长，请在花名册中填写本部门的分管领域（area）。"
    if role == "办公室分管副主任":
        return f"花名册中没有服务“{deputy.name}”的办公室副主任。"
    return f"花名册中没有“{role}”，无法确定人选，请补充花名册。"
