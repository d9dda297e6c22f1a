"""How a leave request reads in messages: summary, chain with decisions, list line."""
from __future__ import annotations

from bot.procedures.frontdesk import who_text
from bot.procedures.ledger import RequestView

DECISION_MARKS = {"approved": "✅", "pending": "⏳", "rejected": "❌", "skipped": "—"}


def days(start, end) -> int:
    return (end - start).days + 1


def summary(view: RequestView) -> str:
    lines = [f"申请人：{view.applicant}（{view.applicant_role}）",
             f"类型：{view.kind}",
             f"日期：{view.start_date.isoformat()} 至 {view.end_date.isoformat()}"
             f"（共 {days(view.start_date, view.end_date)} 天）"]
    if view.destination:
        lines.append(f"地点：{view.destination}")
    if view.reason:
        lines.append(f"事由：{view.reason}")
    if view.acting_person:
        lines.append(f"期间代行职责：{view.acting_person}")
    return "\n".join(lines)


def chain(view: RequestView) -> str:
    decisions = {s.order: s for s in view.steps}
    lines = []
    for raw in view.chain_raw:
        step = decisions.get(raw.get("order"))
        mark = DECISION_MARKS.get(step.decision, "") if step and step.decision else ""
        text = f"{raw.get('order')}. {who_text(raw.get('role'), raw.get('person'))} {raw.get('label') or ''}"
        if raw.get("to_role"):
            text += f" → {who_text(raw.get('to_role'), raw.get('to_person'))}"
        lines.append(f"{text} {mark}".rstrip())
    return "\n".join(lines) or "（无需审批）"


def request_text(view: RequestView) -> str:
    return f"【请假审批】编号 {view.id}\n{summary(view)}\n\n审批流程：\n{chain(view)}"


def line(v: RequestView) -> str:
    status = v.state_label
    step = v.current_step
    if step is not None:
        status += f"，等待{who_text(step.role, step.person)}"
    place = f"｜{v.destination}" if v.destination else ""
    return f"编号 {v.id}｜{v.kind}｜{v.start_date:%m-%d} 至 {v.end_date:%m-%d}{place}｜{status}"
