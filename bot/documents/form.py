"""The 发文稿纸 (outgoing-document processing form), filled from a routed document.

Its layout is data (knowledge/gongwen/fawen_gaozhi.toml): rows of labelled cells, each
naming the field that fills it. This module computes the fields and renders the rows
as a .docx table or as plain text for the terminal."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from bot.documents.data import read_toml

FIELDS = {"issuer", "number", "secrecy", "urgency", "title", "recipients", "cc", "drafting_unit",
          "drafter", "review", "countersign", "countersign_deadline", "signer", "sign_line",
          "attachments", "copies", "kind", "direction", "checks"}


class FormError(Exception):
    pass


@dataclass(frozen=True)
class Cell:
    label: str
    field: str
    wide: bool = False
    height: int = 1


@dataclass
class FormTemplate:
    heading: str
    font: str
    heading_font: str
    rows: list[list[Cell]]
    texts: dict

    @classmethod
    def load(cls, path: Path) -> "FormTemplate":
        raw = read_toml(path, FormError)
        rows = []
        for i, row in enumerate(raw.get("row", []), start=1):
            cells = []
            for c in row.get("cells", []):
                if c.get("field") not in FIELDS or set(c) - {"label", "field", "wide", "height"}:
                    raise FormError(f"{path}: row {i}: unknown field or key in {c}")
                cells.append(Cell(c.get("label", ""), c["field"], bool(c.get("wide")), int(c.get("height", 1))))
            rows.append(cells)
        texts = raw.get("fields", {})
        for key in ("blank", "sign_line", "no_signer", "countersign", "no_countersign"):
            if key not in texts:
                raise FormError(f"{path}: [fields] {key} is missing")
        return cls(raw.get("heading", "发文稿纸"), raw.get("font", ""), raw.get("heading_font", ""),
                   rows, texts)


@dataclass
class FilledForm:
    heading: str
    rows: list[list[tuple[Cell, str]]]
    template: FormTemplate

    def value(self, field: str) -> str | None:
        return next((v for row in self.rows for c, v in row if c.field == field), None)

    def to_text(self) -> str:
        lines = [self.heading, "━" * 16]
        for row in self.rows:
            for cell, value in row:
                first, *more = value.split("\n") or [""]
                lines.append(f"【{cell.label.replace('　', '')}】{first}")
                lines += [f"    {m}" for m in more]
        return "\n".join(lines)

    def to_docx(self) -> bytes:
        from docx import Document
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Pt

        document = Document()
        font = self.template.font

        def east_asian(run, name: str, size: float, bold: bool = False):
            run.font.size = Pt(size)
            run.font.bold = bold
            if name:
                run.font.name = name
                run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

        heading = document.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        east_asian(heading.add_run(self.heading), self.template.heading_font, 22)
        width = 4  # label, value, label, value; a wide value spans the last three
        table = document.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for row in self.rows:
            cells = table.add_row().cells
            col = 0
            for i, (cell, value) in enumerate(row):
                last = i == len(row) - 1
                span = width - col - 1 if cell.wide or last else 1
                cells[col].text = ""
                east_asian(cells[col].paragraphs[0].add_run(cell.label), font, 14, bold=True)
                target = cells[col + 1]
                if span > 1:
                    target = target.merge(cells[col + span])
                target.text = ""
                parts = value.split("\n")
                east_asian(target.paragraphs[0].add_run(parts[0]), font, 14)
                for part in parts[1:]:
                    east_asian(target.add_paragraph().add_run(part), font, 14)
                for _ in range(max(0, cell.height - len(parts))):
                    target.add_paragraph()
                col += 1 + span
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def fill_form(template: FormTemplate, values: dict[str, str]) -> FilledForm:
    blank = template.texts["blank"]
    issuer = values.get("issuer") or ""
    heading = template.heading.format(issuer=issuer).strip() or "发文稿纸"
    rows = [[(c, values.get(c.field) or blank) for c in row] for row in template.rows]
    return FilledForm(heading, rows, template)


def form_values(report, template: FormTemplate) -> dict[str, str]:
    """The fields of the form, from a DocumentReport."""
    d, f, r = report.doc, report.facts, report.routing
    texts = template.texts
    signer_role = r.signer_role if r else None
    if signer_role:
        label = "审批" if r.sign_action == "approve" else "签发"
        sign_line = texts["sign_line"].format(signer_role=signer_role,
                                              signer_name=f"（{r.signer}）" if r.signer else "",
                                              sign_label=label)
    else:
        sign_line = texts["no_signer"]
    deadline = report.countersign_deadline
    if f.countersign is not None:
        due = deadline.due_date.isoformat() if deadline and deadline.due_date else "3个工作日内"
        countersign = texts["countersign"].format(departments="、".join(f.countersign.departments),
                                                  deadline=due)
    else:
        countersign = texts["no_countersign"]
    review = []
    if r is not None:
        for s in r.steps:
            if s.action in ("review", "discuss", "coordinate"):
                who = f"{s.role}（{s.person}）" if s.person and s.person != s.role else s.role
                review.append(f"{who} {s.label}")
    issuer = f.issuer.name if f.issuer else (d.signature[0] if d.signature else "")
    # 拟稿单位: the issuing department itself; for a 县政府 or office document, the sender's.
    if f.issuer is not None and f.issuer.kind in ("部门", "乡镇"):
        drafting = f.issuer.department or f.issuer.name
    else:
        drafting = report.asker_department or ""
    checks = "；".join(f"{w.text}（{w.source}）" for w in report.warnings[:4])
    return {
        "issuer": _organ(issuer), "number": d.number or "", "secrecy": d.secrecy or "",
        "urgency": d.urgency or "", "title": d.title or "", "recipients": "、".join(d.recipients),
        "cc": "、".join(d.cc), "drafting_unit": drafting, "drafter": "",
        "review": "\n".join(review), "countersign": countersign,
        "countersign_deadline": deadline.due_date.isoformat() if deadline and deadline.due_date else "",
        "signer": signer_role or "", "sign_line": sign_line, "attachments": "；".join(d.attachments),
        "copies": "", "kind": d.kind or "", "direction": f.direction or "", "checks": checks,
    }


def _organ(name: str) -> str:
    return re.sub(r"(文件|函)$", "", name or "")


def form_filename(report) -> str:
    title = re.sub(r"[\\/:*?\"<>|\s]+", "", report.doc.title or "公文")[:24]
    return f"发文稿纸-{title}.docx"
