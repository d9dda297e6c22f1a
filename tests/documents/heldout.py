"""A held-out corpus of 30 公文 of 西平县, written blind to the extractor.

Each sample is a real file (python-docx .docx, a PDF from tests/pdfgen.py, or a plain
text file in UTF-8 / GB18030) together with its ground truth.  The documents follow the
way county offices actually lay out 公文 (GB/T 9704 with local habits): 份号/密级/紧急程度
at the top, the red 发文机关标志 (sometimes in a table), 发文字号 with 签发人 on the same
line for 上行文, 标题, 主送机关, 正文, 附件说明, 署名 and 成文日期, 附注, and the 版记
(抄送 / 印发机关 and 印发日期) at the end.  Three samples carry deliberate format mistakes.

All truth values are written without spaces (half- or full-width); lists are [] and
scalars None when the element is absent.

    python tests/documents/heldout.py OUT_DIR    # writes the files and a truth.json
"""
from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

try:
    from pdfgen import make_pdf
except ImportError:  # imported outside pytest's rootdir handling
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from pdfgen import make_pdf


@dataclass
class HeldOut:
    name: str          # slug
    filename: str
    data: bytes
    layout: str        # "docx" | "docx-table" | "pdf" | "txt"
    truth: dict


# --------------------------------------------------------------------------------------
# Document specification
# --------------------------------------------------------------------------------------

FW = "\u3000"  # full-width space


@dataclass
class _Doc:
    name: str
    filename: str
    layout: str                       # docx | docx-table | pdf | txt
    kind: str
    form: str = "standard"            # standard | letter | minutes | order
    mark: list[str] = field(default_factory=list)        # 发文机关标志, lines as printed
    issuers: list[str] = field(default_factory=list)
    number: str | None = None
    signers: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)       # title lines as printed
    recipients: str | None = None     # printed line, e.g. "县人民政府："
    body: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    attach_num: str = "．"            # "1．" / "1." / "1、"
    signature: list[str] = field(default_factory=list)
    signature_line: str | None = None  # several organs printed on one line
    date: str | None = None
    note: str | None = None
    cc: str | None = None             # printed after 抄送：
    printer: str | None = None
    print_date: str | None = None
    copy_number: str | None = None
    secrecy: str | None = None
    urgency: str | None = None
    minutes_org: str | None = None    # 纪要: 编印单位 printed beside the date
    tail: list[str] = field(default_factory=list)        # 纪要: 出席/列席
    extra: list[tuple[str, str]] = field(default_factory=list)  # annex pages etc.
    style: dict = field(default_factory=dict)


def _ns(s: str) -> str:
    return re.sub(r"[\s\u3000]+", "", s)


def _split(line: str) -> list[str]:
    line = _ns(line).rstrip("：:。")
    return [x for x in re.split(r"[，、]", line) if x]


def _truth(d: _Doc) -> dict:
    return {
        "copy_number": d.copy_number,
        "secrecy": _ns(d.secrecy) if d.secrecy else None,
        "urgency": d.urgency,
        "issuer_mark": _ns("".join(d.mark)) or None,
        "issuers": [_ns(x) for x in d.issuers],
        "number": _ns(d.number) if d.number else None,
        "signers": [_ns(x) for x in d.signers],
        "title": _ns("".join(d.title)) or None,
        "recipients": _split(d.recipients) if d.recipients else [],
        "cc": _split(d.cc) if d.cc else [],
        "attachments": [_ns(x) for x in d.attachments],
        "signature": [_ns(x) for x in d.signature],
        "date": _ns(d.date) if d.date else None,
        "note": _ns(d.note) if d.note else None,
        "printer": _ns(d.printer) if d.printer else None,
        "print_date": _ns(d.print_date) if d.print_date else None,
        "kind": d.kind,
    }


# --------------------------------------------------------------------------------------
# Logical lines shared by the renderers
# --------------------------------------------------------------------------------------

def _attach_lines(d: _Doc) -> list[tuple[str, str]]:
    if not d.attachments:
        return []
    if len(d.attachments) == 1:
        return [("attach", f"附件：{d.attachments[0]}")]
    out = [("attach", f"附件：1{d.attach_num}{d.attachments[0]}")]
    for i, a in enumerate(d.attachments[1:], start=2):
        out.append(("attach2", f"{i}{d.attach_num}{a}"))
    return out


def _blocks(d: _Doc) -> list[tuple[str, object]]:
    """The document as an ordered list of (role, text) items."""
    b: list[tuple[str, object]] = []
    for x in (d.copy_number, d.secrecy, d.urgency):
        if x:
            b.append(("head", x))
    if d.form == "minutes":
        for m in d.mark:
            b.append(("mark", m))
        b.append(("blank", ""))
        b.append(("number_c", d.number))
        b.append(("minutes_org", (d.minutes_org, d.date)))
        b.append(("rule", ""))
        b.append(("blank", ""))
        for p in d.body:
            b.append(("body", p))
        if d.tail:
            b.append(("blank", ""))
            for t in d.tail:
                b.append(("tail", t))
    elif d.form == "order":
        for m in d.mark:
            b.append(("mark", m))
        b.append(("blank", ""))
        b.append(("number_c", d.number))
        b.append(("rule", ""))
        b.append(("blank", ""))
        for p in d.body:
            b.append(("body", p))
        b.append(("blank", ""))
        for s in d.signature:
            b.append(("signature", s))
        b.append(("date", d.date))
    else:
        for m in d.mark:
            b.append(("mark", m))
        b.append(("blank", ""))
        if d.form == "letter":
            b.append(("rule2", ""))
            b.append(("number_r", d.number))
        elif d.signers:
            b.append(("number_s", (d.number, d.signers)))
            b.append(("rule", ""))
        elif d.number:
            b.append(("number_c", d.number))
            b.append(("rule", ""))
        else:
            b.append(("rule", ""))
        b.append(("blank", ""))
        for t in d.title:
            b.append(("title", t))
        b.append(("blank", ""))
        if d.recipients:
            b.append(("recipients", d.recipients))
        for p in d.body:
            b.append(("body", p))
        if d.attachments:
            b.append(("blank", ""))
            b.extend(_attach_lines(d))
        b.append(("blank", ""))
        b.append(("blank", ""))
        if d.signature_line:
            b.append(("signature", d.signature_line))
        else:
            for s in d.signature:
                b.append(("signature", s))
        b.append(("date", d.date))
    if d.note:
        b.append(("note", f"（{d.note}）"))
    b.extend(d.extra)
    if d.cc or d.printer:
        b.append(("ban_rule", ""))
        if d.cc:
            b.append(("cc", f"抄送：{d.cc}"))
        if d.printer:
            b.append(("printer", (d.printer, d.print_date)))
    return b


# --------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------

RED = RGBColor(0xFF, 0x00, 0x00)
XBS = "方正小标宋简体"
FS = "仿宋_GB2312"
HT = "黑体"
KT = "楷体_GB2312"


def _font(run, name: str, size: float, color: RGBColor | None = None, bold: bool = False):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold or None
    if color is not None:
        run.font.color.rgb = color
    rfonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), name)


def _border(p, color: str = "FF0000", double: bool = False, sz: int = 12):
    pPr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "thinThickSmallGap" if double else "single")
    bottom.set(qn("w:sz"), str(sz))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), color)
    bdr.append(bottom)
    # keep the schema order of w:pPr children, or Word reports the file as damaged
    pPr.insert_element_before(
        bdr, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
        "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
        "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
        "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
        "w:pPrChange")


def _par(container, text: str = "", *, font: str = FS, size: float = 16,
         align=None, color=None, indent: bool = False, bold: bool = False):
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    pf = p.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    if indent:
        pf.first_line_indent = Pt(size * 2)
    if text:
        parts = text.split("\n")
        for i, part in enumerate(parts):
            r = p.add_run(part)
            _font(r, font, size, color, bold)
            if i < len(parts) - 1:
                r.add_break()
    return p


def _cell_text(cell, text: str, *, size: float = 36, align=WD_ALIGN_PARAGRAPH.CENTER):
    p = cell.paragraphs[0] if not cell.paragraphs[0].text and not cell.paragraphs[0].runs else cell.add_paragraph()
    p.alignment = align
    r = p.add_run(text)
    _font(r, XBS, size, RED)
    return p


def _no_borders(table):
    tblPr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _docx_bytes(doc, when: datetime) -> bytes:
    cp = doc.core_properties
    cp.author = "Administrator"
    cp.last_modified_by = "Administrator"
    cp.title = ""
    cp.revision = 3
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    buf = io.BytesIO()
    doc.save(buf)
    # python-docx stamps zip entries with the current time; pin them for determinism.
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def _when(d: _Doc) -> datetime:
    m = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", d.print_date or d.date or "")
    if m:
        return datetime(int(m[1]), int(m[2]), int(m[3]), 9, 0, 0)
    return datetime(2023, 5, 6, 9, 0, 0)


def _render_docx(d: _Doc) -> bytes:
    st = d.style
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = FS
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FS)

    fw_indent = st.get("fw_indent", False)   # indent body with "　　" instead of a format
    tabs = st.get("tabs", False)
    pad_sig = st.get("pad_signature", False)
    header_table = d.layout == "docx-table" and not st.get("joint_table")
    blocks = _blocks(d)

    def body_par(text, **kw):
        if fw_indent:
            return _par(doc, FW * 2 + text, **kw)
        return _par(doc, text, indent=True, **kw)

    i = 0
    while i < len(blocks):
        role, val = blocks[i]
        if role == "head":
            _par(doc, val, font=HT, size=16)
        elif role == "mark":
            marks = []
            while i < len(blocks) and blocks[i][0] == "mark":
                marks.append(blocks[i][1])
                i += 1
            i -= 1
            size = 22 if d.form == "letter" else (26 if max(len(m) for m in marks) > 12 else 36)
            if st.get("joint_table"):
                organs, tail = marks[:-1], marks[-1]
                t = doc.add_table(rows=len(organs), cols=2)
                t.alignment = WD_TABLE_ALIGNMENT.CENTER
                _no_borders(t)
                for r, organ in enumerate(organs):
                    _cell_text(t.cell(r, 0), organ, size=26, align=WD_ALIGN_PARAGRAPH.DISTRIBUTE)
                right = t.cell(0, 1).merge(t.cell(len(organs) - 1, 1))
                _cell_text(right, tail, size=36)
            elif header_table:
                t = doc.add_table(rows=1, cols=1)
                t.alignment = WD_TABLE_ALIGNMENT.CENTER
                _no_borders(t)
                for m in marks:
                    _cell_text(t.cell(0, 0), m, size=size)
            else:
                for m in marks:
                    _par(doc, m, font=XBS, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
        elif role == "blank":
            _par(doc)
        elif role == "number_c":
            _par(doc, val, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif role == "number_r":
            _par(doc, val, align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif role == "number_s":
            number, signers = val
            names = FW.join(signers)
            if tabs:
                p = _par(doc)
                r1 = p.add_run(f"{FW}{number}\t\t\t")
                _font(r1, FS, 16)
                r2 = p.add_run("签发人：")
                _font(r2, FS, 16)
                r3 = p.add_run(names)
                _font(r3, KT, 16)
            else:
                gap = FW * max(2, 16 - len(number) // 2 - len(names))
                p = _par(doc)
                r1 = p.add_run(f"{FW}{number}{gap}签发人：")
                _font(r1, FS, 16)
                r2 = p.add_run(names)
                _font(r2, KT, 16)
        elif role in ("rule", "rule2"):
            p = _par(doc)
            _border(p, double=(role == "rule2"), sz=18 if role == "rule2" else 12)
        elif role == "minutes_org":
            org, date = val
            if tabs:
                _par(doc, f"{org}\t\t\t{date}")
            else:
                _par(doc, f"{org}{FW * 8}{date}")
        elif role == "title":
            # a title may be kept in one paragraph with soft line breaks
            if st.get("title_break"):
                lines = []
                while i < len(blocks) and blocks[i][0] == "title":
                    lines.append(blocks[i][1])
                    i += 1
                i -= 1
                _par(doc, "\n".join(lines), font=XBS, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
            else:
                _par(doc, val, font=XBS, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif role == "recipients":
            _par(doc, val)
        elif role == "body":
            body_par(val)
        elif role == "tail":
            _par(doc, val)
        elif role == "attach":
            body_par(val)
        elif role == "attach2":
            _par(doc, FW * 5 + val)
        elif role in ("signature", "date"):
            if pad_sig:
                _par(doc, FW * (st.get("pad", 14)) + val)
            else:
                p = _par(doc, val, align=WD_ALIGN_PARAGRAPH.RIGHT)
                p.paragraph_format.right_indent = Pt(64 if role == "signature" else 48)
        elif role == "note":
            body_par(val)
        elif role == "pagebreak":
            p = _par(doc)
            p.add_run().add_break(WD_BREAK.PAGE)
        elif role == "x_heading":
            _par(doc, val, font=HT, size=16)
        elif role == "x_title":
            _par(doc, val, font=XBS, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif role == "x_body":
            body_par(val)
        elif role == "x_table":
            rows = val
            t = doc.add_table(rows=len(rows), cols=len(rows[0]))
            t.style = doc.styles["Table Grid"]
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    cell = t.cell(r, c)
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                    _font(cell.paragraphs[0].add_run(text), FS, 14, bold=(r == 0))
        elif role == "ban_rule":
            _par(doc)
            p = _par(doc)
            _border(p, color="000000", sz=8)
        elif role == "cc":
            p = _par(doc, FW + val, size=14)
            _border(p, color="000000", sz=4)
        elif role == "printer":
            printer, pdate = val
            text = f"{FW}{printer}\t\t{pdate}印发" if tabs else f"{FW}{printer}{FW * 6}{pdate}印发"
            p = _par(doc, text, size=14)
            _border(p, color="000000", sz=8)
        i += 1
    return _docx_bytes(doc, _when(d))


# --------------------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------------------

_NO_LINE_START = set("，。、；：？！）》”’％%")


def _wrap(text: str, width: int = 56, first: str = "", rest: str = "") -> list[str]:
    """Break text into lines of at most `width` units (full-width 2, ASCII 1)."""
    lines, cur, w = [], first, sum(2 if ord(c) > 0x7F else 1 for c in first)
    for ch in text:
        cw = 2 if ord(ch) > 0x7F else 1
        if w + cw > width and ch not in _NO_LINE_START:  # closing punctuation hangs
            lines.append(cur)
            cur, w = rest, sum(2 if ord(c) > 0x7F else 1 for c in rest)
        cur += ch
        w += cw
    if cur.strip(" \u3000"):
        lines.append(cur)
    return lines


def _plain_lines(d: _Doc, *, indent: str, center: bool, wrap: int | None,
                 spacer: str = FW) -> list[str]:
    out: list[str] = []
    blocks = _blocks(d)

    def para(text, lead=indent):
        if wrap:
            out.extend(_wrap(text, wrap, first=lead))
        else:
            out.append(lead + text)

    for role, val in blocks:
        if role == "head":
            out.append(val)
        elif role == "mark":
            out.append((FW * 4 if center else "") + val)
        elif role == "blank":
            out.append("")
        elif role in ("number_c",):
            out.append((FW * 10 if center else "") + val)
        elif role == "number_r":
            out.append((FW * 18 if center else "") + val)
        elif role == "number_s":
            number, signers = val
            out.append(f"{FW}{number}{spacer * 10}签发人：{FW.join(signers)}")
        elif role == "minutes_org":
            org, date = val
            out.append(f"{org}{spacer * 8}{date}")
        elif role == "title":
            out.append((FW * 4 if center else "") + val)
        elif role in ("recipients", "tail"):
            para(val, lead="")
        elif role in ("body", "note", "x_body"):
            para(val)
        elif role == "attach":
            para(val)
        elif role == "attach2":
            para(val, lead=FW * 5 if indent else "")
        elif role in ("signature", "date"):
            out.append((FW * 16 if center else "") + val)
        elif role == "pagebreak":
            out.append("")
        elif role in ("x_heading",):
            out.append(val)
        elif role == "x_title":
            out.append((FW * 4 if center else "") + val)
        elif role == "x_table":
            for row in val:
                out.append("\t".join(row))
        elif role == "ban_rule":
            out.append("")
        elif role == "cc":
            para(val, lead=FW if indent else "")
        elif role == "printer":
            printer, pdate = val
            out.append(f"{FW if indent else ''}{printer}{spacer * 6}{pdate}印发")
    # collapse runs of more than two blank lines the way editors leave them
    text = "\n".join(out)
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.split("\n")


def _render_txt(d: _Doc) -> bytes:
    st = d.style
    lines = _plain_lines(d, indent=st.get("indent", FW * 2), center=st.get("center", False),
                         wrap=st.get("wrap"), spacer=st.get("spacer", FW))
    nl = "\r\n" if st.get("crlf") else "\n"
    text = nl.join(lines) + nl
    enc = st.get("encoding", "utf-8")
    return text.encode(enc)


# --------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------

def _render_pdf(d: _Doc) -> bytes:
    st = d.style
    width = st.get("width", 56)
    lines: list[str] = []
    for role, val in _blocks(d):
        if role in ("head", "mark", "number_c", "number_r", "x_heading", "x_title"):
            lines.append(val)
        elif role == "title":
            lines.extend(_wrap(val, 44))
        elif role == "blank":
            continue  # a PDF text layer carries no empty lines
        elif role == "number_s":
            number, signers = val
            lines.append(f"{number}          签发人：{' '.join(signers)}")
        elif role == "minutes_org":
            org, date = val
            lines.append(f"{org}          {date}")
        elif role in ("recipients", "tail", "cc"):
            lines.extend(_wrap(val, width))
        elif role in ("body", "note", "attach", "x_body"):
            lines.extend(_wrap(FW * 2 + val, width))
        elif role == "attach2":
            lines.extend(_wrap(FW * 3 + val, width))
        elif role in ("signature", "date"):
            lines.append(val)
        elif role == "x_table":
            for row in val:
                lines.append(" ".join(row))
        elif role == "printer":
            printer, pdate = val
            lines.append(f"{printer}        {pdate}印发")
        elif role == "pagebreak":
            lines.append("\f")
    per_page = st.get("per_page", 24)
    pages: list[list[str]] = [[]]
    for ln in lines:
        if ln == "\f" or len(pages[-1]) >= per_page:
            pages.append([])
            if ln == "\f":
                continue
        pages[-1].append(ln.replace("\u3000", "  ") if st.get("ascii_indent") else ln)
    pages = [p for p in pages if p]
    for n, p in enumerate(pages, start=1):
        p.append(f"— {n} —")
    return make_pdf(pages)


# --------------------------------------------------------------------------------------
# The documents
# --------------------------------------------------------------------------------------

GOV_CC = "县委各部门，县人大常委会办公室，县政协办公室，县法院，县检察院，县人武部。"
DOWN = "各乡镇人民政府、街道办事处，县人民政府各部门："


def _docs() -> list[_Doc]:
    D = _Doc
    docs: list[_Doc] = []

    # ---- 请示 / 报告 from departments and townships -----------------------------------
    docs.append(D(
        name="nongye-gaobiaozhun-qingshi", layout="docx", kind="请示",
        filename="西农〔2023〕15号 关于申请拨付2023年度高标准农田建设县级配套资金的请示.docx",
        mark=["西平县农业农村局文件"], issuers=["西平县农业农村局"],
        number="西农〔2023〕15号", signers=["王建军"],
        title=["关于申请拨付2023年度高标准农田建设", "县级配套资金的请示"],
        recipients="县人民政府：",
        body=[
            "根据《河南省高标准农田建设规划（2021—2030年）》和市农业农村局下达的年度建设任务，"
            "我县2023年度高标准农田建设任务为5.2万亩，涉及出山镇、专探乡、权寨镇等6个乡镇，项目总投资10400万元。",
            "截至目前，中央和省级财政补助资金7800万元已全部到位，项目已完成招标并陆续开工建设。"
            "按照亩均投入不低于2000元的标准，尚需县级配套资金2600万元。"
            "为确保项目按期完工并通过市级验收，特申请县财政拨付县级配套资金2600万元，"
            "专项用于田间道路、灌排工程和农田输配电设施建设。",
            "妥否，请批示。",
        ],
        attachments=["西平县2023年度高标准农田建设项目资金测算表",
                     "西平县2023年度高标准农田建设项目分布情况"],
        signature=["西平县农业农村局"], date="2023年3月15日",
        note="联系人：张海涛，联系电话：0396-6223518",
        printer="西平县农业农村局办公室", print_date="2023年3月15日",
        style={"tabs": True},
    ))
    docs.append(D(
        name="weijian-gonggongweisheng-baogao", layout="pdf", kind="报告",
        filename="weijian_2023_38.pdf",
        mark=["西平县卫生健康委员会文件"], issuers=["西平县卫生健康委员会"],
        number="西卫〔2023〕38号", signers=["刘春梅"],
        title=["关于2023年上半年全县基本公共卫生", "服务项目实施情况的报告"],
        recipients="县人民政府：",
        body=[
            "今年以来，我委认真贯彻落实国家基本公共卫生服务规范，以提升居民健康水平为目标，"
            "扎实推进各项服务任务落实，现将上半年工作情况报告如下：",
            "一、主要工作开展情况。全县累计建立居民电子健康档案79.6万份，建档率达到91.3%；"
            "65岁以上老年人健康管理9.8万人，高血压、2型糖尿病患者规范管理率分别达到68.5%和66.2%。",
            "二、存在的主要问题。部分村卫生室人员年龄偏大、业务能力不足，健康档案更新不及时，个别乡镇随访质量不高。",
            "三、下一步工作打算。我委将进一步加强基层人员培训，开展季度绩效考核，"
            "对工作滞后的乡镇卫生院进行约谈，确保全年目标任务圆满完成。",
            "特此报告。",
        ],
        signature=["西平县卫生健康委员会"], date="2023年7月12日",
        cc="市卫生健康委员会。",
        printer="西平县卫生健康委员会办公室", print_date="2023年7月12日",
        style={"per_page": 16},
    ))
    docs.append(D(
        name="jiaoyu-disanshiyan-qingshi", layout="docx-table", kind="请示",
        filename="关于新建西平县第三实验小学的请示（西教〔2022〕41号）.docx",
        urgency="加急",
        mark=["西平县教育局文件"], issuers=["西平县教育局"],
        number="西教〔2022〕41号", signers=["赵志刚"],
        title=["关于新建西平县第三实验小学的请示"],
        recipients="县人民政府：",
        body=[
            "随着城区建设规模不断扩大和柏城街道、柏苑街道新建住宅小区陆续交付，城区小学学位供需矛盾日益突出，"
            "2022年秋季城区小学一年级预计新增适龄儿童2100余人，现有学校已无法满足就近入学需求。",
            "为缓解城区“大班额”问题，我局拟在城区西部新建西平县第三实验小学，规划用地60亩，设计规模48个教学班，"
            "可提供学位2160个，项目总投资约1.5亿元，资金拟通过争取专项债券和县级财政投入解决。",
            "项目建成后，将有效缓解城区西部片区入学压力，进一步促进义务教育优质均衡发展。",
            "妥否，请批示。",
        ],
        attachments=["西平县第三实验小学建设项目可行性研究报告"],
        signature=["西平县教育局"], date="2022年4月18日",
        note="联系人：孟凡丽，联系电话：0396-6222207",
        printer="西平县教育局办公室", print_date="2022年4月19日",
    ))
    docs.append(D(
        name="caizheng-yijidu-baogao", layout="txt", kind="报告",
        filename="西财〔2024〕9号.txt",
        mark=["西平县财政局文件"], issuers=["西平县财政局"],
        number="西财〔2024〕9号", signers=["李红霞"],
        title=["关于2024年一季度全县财政收支情况的报告"],
        recipients="县人民政府：",
        body=[
            "2024年一季度，全县一般公共预算收入完成3.86亿元，占年度预算的27.1%，同比增长5.3%，"
            "其中税收收入2.71亿元，税收占比70.2%。",
            "一般公共预算支出完成8.92亿元，同比增长3.8%，教育、社会保障和就业、卫生健康等民生支出6.95亿元，占支出总额的77.9%。",
            "从运行情况看，一季度财政收入实现平稳开局，但土地出让收入同比下降较多，“三保”支出和债务还本付息压力较大，"
            "收支平衡难度进一步加大。",
            "下一步，我局将加强收入征管，严格控制一般性支出，积极争取上级转移支付和专项债券资金，确保县级“三保”支出足额保障。",
            "特此报告。",
        ],
        signature=["西平县财政局"], date="2024年4月10日",
        printer="西平县财政局", print_date="2024年4月10日",
        style={"crlf": True, "center": True},
    ))
    docs.append(D(
        name="shuili-xiaohonghe-qingshi", layout="docx", kind="请示",
        filename="水利局关于申请小洪河堤防应急除险加固资金的请示.docx",
        urgency="特急",
        mark=["西平县水利局文件"], issuers=["西平县水利局"],
        number="西水〔2021〕27号", signers=["陈国华"],
        title=["关于申请小洪河西平段堤防应急除险", "加固资金的请示"],
        recipients="县人民政府：",
        body=[
            "受7月19日至22日持续强降雨影响，小洪河西平段水位持续上涨，最高水位超过警戒水位1.2米，"
            "左岸出山镇段、右岸权寨镇段先后出现管涌、渗水、堤坡滑塌等险情11处。",
            "险情发生后，我局会同属地乡镇组织抢险队伍连夜处置，目前险情已得到初步控制，"
            "但部分堤段堤身单薄、土质松散，汛期后续降雨仍可能造成险情反复。",
            "经现场勘查测算，应急除险加固工程共需资金860万元，主要用于堤坡修复、背水侧导渗和防汛道路整修。"
            "为确保安全度汛，特申请县财政先行安排应急资金860万元。",
            "妥否，请批示。",
        ],
        signature=["西平县水利局"], date="2021年7月23日",
        note="联系人：冯立伟，联系电话：0396-6223051",
        cc="市水利局，县应急管理局。",
        printer="西平县水利局办公室", print_date="2021年7月23日",
        style={"tabs": True, "pad_signature": True, "pad": 15},
    ))
    docs.append(D(
        name="ziranziyuan-jianshe-yongdi-qingshi", layout="pdf", kind="请示",
        filename="西自然资〔2024〕18号.pdf",
        copy_number="000008",
        mark=["西平县自然资源局文件"], issuers=["西平县自然资源局"],
        number="西自然资〔2024〕18号", signers=["杨晓东"],
        title=["关于报批西平县2024年度第三批次", "城镇建设用地的请示"],
        recipients="县人民政府：",
        body=[
            "为保障我县产业集聚区和城区基础设施项目用地需求，根据《中华人民共和国土地管理法》及省、市建设用地报批有关规定，"
            "我局组织编制了西平县2024年度第三批次城镇建设用地报批材料。",
            "本批次拟申请建设用地32.6公顷，其中农用地29.8公顷（耕地24.1公顷），建设用地2.8公顷，"
            "涉及柏亭街道、出山镇2个乡镇（街道）5个行政村。",
            "用地范围符合国土空间总体规划，耕地占补平衡指标已落实，被征地农民社会保障费用已足额预存。",
            "以上妥否，请批示。",
        ],
        attachments=["西平县2024年度第三批次城镇建设用地勘测定界图",
                     "征收土地社会稳定风险评估报告",
                     "耕地占补平衡指标确认表"],
        attach_num=".",
        signature=["西平县自然资源局"], date="2024年8月26日",
        note="联系人：宋晓燕，联系电话：0396-6228106",
        printer="西平县自然资源局办公室", print_date="2024年8月27日",
    ))
    docs.append(D(
        name="zhujian-laojiuxiaoqu-baogao", layout="docx", kind="报告",
        filename="住建局2023年老旧小区改造进展情况报告.docx",
        mark=["西平县住房和城乡建设局文件"], issuers=["西平县住房和城乡建设局"],
        number="西建〔2023〕52号", signers=["马俊峰"],
        title=["关于2023年城区老旧小区改造项目", "进展情况的报告"],
        recipients="县人民政府：",
        body=[
            "2023年，我县列入省级计划的城区老旧小区改造项目共27个，涉及居民3846户，建筑面积38.2万平方米，计划总投资1.9亿元。",
            "截至10月底，已完工小区19个，正在施工小区8个，累计完成投资1.43亿元，占计划投资的75.3%；"
            "完成雨污分流管网改造12.6公里，加装电动车充电桩560个。",
            "工作中还存在部分小区居民意见不统一、管线迁改协调难度大、项目资金拨付滞后等问题。",
            "下一步，我局将加大督导力度，实行周调度、月通报，确保12月底前全部项目完工。",
            "特此报告。",
        ],
        signature=["西平县住房和城乡建设局"], date="2023年11月6日",
        cc="县发展和改革委员会，县财政局。",
        printer="西平县住房和城乡建设局办公室", print_date="2023年11月7日",
    ))
    docs.append(D(
        name="wenlv-leizu-wenhuajie-qingshi", layout="txt", kind="请示",
        filename="关于举办2025年中国（西平）嫘祖文化节的请示.txt",
        mark=["西平县文化广电和旅游局文件"], issuers=["西平县文化广电和旅游局"],
        number="西文广旅〔2025〕6号", signers=["孙丽华"],
        title=["关于举办2025年中国（西平）嫘祖", "文化节的请示"],
        recipients="县人民政府：",
        body=[
            "西平是嫘祖故里，嫘祖文化节已连续举办多届，已成为展示我县历史文化、促进文旅融合发展的重要平台。",
            "为进一步擦亮嫘祖文化品牌，我局拟于2025年4月上旬举办2025年中国（西平）嫘祖文化节，"
            "活动内容包括拜祖大典、嫘祖文化论坛、非遗展演和特色农产品展销等，预计参与群众5万人次。",
            "活动所需经费共计185万元，拟通过县级财政安排和社会赞助等方式筹集。",
            "妥否，请批示。",
        ],
        attachments=["2025年中国（西平）嫘祖文化节活动方案",
                     "2025年中国（西平）嫘祖文化节经费预算表"],
        attach_num="、",
        signature=["西平县文化广电和旅游局"], date="2025年2月17日",
        note="联系人：谷雨晴，联系电话：0396-6221890",
        style={"crlf": True, "encoding": "gb18030", "center": True},
    ))
    docs.append(D(
        name="chushan-tangxiyuan-daolu-qingshi", layout="txt", kind="请示",
        filename="chushan-qingshi-2023-22.txt",
        mark=["西平县出山镇人民政府文件"], issuers=["西平县出山镇人民政府"],
        number="出政〔2023〕22号", signers=["周德明"],
        title=["关于棠溪源景区旅游道路改扩建项目", "立项的请示"],
        recipients="县人民政府：",
        body=[
            "棠溪源景区位于我镇西部山区，是省级森林公园和国家AAA级旅游景区，近年来年接待游客已突破30万人次。",
            "目前景区连接线道路宽度仅4.5米，路面破损严重，节假日车辆拥堵现象突出，存在较大安全隐患，已成为制约景区发展的瓶颈。",
            "为改善景区通行条件，我镇拟对棠溪源景区旅游道路实施改扩建，全长6.8公里，路面拓宽至7米，概算总投资2380万元，"
            "计划申请省级旅游公路补助资金，其余由县、镇两级筹措。",
            "恳请县政府同意该项目立项，并协调县交通运输局、县发展和改革委员会给予支持。",
            "妥否，请批示。",
        ],
        signature=["西平县出山镇人民政府"], date="2023年9月4日",
        note="联系人：李志鹏，联系电话：0396-6381026",
        cc="县交通运输局，县发展和改革委员会。",
        printer="西平县出山镇党政办公室", print_date="2023年9月4日",
        style={"indent": "", "spacer": " "},
    ))
    docs.append(D(
        name="zhuantan-shangfang-chuzhi-baogao", layout="docx-table", kind="报告",
        filename="专政〔2022〕35号（机密）.docx",
        copy_number="000015", secrecy="机密★1年", urgency="特急",
        mark=["西平县专探乡人民政府文件"], issuers=["西平县专探乡人民政府"],
        number="专政〔2022〕35号", signers=["郭永强"],
        title=["关于专探乡一起群体性上访事件", "处置情况的报告"],
        recipients="县人民政府：",
        body=[
            "6月8日上午9时许，我乡某村30余名群众因土地流转租金兑付问题到乡政府集体上访，要求流转企业立即兑付拖欠的2021年度租金。",
            "接报后，我乡立即启动应急预案，乡党委、政府主要负责同志第一时间到场接待，耐心听取群众诉求，"
            "并会同县农业农村局、县信访局有关同志开展调解。",
            "经协调，流转企业承诺于6月20日前兑付全部拖欠租金共计86.4万元，乡政府负责监督兑付，"
            "上访群众于当日12时前全部劝返，未发生过激行为。",
            "下一步，我乡将全面排查土地流转合同履行情况，建立租金兑付预警机制，防止类似事件再次发生。",
            "特此报告。",
        ],
        signature=["西平县专探乡人民政府"], date="2022年6月9日",
        cc="县委办公室，县委政法委，县信访局。",
        printer="西平县专探乡党政办公室", print_date="2022年6月9日",
        style={"tabs": True},
    ))
    docs.append(D(
        name="quanzhai-jinglaoyuan-qingshi", layout="pdf", kind="请示",
        filename="权寨镇敬老院改造提升资金请示.pdf",
        mark=["西平县权寨镇人民政府文件"], issuers=["西平县权寨镇人民政府"],
        number="权政〔2024〕11号",
        title=["关于申请权寨镇敬老院改造提升资金的请示"],
        recipients="县人民政府：",
        body=[
            "权寨镇敬老院建于2003年，现有房屋28间，集中供养特困人员46人。"
            "由于建成时间较长，院内房屋墙体开裂、屋面渗漏，消防设施不完善，无障碍设施缺失，已不能满足特困人员集中供养需要。",
            "根据县民政局关于推进乡镇敬老院转型升级的工作安排，我镇拟对敬老院实施改造提升，"
            "主要包括房屋加固维修、消防设施改造、适老化设施配置及室外环境整治，经测算共需资金168万元。",
            "我镇已筹措资金40万元，特申请县财政补助资金128万元。",
            "妥否，请批示。",
        ],
        signature=["西平县权寨镇人民政府"], date="2024年5月20日",
        note="联系人：王晓峰，联系电话：0396-6401138",
        style={"width": 60},
    ))
    docs.append(D(
        name="shijian-shipinanquan-baogao", layout="docx", kind="报告",
        filename="西市监〔2021〕46号.docx",
        mark=["西平县市场监督管理局文件"], issuers=["西平县市场监督管理局"],
        number="西市监〔2021〕46号", signers=["吴敏"],
        title=["关于2021年全县食品安全专项整治", "工作情况的报告"],
        recipients="县人民政府：",
        body=[
            "2021年，我局按照县食品安全委员会的统一部署，以校园及周边、农村集体聚餐、食用农产品批发市场为重点，"
            "深入开展食品安全专项整治行动。",
            "全年共出动执法人员4260人次，检查各类食品生产经营主体6830家次，完成食品安全监督抽检1520批次，合格率97.8%；"
            "立案查处食品安全违法案件132起，罚没款68.5万元。",
            "通过专项整治，全县未发生重大食品安全事故，群众食品安全满意度稳步提升。",
            "特此报告。",
        ],
        signature=["西平县市场监督管理局"], date="2021年12月15日",
        cc="驻马店市市场监督管理局，县食品安全委员会办公室。",
        printer="西平县市场监督管理局办公室", print_date="2021年12月16日",
        style={"fw_indent": True, "pad_signature": True, "pad": 13},
    ))

    # ---- 县人民政府 --------------------------------------------------------------------
    docs.append(D(
        name="xianzhengfu-fangxun-fangan-tongzhi", layout="docx", kind="通知",
        filename="西政〔2023〕12号 西平县人民政府关于印发西平县2023年防汛抗旱工作方案的通知.docx",
        mark=["西平县人民政府文件"], issuers=["西平县人民政府"],
        number="西政〔2023〕12号",
        title=["西平县人民政府", "关于印发西平县2023年防汛抗旱工作方案的通知"],
        recipients=DOWN,
        body=[
            "现将《西平县2023年防汛抗旱工作方案》印发给你们，请结合实际，认真贯彻执行。",
            "各地各部门要坚持人民至上、生命至上，压紧压实防汛抗旱责任，加强雨情水情监测预警，"
            "提前落实抢险队伍、物资和转移安置措施，坚决守住不发生群死群伤的底线。",
            "汛期实行24小时值班和领导带班制度，遇有重大险情要第一时间报告县防汛抗旱指挥部。",
        ],
        signature=["西平县人民政府"], date="2023年4月28日",
        note="此件公开发布",
        extra=[
            ("pagebreak", ""),
            ("x_title", "西平县2023年防汛抗旱工作方案"),
            ("blank", ""),
            ("x_body", "为切实做好2023年防汛抗旱工作，最大限度减轻水旱灾害损失，根据《中华人民共和国防洪法》"
                       "《中华人民共和国抗旱条例》等规定，结合我县实际，制定本方案。"),
            ("x_heading", "一、工作目标"),
            ("x_body", "确保小洪河、淤泥河等主要河道安全度汛，确保水库不垮坝，确保城区和重要基础设施安全，"
                       "确保不发生因灾群死群伤事件。"),
            ("x_heading", "二、责任分工"),
            ("x_body", "县防汛抗旱指挥部统一组织、指挥全县防汛抗旱工作，各乡镇（街道）对本辖区防汛抗旱工作负总责。"),
        ],
        cc=GOV_CC,
        printer="西平县人民政府办公室", print_date="2023年4月28日",
        style={"title_break": True},
    ))
    docs.append(D(
        name="xianzhengfu-nongye-chanyehua-yijian", layout="pdf", kind="意见",
        filename="西政〔2024〕5号.pdf",
        mark=["西平县人民政府文件"], issuers=["西平县人民政府"],
        number="西政〔2024〕5号",
        title=["西平县人民政府", "关于加快推进农业产业化发展的意见"],
        recipients=DOWN,
        body=[
            "为深入贯彻落实乡村振兴战略，加快构建现代农业产业体系，推动农业高质量发展，结合我县实际，现提出如下意见。",
            "一、总体目标。到2026年，全县培育市级以上农业产业化龙头企业40家以上，农产品加工业产值突破200亿元，"
            "建成小麦、生猪、食用菌等3个产值超50亿元的优势产业集群。",
            "二、重点任务。做大做强龙头企业，支持企业技术改造和品牌建设；完善联农带农机制，"
            "推广“龙头企业+合作社+农户”模式；加强冷链物流等基础设施建设。",
            "三、保障措施。县财政每年安排农业产业化发展专项资金3000万元，对新认定的国家级、省级龙头企业分别给予一次性奖励。",
            "各乡镇、各有关部门要加强组织领导，明确责任分工，确保各项措施落到实处。",
        ],
        signature=["西平县人民政府"], date="2024年3月8日",
        note="此件公开发布",
        cc="县委各部门，县人大常委会办公室，县政协办公室。",
        printer="西平县人民政府办公室", print_date="2024年3月11日",
        style={"width": 58},
    ))
    docs.append(D(
        name="xianzhengfu-anquan-biaozhang-jueding", layout="docx", kind="决定",
        filename="关于表彰2021年度全县安全生产工作先进单位和先进个人的决定.docx",
        mark=["西平县人民政府文件"], issuers=["西平县人民政府"],
        number="西政〔2022〕18号",
        title=["西平县人民政府", "关于表彰2021年度全县安全生产工作", "先进单位和先进个人的决定"],
        recipients=DOWN,
        body=[
            "2021年，全县各级各部门认真贯彻落实党中央、国务院和省、市关于安全生产工作的决策部署，"
            "深入开展安全生产专项整治三年行动，全县安全生产形势持续稳定向好，未发生较大以上生产安全事故。",
            "为表彰先进，激励担当，县政府决定，授予县应急管理局等15个单位“2021年度全县安全生产工作先进单位”称号，"
            "授予王丽娟等30名同志“2021年度全县安全生产工作先进个人”称号。",
            "希望受表彰的单位和个人珍惜荣誉，再接再厉。各地各部门要以先进为榜样，坚决守牢安全生产底线，"
            "为全县经济社会高质量发展营造安全稳定的环境。",
        ],
        attachments=["2021年度全县安全生产工作先进单位名单", "2021年度全县安全生产工作先进个人名单"],
        signature=["西平县人民政府"], date="2022年3月1日",
        note="此件公开发布",
        extra=[
            ("pagebreak", ""),
            ("x_heading", "附件1"),
            ("blank", ""),
            ("x_title", "2021年度全县安全生产工作先进单位名单"),
            ("blank", ""),
            ("x_table", [["序号", "单位名称"], ["1", "县应急管理局"], ["2", "县交通运输局"],
                         ["3", "县消防救援大队"], ["4", "出山镇人民政府"], ["5", "专探乡人民政府"]]),
            ("pagebreak", ""),
            ("x_heading", "附件2"),
            ("blank", ""),
            ("x_title", "2021年度全县安全生产工作先进个人名单"),
            ("blank", ""),
            ("x_body", "王丽娟（县应急管理局）　刘振华（县交通运输局）　孙海军（出山镇人民政府）"),
        ],
        cc="县委各部门，县人大常委会办公室，县政协办公室。",
        printer="西平县人民政府办公室", print_date="2022年3月2日",
        style={"tabs": True},
    ))
    docs.append(D(
        name="xianzhengfu-gaobiaozhun-pifu", layout="txt", kind="批复",
        filename="西政文〔2023〕40号.txt",
        mark=["西平县人民政府文件"], issuers=["西平县人民政府"],
        number="西政文〔2023〕40号",
        title=["西平县人民政府", "关于同意拨付2023年度高标准农田建设", "县级配套资金的批复"],
        recipients="县农业农村局：",
        body=[
            "你局《关于申请拨付2023年度高标准农田建设县级配套资金的请示》（西农〔2023〕15号）收悉。经县政府研究，现批复如下：",
            "一、同意由县财政拨付2023年度高标准农田建设县级配套资金2600万元，专项用于田间道路、灌排工程和农田输配电设施建设。",
            "二、你局要严格按照项目批复内容组织实施，加强资金监管和工程质量管理，确保资金安全和项目按期完工。",
            "三、县财政局、县审计局要加强对资金使用情况的监督检查。",
            "此复。",
        ],
        signature=["西平县人民政府"], date="2023年6月2日",
        cc="县财政局，县审计局。",
        printer="西平县人民政府办公室", print_date="2023年6月5日",
        style={"indent": "    ", "center": True, "spacer": " "},
    ))
    docs.append(D(
        name="xianzhengfu-jinfang-yanhua-tonggao", layout="docx-table", kind="通告",
        filename="西平县人民政府关于城区禁止燃放烟花爆竹的通告.docx",
        mark=["西平县人民政府文件"], issuers=["西平县人民政府"],
        number="西政〔2021〕36号",
        title=["西平县人民政府", "关于城区禁止燃放烟花爆竹的通告"],
        body=[
            "为减少大气污染，预防火灾事故，保障人民群众生命财产安全，根据《中华人民共和国大气污染防治法》"
            "《烟花爆竹安全管理条例》等法律法规规定，结合我县实际，现就城区禁止燃放烟花爆竹有关事项通告如下：",
            "一、自2022年1月1日起，东至京港澳高速、西至西平大道、南至小洪河、北至107国道合围区域内，全年全天候禁止燃放烟花爆竹。",
            "二、禁放区域内禁止销售、储存烟花爆竹，任何单位和个人不得在禁放区域内设置烟花爆竹销售网点。",
            "三、违反本通告规定的，由公安机关依照《烟花爆竹安全管理条例》等规定予以处罚；构成犯罪的，依法追究刑事责任。",
            "四、本通告自发布之日起施行。",
        ],
        signature=["西平县人民政府"], date="2021年12月28日",
        printer="西平县人民政府办公室", print_date="2021年12月28日",
    ))
    docs.append(D(
        name="xianzhengfu-leizu-wenhuayuan-han", layout="docx", kind="函", form="letter",
        filename="西政函〔2024〕15号 关于商请支持嫘祖文化园项目建设的函.docx",
        mark=["西平县人民政府"], issuers=["西平县人民政府"],
        number="西政函〔2024〕15号",
        title=["西平县人民政府", "关于商请支持嫘祖文化园项目建设的函"],
        recipients="驻马店市文化广电和旅游局：",
        body=[
            "嫘祖文化是中华优秀传统文化的重要组成部分，西平作为嫘祖故里，拥有丰富的嫘祖文化遗存。"
            "为深入挖掘嫘祖文化内涵，推动文化和旅游深度融合发展，我县规划建设嫘祖文化园项目，总投资3.2亿元，占地面积420亩。",
            "目前，项目已完成规划设计和用地预审，一期工程计划于2025年3月开工建设。",
            "鉴于项目投资规模较大，恳请贵局在文化保护传承利用工程项目申报、旅游发展专项资金安排等方面给予支持，"
            "并指导我县做好项目策划包装和申报工作。",
            "特此函商，盼复。",
        ],
        signature=["西平县人民政府"], date="2024年10月15日",
        note="联系人：孙丽华，联系电话：0396-6221890",
        cc="县文化广电和旅游局。",
    ))

    # ---- 县人民政府办公室 --------------------------------------------------------------
    docs.append(D(
        name="bangongshi-chunjie-tongzhi", layout="docx", kind="通知",
        filename="西政办〔2023〕7号.docx",
        mark=["西平县人民政府办公室文件"], issuers=["西平县人民政府办公室"],
        number="西政办〔2023〕7号",
        title=["西平县人民政府办公室", "关于做好2023年春节期间有关工作的通知"],
        recipients=DOWN,
        body=[
            "2023年春节即将来临，为确保全县人民群众度过一个欢乐祥和、安全稳定的节日，经县政府同意，现就做好春节期间有关工作通知如下：",
            "一、切实做好困难群众生活保障。各乡镇（街道）和民政、人社等部门要深入开展走访慰问，及时足额发放各类救助金，确保困难群众温暖过节。",
            "二、全力抓好安全生产和疫情防控。要加强道路交通、消防、燃气等重点领域安全检查，做好农村地区新冠病毒感染防控和医疗救治工作。",
            "三、严格落实值班值守制度。节日期间实行24小时值班和领导带班制度，值班表于1月16日前报县政府办公室。",
        ],
        signature=["西平县人民政府办公室"], date="2023年1月10日",
        note="此件公开发布",
        cc="县委办公室，县人大常委会办公室，县政协办公室。",
        printer="西平县人民政府办公室", print_date="2023年1月10日",
    ))
    docs.append(D(
        name="bangongshi-anquanyue-tongzhi", layout="txt", kind="通知",
        filename="西政办〔2025〕19号 安全生产月通知.txt",
        mark=["西平县人民政府办公室文件"], issuers=["西平县人民政府办公室"],
        number="西政办〔2025〕19号",
        title=["西平县人民政府办公室", "关于开展2025年“安全生产月”活动的通知"],
        recipients="各乡镇人民政府、街道办事处，县人民政府各部门，县直各企事业单位：",
        body=[
            "今年6月是全国第24个“安全生产月”，主题为“人人讲安全、个个会应急——查找身边安全隐患”。"
            "经县政府同意，决定在全县开展2025年“安全生产月”活动。",
            "各地各单位要围绕活动主题，组织开展安全宣传咨询日、应急演练、隐患排查整治等系列活动，推动安全生产责任落实到岗到人。",
            "县安全生产委员会办公室将适时对活动开展情况进行督导检查。",
            "请各地各单位于7月5日前将活动总结报送县应急管理局。",
        ],
        attachments=["2025年西平县“安全生产月”活动方案"],
        signature=["西平县人民政府办公室"], date="2025年5月30日",
        note="此件公开发布",
        printer="西平县人民政府办公室", print_date="2025年5月30日",
        style={"crlf": True, "encoding": "utf-8-sig"},
    ))
    docs.append(D(
        name="bangongshi-guotu-guihua-zhengqiu-han", layout="pdf", kind="函", form="letter",
        filename="西政办函〔2023〕3号.pdf",
        mark=["西平县人民政府办公室"], issuers=["西平县人民政府办公室"],
        number="西政办函〔2023〕3号",
        title=["西平县人民政府办公室", "关于征求《西平县国土空间总体规划",
               "（2021—2035年）（征求意见稿）》", "意见的函"],
        recipients="县直各有关单位，各乡镇人民政府、街道办事处：",
        body=[
            "县自然资源局牵头编制的《西平县国土空间总体规划（2021—2035年）（征求意见稿）》已经完成，"
            "现印送你们，请认真研究并提出修改意见。",
            "请于3月3日前将书面意见加盖公章后报送县自然资源局，同时发送电子版至指定邮箱。逾期未反馈的，视为无意见。",
        ],
        attachments=["西平县国土空间总体规划（2021—2035年）（征求意见稿）"],
        signature=["西平县人民政府办公室"], date="2023年2月20日",
        note="联系人：宋晓燕，联系电话：0396-6228106",
    ))
    docs.append(D(
        name="bangongshi-daibiao-jianyi-han", layout="docx-table", kind="函", form="letter",
        filename="关于县十七届人大二次会议代表建议办理情况的函.docx",
        mark=["西平县人民政府办公室"], issuers=["西平县人民政府办公室"],
        number="西政办函〔2022〕11号",
        title=["西平县人民政府办公室", "关于县十七届人大二次会议代表建议", "办理情况的函"],
        recipients="县人大常委会办公室：",
        body=[
            "县十七届人大二次会议期间，县人大代表共提出建议、批评和意见126件，经县人大常委会交办，由县政府负责办理的共118件。",
            "县政府高度重视，召开专题会议进行交办，明确由38个承办单位具体办理，并将办理工作纳入年度目标考核。",
            "截至7月底，118件建议已全部办结并答复代表，其中所提问题已经解决或基本解决的76件，列入计划逐步解决的33件，"
            "因条件限制暂时不能解决的9件，代表满意和基本满意率达98.3%。",
            "特此函告。",
        ],
        attachments=["县十七届人大二次会议代表建议办理情况统计表"],
        signature=["西平县人民政府办公室"], date="2022年8月5日",
        style={"fw_indent": True},
    ))

    # ---- joint documents ---------------------------------------------------------------
    docs.append(D(
        name="lianhe-nongji-butie-qingshi", layout="docx-table", kind="请示",
        filename="西农〔2024〕22号（农业农村局 财政局联合请示）.docx",
        mark=["西平县农业农村局", "西平县财政局", "文件"],
        issuers=["西平县农业农村局", "西平县财政局"],
        number="西农〔2024〕22号", signers=["王建军", "李红霞"],
        title=["关于申请2024年度农机购置与应用补贴", "县级配套资金的请示"],
        recipients="县人民政府：",
        body=[
            "根据《河南省2024—2026年农机购置与应用补贴实施方案》要求，我县2024年度共下达中央财政农机购置与应用补贴资金1850万元，"
            "可补贴各类农业机械约2600台（套）。",
            "为调动农民购机积极性，加快推进主要农作物生产全程机械化，县农业农村局、县财政局经共同研究，"
            "拟对购置大型粮食烘干机、植保无人机等重点机具在中央补贴基础上给予县级累加补贴，共需县级配套资金300万元。",
            "妥否，请批示。",
        ],
        attachments=["2024年度西平县农机购置县级累加补贴机具种类及标准"],
        signature=["西平县农业农村局", "西平县财政局"], date="2024年3月25日",
        note="联系人：张海涛，联系电话：0396-6223518",
        printer="西平县农业农村局办公室", print_date="2024年3月25日",
        style={"joint_table": True, "tabs": True},
    ))
    docs.append(D(
        name="lianhe-xuexiao-chuanranbing-tongzhi", layout="docx", kind="通知",
        filename="教育局 卫健委关于做好2023年秋季学期学校传染病防控工作的通知.docx",
        mark=["西平县教育局", "西平县卫生健康委员会文件"],
        issuers=["西平县教育局", "西平县卫生健康委员会"],
        number="西教〔2023〕58号",
        title=["关于做好2023年秋季学期学校传染病", "防控工作的通知"],
        recipients="各乡镇中心学校，县直各学校，各乡镇卫生院：",
        body=[
            "秋季开学在即，为切实做好学校传染病防控工作，保障广大师生身体健康，现就有关事项通知如下：",
            "一、落实晨午检和因病缺课追踪制度。各学校要安排专人每日开展晨午检，对因病缺课学生及时登记、追踪，"
            "发现异常情况立即向属地卫生院报告。",
            "二、加强重点传染病防控。要重点防范流感、诺如病毒感染、手足口病等传染病，落实通风、消毒等措施，防止聚集性疫情发生。",
            "三、强化医校协同。各乡镇卫生院要明确专人对口联系辖区学校，每月至少开展1次防控指导和健康教育。",
        ],
        signature=["西平县教育局", "西平县卫生健康委员会"],
        signature_line=f"西平县教育局{FW * 4}西平县卫生健康委员会",
        date="2023年8月28日",
        cc="市教育局，市卫生健康委员会。",
        printer="西平县教育局办公室", print_date="2023年8月29日",
    ))

    # ---- 县政府常务会议纪要 -------------------------------------------------------------
    docs.append(D(
        name="changwuhui-jiyao-2023-5", layout="docx", kind="纪要", form="minutes",
        filename="县政府常务会议纪要（2023年第5期）.docx",
        mark=["西平县人民政府常务会议纪要"], issuers=["西平县人民政府"],
        number="第5期", minutes_org="西平县人民政府办公室", date="2023年5月6日",
        body=[
            "2023年5月5日上午，县长李新民主持召开县政府第十一次常务会议，研究城区老旧小区改造、“三夏”生产和防汛准备等工作。"
            "现将会议议定事项纪要如下：",
            "一、关于2023年城区老旧小区改造工作。会议听取了县住房和城乡建设局关于2023年城区老旧小区改造项目实施计划的汇报，"
            "原则同意实施计划。会议要求，县住房和城乡建设局要加快前期手续办理，6月底前全部开工。",
            "二、关于“三夏”生产工作。会议要求，县农业农村局要统筹调度农机具，做好小麦机收和秸秆禁烧工作，确保颗粒归仓。",
            "三、关于防汛准备工作。会议强调，县水利局、县应急管理局要抓紧完成病险水库和河道堤防隐患排查，5月底前全面完成整改。",
        ],
        tail=[f"出席：李新民{FW}刘国栋{FW}王海燕{FW}陈志强{FW}赵建华",
              "列席：县政府办公室、县住房和城乡建设局、县农业农村局、县水利局、县应急管理局主要负责同志"],
        cc="县委办公室，县人大常委会办公室，县政协办公室。",
        printer="西平县人民政府办公室", print_date="2023年5月6日",
    ))
    docs.append(D(
        name="changwuhui-jiyao-2024-12", layout="txt", kind="纪要", form="minutes",
        filename="常务会议纪要第12期.txt",
        mark=["西平县人民政府常务会议纪要"], issuers=["西平县人民政府"],
        number="第12期", minutes_org="西平县人民政府办公室", date="2024年9月20日",
        body=[
            "2024年9月19日，县长李新民主持召开县政府第十二次常务会议，传达学习省、市有关会议精神，"
            "研究城区集中供热项目、秋季农业生产等事项。现纪要如下：",
            "一、会议原则同意《西平县城区集中供热项目实施方案》。由县住房和城乡建设局牵头，县发展和改革委员会、县财政局、"
            "县自然资源局配合，加快推进项目建设，确保今冬供暖季前一期管网投入使用。",
            "二、会议听取了县农业农村局关于秋收秋种工作的汇报。会议要求，各乡镇要抢抓晴好天气，加快秋粮收获进度，"
            "确保小麦适期播种面积稳定在105万亩以上。",
            "三、会议研究了其他事项。",
        ],
        printer="西平县人民政府办公室", print_date="2024年9月20日",
        style={"encoding": "gb18030", "wrap": 60, "center": True},
    ))

    # ---- 令 ----------------------------------------------------------------------------
    docs.append(D(
        name="xianzhengfu-ling-3", layout="pdf", kind="命令", form="order",
        filename="西平县人民政府令第3号.pdf",
        mark=["西平县人民政府令"], issuers=["西平县人民政府"],
        number="第3号",
        body=[
            "《西平县城市市容和环境卫生管理办法》已经2023年6月12日县人民政府第十五次常务会议审议通过，"
            "现予公布，自2023年8月1日起施行。",
        ],
        signature=[f"县长{FW}李新民"], date="2023年6月20日",
        extra=[
            ("pagebreak", ""),
            ("x_title", "西平县城市市容和环境卫生管理办法"),
            ("x_heading", "第一章　总则"),
            ("x_body", "第一条　为了加强城市市容和环境卫生管理，创造清洁、优美的城市工作和生活环境，"
                       "根据国务院《城市市容和环境卫生管理条例》等法律法规，结合本县实际，制定本办法。"),
            ("x_body", "第二条　本办法适用于本县城市规划区内的市容和环境卫生管理活动。"),
            ("x_body", "第三条　县城市管理局是本县市容和环境卫生行政主管部门，负责本办法的组织实施。"),
        ],
        cc="县委各部门，县人大常委会办公室，县政协办公室，县法院，县检察院。",
        printer="西平县人民政府办公室", print_date="2023年6月21日",
    ))

    # ---- deliberate format mistakes -----------------------------------------------------
    docs.append(D(
        name="cuowu-fangkuohao-weijian-qingshi", layout="docx", kind="请示",
        filename="卫健委请示（紧急医疗救援指挥中心）.docx",
        mark=["西平县卫生健康委员会文件"], issuers=["西平县卫生健康委员会"],
        number="西卫【2023】21号", signers=["刘春梅"],
        title=["关于申请建设西平县紧急医疗救援", "指挥中心的请示"],
        recipients="县人民政府：",
        body=[
            "目前，我县120急救指挥调度系统建于2012年，设备老化，调度功能单一，无法实现与公安、消防等部门的信息联动，"
            "难以适应突发公共卫生事件和重大事故紧急医疗救援需要。",
            "根据省卫生健康委关于加强县级院前医疗急救体系建设的要求，我委拟在县人民医院新建西平县紧急医疗救援指挥中心，"
            "配置智能调度系统和车载信息终端，并新增急救站点4个，项目总投资约680万元。",
            "妥否，请批示。",
        ],
        signature=["西平县卫生健康委员会"], date="2023年5月16日",
        note="联系人：何静，联系电话：0396-6225120",
        printer="西平县卫生健康委员会办公室", print_date="2023年5月16日",
        style={"tabs": True},
    ))
    docs.append(D(
        name="cuowu-hanzi-riqi-jiaoyu-baogao", layout="txt", kind="报告",
        filename="教育局校舍安全隐患排查整治情况报告.txt",
        mark=["西平县教育局文件"], issuers=["西平县教育局"],
        number="西教〔2023〕29号", signers=["赵志刚"],
        title=["关于2023年全县中小学校舍安全", "隐患排查整治情况的报告"],
        recipients="县人民政府：",
        body=[
            "按照县政府安排部署，我局于3月至4月组织开展了全县中小学校舍安全隐患排查整治工作，"
            "共排查各级各类学校186所，校舍建筑面积89.4万平方米。",
            "排查发现各类安全隐患63处，其中D级危房2栋、屋面渗漏21处、消防设施缺失或损坏28处、围墙开裂12处。",
            "目前，已整改完成51处，2栋D级危房已停止使用并落实拆除计划，剩余12处隐患计划于暑期集中整改。",
            "特此报告。",
        ],
        signature=["西平县教育局"], date="二〇二三年五月六日",
        printer="西平县教育局办公室", print_date="2023年5月8日",
        style={"crlf": True, "center": True},
    ))
    docs.append(D(
        name="cuowu-wu-wenzhong-shuili", layout="pdf", kind="报告",
        filename="西水〔2024〕31号.pdf",
        mark=["西平县水利局文件"], issuers=["西平县水利局"],
        number="西水〔2024〕31号", signers=["陈国华"],
        title=["关于西平县2024年冬春农田水利基本", "建设工作安排"],
        recipients="县人民政府：",
        body=[
            "为切实做好今冬明春农田水利基本建设工作，夯实粮食安全水利基础，我局结合全县实际，"
            "对2024年冬春农田水利基本建设工作作出如下安排：",
            "一、建设任务。全县计划完成农田水利建设投资1.26亿元，新建和改造小型灌排泵站18座，疏浚沟渠320公里，"
            "新打和修复机井860眼，新增和改善灌溉面积8.5万亩。",
            "二、时间安排。2024年11月至12月为集中施工期，2025年1月至3月为扫尾和验收期。",
            "三、保障措施。实行县级领导分包乡镇责任制，县水利局派出技术指导组驻点指导，对进度滞后的乡镇予以通报。",
            "特此报告。",
        ],
        signature=["西平县水利局"], date="2024年10月28日",
        note="联系人：冯立伟，联系电话：0396-6223051",
        printer="西平县水利局办公室", print_date="2024年10月28日",
        style={"width": 60, "per_page": 22},
    ))
    return docs


_RENDER = {"docx": _render_docx, "docx-table": _render_docx, "pdf": _render_pdf, "txt": _render_txt}


def heldout() -> list[HeldOut]:
    """The 30 held-out samples, rendered afresh (deterministic)."""
    out = []
    for d in _docs():
        out.append(HeldOut(name=d.name, filename=d.filename, data=_RENDER[d.layout](d),
                           layout=d.layout, truth=_truth(d)))
    return out


def _write(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    truth = {}
    for s in heldout():
        (target / s.filename).write_bytes(s.data)
        truth[s.filename] = {"name": s.name, "layout": s.layout, **s.truth}
    (target / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: heldout.py OUT_DIR")
    _write(Path(sys.argv[1]))
