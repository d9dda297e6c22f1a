"""How a leave request reads in messages: summary, chain with decisions, list line."""
from __future__ import annotations

from bot.procedures.frontdesk import who_text
from bot.procedures.ledger import RequestView

DECISION_MARKS = {"approved": "✅", "pending": "⏳", "rejected": "❌", "skipped": "—"}


def days(start, end) -> int:
    return (end - start).days + 1


def span_text(start, end, calendar=None) -> str:
    """"2026-12-31 至 2027-01-04（共 5 天，其中工作日 2 天）", with the calendar's note
    when a year's holidays are not known."""
    text = f"{start.isoformat()} 至 {end.isoformat()}（共 {days(start, end)} 天"
    if calendar is None:
        return text + "）"
    from datetime import timedelta

    from bot.procedures.calendar import fallback_notice

    try:
        infos = [calendar.day_info(start + timedelta(days=i)) for i in range(days(start, end))]
    except ValueError:  # too far from today for the calendar
        return text + "）"
    text += f"，其中工作日 {sum(1 for i in infos if i.workday)} 天）"
    unknown = sorted({i.date.year for i in infos if i.source == "weekday_fallback"})
    return text + (f"\n{fallback_notice(unknown)}" if unknown else "")


def summary(view: RequestView, calendar=None) -> str:
    lines = [f"申请人：{view.applicant}（{view.applicant_role}）",
             f"类型：{view.kind}",
             f"日期：{span_text(view.start_date, view.end_date, calendar)}"]
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
