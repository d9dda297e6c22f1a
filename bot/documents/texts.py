"""A DocumentReport as chat text: the fact asked for first (who signs), then the steps,
the 会签 and its deadline, the warnings with their sources, and the citations."""
from __future__ import annotations

from bot.procedures.frontdesk import due_text, step_text, who_text


def summary_line(report) -> str:
    d, f = report.doc, report.facts
    parts = []
    if d.title:
        parts.append(f"《{d.title}》")
    if d.number:
        parts.append(d.number)
    if d.kind:
        parts.append(d.kind)
    if f.direction:
        parts.append(f.direction)
    if f.issuer is not None:
        kind = f.slots.get("issuer")
        parts.append(f"发文机关：{f.issuer.name}" + (f"（{kind}）" if kind and kind != f.issuer.name else ""))
    return "公文：" + " · ".join(parts) if parts else "公文：没有识别出标题和发文字号。"


def report_text(report, *, with_citations: bool = True) -> str:
    r = report.routing
    lines: list[str] = []
    if report.error:
        lines.append(report.error)
    elif r is not None and r.signer_role:
        verb = "审批" if r.sign_action == "approve" else "签发"
        lines.append(f"{verb}：{who_text(r.signer_role, r.signer)}")  # the fact asked for, alone
        for alt in r.alternatives:
            lines.append(f"或：{who_text(alt.role, alt.person)}")
    elif r is not None:
        lines.append("本规则没有规定这份公文由谁签发，请咨询县政府办公室。")
    lines.append(summary_line(report))
    if report.source.ocr:
        lines.append("（文字由图片识别，请核对。）")
    lines += [f"（{n}）" for n in report.source.notes if "只识别了" in n]
    if r is not None and len(r.steps) > 1:
        lines.append("流程：")
        lines += [f"{s.order}. {step_text(s)}" for s in r.steps]
    if r is not None and r.standing_meeting_required:
        lines.append("须提交县政府常务会议讨论决定。")
    cs = report.facts.countersign
    if cs is not None:
        deadline = report.countersign_deadline
        when = (f"3个工作日内回复{due_text(deadline)}" if deadline and deadline.due_date
                else "除主办部门另有时限要求外，一般应在3个工作日内回复")
        lines.append(f"会签：{'、'.join(cs.departments)}，{when}（第四十八条）。")
        lines += [f"  · {reason}" for reason in cs.reasons]
    if report.warnings:
        lines.append("需要注意：")
        lines += [f"· {w.text}（{w.source}）" for w in report.warnings]
    if r is not None:
        lines += [f"说明：{n}" for n in r.notes]
    if with_citations and report.citations:
        lines.append("依据：")
        lines += [f"· {c.label}：“{c.quote}”" for c in report.citations]
        lines.append(f"出处：《{report.citations[0].doc_title}》")
    return "\n".join(lines)
