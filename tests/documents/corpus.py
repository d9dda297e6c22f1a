"""A corpus of Chinese official documents (公文, GB/T 9704-2012), generated in code as real
files (.docx, .pdf, .txt, .md, a photo, a scan), each with its ground truth and the
routing the signing rules should give it; and a set of files that must be refused.

    from tests.documents.corpus import corpus, bad_files, ROSTER_PATH
    for s in corpus():
        s.name, s.filename, s.data, s.layout, s.truth, s.expect

Every document is written once as a `Doc` (its elements as printed) and rendered into
its layout; the truth is derived from the same `Doc`, so the file and its truth cannot
drift apart. Generation is deterministic (no clock, no unseeded randomness; .docx zip
entries carry a fixed timestamp).

`truth` — the elements as GB/T 9704 defines them (spaces taken out; lists split at ，、):
    copy_number secrecy urgency issuer_mark issuers number signers title recipients cc
    attachments signature date note printer print_date kind
  For the photo and the scan (`layout` "image"/"scan-pdf") only title, kind, number,
  issuer_mark and issuers are given, with `truth["ocr"] = True`.
  `number` is the 发文字号 as printed, or for a 令 its 令号 ("第3号", GB/T 9704 10.1);
  a 纪要's 期号 ("第6期") is not a 发文字号 (None).

`expect` — what routing the document against `ROSTER_PATH` should give:
    primary_rule  the signing rule that decides (None: cannot be routed)
    signer_role   that rule's signer ("县长", "分管副县长", "办公室主任"; None)
    countersign   sorted roster departments that must countersign (会签)
    checks        sorted format-check ids (knowledge/gongwen/format_checks.toml) that
                  should fire
    rule_checks   sorted check.* rule ids (第四十七条) that should apply
    missing       the slots the first reading (no answers yet) must ask, in the order
                  they are asked — what `route-file --json` calls "missing"
    answers       slot -> value for each of `missing`, plus any question one of those
                  answers brings up (an unknown issuer, once named a 部门, needs its
                  分管 area), so that routing with all of them at once can finish
    refused       True when the rules cannot route it at all (another county's unit, a
                  received document, a department document not addressed to the county
                  government)
The expectations follow the regulation and GB/T 9704 as written, also where the current
extractor does otherwise (see the report that came with this file).
"""
from __future__ import annotations

import io
import random
import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROSTER_PATH = HERE / "roster.toml"
FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

LAYOUTS = ("docx-plain", "docx-table-header", "docx-textbox-header", "pdf", "txt-crlf", "md",
           "image", "scan-pdf")
KINDS = ("决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示",
         "批复", "议案", "函", "纪要")
TRUTH_KEYS = ("copy_number", "secrecy", "urgency", "issuer_mark", "issuers", "number", "signers",
              "title", "recipients", "cc", "attachments", "signature", "date", "note", "printer",
              "print_date", "kind")
OCR_TRUTH_KEYS = ("title", "kind", "number", "issuer_mark", "issuers")


@dataclass
class Sample:
    name: str
    filename: str
    data: bytes
    layout: str
    truth: dict
    expect: dict


@dataclass
class Doc:
    """One 公文 as printed. Lines of text are given as they appear on paper."""
    name: str
    filename: str
    layout: str
    kind: str
    title: list[str]                      # the title's lines ([] for a 令 or a bare 纪要)
    body: list[str]                       # paragraphs of the text
    expect: dict
    mark: list[str] = field(default_factory=list)   # organs in the 发文机关标志
    mark_word: str = "文件"               # "文件"; "" (信函); "令"; "常务会议纪要" …
    spaced_mark: bool = False             # "西 平 县 人 民 政 府 文 件"
    copy_number: str | None = None
    secrecy: str | None = None
    urgency: str | None = None
    number: str | None = None
    signers: list[str] = field(default_factory=list)
    signer_sep: str = "　"                # between several 签发人 on one line
    serial: str | None = None             # 令号 or 期号, where the 发文字号 would be
    issued: tuple[str, str] | None = None  # a 纪要's head line: 编印单位, date
    recipients: str | None = None         # 主送机关 as printed, without the colon
    attachments: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)  # joint: printed side by side
    date: str | None = None
    note: str | None = None               # 附注, without its parentheses
    after: list[str] = field(default_factory=list)      # text printed after the note
    cc: str | None = None
    printer: str | None = None
    print_date: str | None = None
    opts: dict = field(default_factory=dict)
    truth_fix: dict = field(default_factory=dict)


def squeeze(text: str) -> str:
    return re.sub(r"[ \u3000\t]+", "", text)


def _split(text: str | None) -> list[str]:
    if not text:
        return []
    return [squeeze(p).strip("。") for p in re.split(r"[，、,]", text) if squeeze(p).strip("。")]


def _truth(doc: Doc) -> dict:
    t = {
        "copy_number": doc.copy_number,
        "secrecy": squeeze(doc.secrecy) if doc.secrecy else None,
        "urgency": doc.urgency,
        "issuer_mark": squeeze("".join(doc.mark) + doc.mark_word) if doc.mark else None,
        "issuers": list(doc.mark),
        # A 令's 令号 stands where the 发文字号 would (GB/T 9704 10.1); a 纪要's 期号 is no 发文字号.
        "number": squeeze(doc.number) if doc.number else (
            squeeze(doc.serial) if doc.serial and doc.kind == "命令" else None),
        "signers": list(doc.signers),
        "title": squeeze("".join(doc.title)) or None,
        "recipients": _split(doc.recipients),
        "cc": _split(doc.cc),
        "attachments": list(doc.attachments),
        "signature": [squeeze(s) for s in doc.signature],
        "date": doc.date or (doc.issued[1] if doc.issued else None),
        "note": doc.note,
        "printer": doc.printer,
        "print_date": doc.print_date,
        "kind": doc.kind,
    }
    t.update(doc.truth_fix)
    if doc.layout in ("image", "scan-pdf"):
        t = {k: t[k] for k in OCR_TRUTH_KEYS}
        t["ocr"] = True
    return t


# -- the text of a document, element by element -------------------------------------------

def _mark_text(doc: Doc) -> str:
    text = "".join(doc.mark) + doc.mark_word
    return " ".join(text) if doc.spaced_mark else text


def _number_text(doc: Doc, gap: str = "　　　　　　　　") -> str | None:
    if not doc.number:
        return None
    if doc.signers:
        return f"{doc.number}{gap}签发人：{doc.signer_sep.join(doc.signers)}"
    return doc.number


def _attachment_lines(doc: Doc) -> list[str]:
    if not doc.attachments:
        return []
    if len(doc.attachments) == 1:
        return [f"附件：{doc.attachments[0]}"]
    return [("附件：" if i == 0 else "　　　") + f"{i + 1}.{a}" for i, a in enumerate(doc.attachments)]


def _signature_lines(doc: Doc) -> list[str]:
    if len(doc.signature) > 1 and not doc.opts.get("signature_stacked"):
        return ["　　　　".join(doc.signature)]
    return list(doc.signature)


def _colophon_lines(doc: Doc) -> list[str]:
    out = []
    if doc.cc:
        out.append(f"抄送：{doc.cc}。")
    if doc.printer:
        out.append(f"{doc.printer}　　　　　　{doc.print_date}印发")
    return out


def _head_lines(doc: Doc) -> list[str]:
    out = [x for x in (doc.copy_number, doc.secrecy, doc.urgency) if x]
    if doc.mark:
        if len(doc.mark) > 1 and doc.opts.get("joint_rows"):
            # A table's rows exported one a line: the organs, "文件" in the first row.
            out.append(f"{doc.mark[0]}\t{doc.mark_word}")
            out += doc.mark[1:]
        else:
            out.append(_mark_text(doc))
    number = _number_text(doc)
    if number:
        out.append(number)
    if doc.serial:
        out.append(doc.serial)
    if doc.issued:
        out.append(f"{doc.issued[0]}　　　　　　　　{doc.issued[1]}")
    if doc.opts.get("separator"):
        out.append(doc.opts["separator"])
    return out


def _closing_lines(doc: Doc) -> list[str]:
    out = _signature_lines(doc)
    if doc.date:
        out.append(doc.date)
    if doc.note:
        out.append(f"（{doc.note}）")
    return out


def text_lines(doc: Doc, indent: str = "　　") -> list[str]:
    """The document as a plain-text export writes it (one paragraph a line)."""
    out = _head_lines(doc) + list(doc.title)
    if doc.recipients:
        out.append(doc.recipients + doc.opts.get("colon", "："))
    out += [indent + p for p in doc.body]
    out += [indent + a for a in _attachment_lines(doc)]
    out += ["　　　　　　　　　　　　" + s for s in _closing_lines(doc)]
    out += [indent + p for p in doc.after]
    out += _colophon_lines(doc)
    return out


def _txt(doc: Doc) -> bytes:
    text = "\r\n".join(text_lines(doc)) + "\r\n"
    return text.encode(doc.opts.get("encoding", "utf-8"))


def _md(doc: Doc) -> bytes:
    """What a Markdown editor (or pandoc from the .docx) gives: a heading for the title,
    headings for the parts of the text, a rule before the 版记."""
    out = _head_lines(doc)
    if doc.title:
        out.append("# " + "".join(doc.title))
    if doc.recipients:
        out.append(doc.recipients + "：")
    for p in doc.body:
        out.append(("## " + p) if re.match(r"^[一二三四五六七八九十]+、\S{2,16}$", p) else p)
    out += _attachment_lines(doc)
    out += _closing_lines(doc)
    out += doc.after
    if doc.cc or doc.printer:
        out.append("---")
        out += _colophon_lines(doc)
    return ("\n\n".join(out) + "\n").encode("utf-8")


# -- PDF (a text layer, GB/T 9704 page: 22 lines of 28 characters) --------------------------

_PAGE_LINES = 22
_LINE_CHARS = 28
_TITLE_CHARS = 22


def _wrap(text: str, width: int = _LINE_CHARS) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def pdf_pages(doc: Doc) -> list[list[str]]:
    # The title is set in 二号 (22 characters a line), the text in 三号 (28).
    flow = _head_lines(doc) + [w for t in doc.title for w in _wrap(t, _TITLE_CHARS)]
    if doc.recipients:
        flow += _wrap(doc.recipients + "：")
    for p in doc.body:
        flow += _wrap(p)
    closing = [a for x in _attachment_lines(doc) for a in _wrap(x.strip("　"))] + _closing_lines(doc)
    pages: list[list[str]] = [[]]

    def push(lines: list[str], *, together: bool = False) -> None:
        if together and len(pages[-1]) + len(lines) > _PAGE_LINES:
            # GB/T 9704 7.3.5: the signature and the date do not stand alone on a page.
            carry = pages[-1][-1:] if pages[-1] else []
            pages[-1] = pages[-1][:-1] if carry else pages[-1]
            pages.append(carry + lines)
            return
        for line in lines:
            if len(pages[-1]) == _PAGE_LINES:
                pages.append([])
            pages[-1].append(line)

    push(flow)
    push(closing, together=True)
    if doc.after:
        pages.append([])
        push([w for p in doc.after for w in _wrap(p)])
    colophon = [w for x in _colophon_lines(doc) for w in _wrap(x, 34)]
    if colophon:
        if len(pages[-1]) + len(colophon) > _PAGE_LINES:
            pages.append([])
        pages[-1] += [""] * (_PAGE_LINES - len(pages[-1]) - len(colophon)) + colophon
    return [[line for line in page if line] + [f"— {i} —"] for i, page in enumerate(pages, start=1)]


def _pdf(doc: Doc) -> bytes:
    from tests.pdfgen import make_pdf
    return make_pdf(pdf_pages(doc))


# -- .docx ----------------------------------------------------------------------------------

_FANGSONG, _XIAOBIAOSONG, _HEITI, _KAITI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def _run(p, text: str, *, font: str = _FANGSONG, size: float = 16, bold: bool = False,
         red: bool = False):
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    r = p.add_run(text)
    r.font.size = Pt(size)
    r.font.bold = bold
    r.font.name = font
    r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if red:
        r.font.color.rgb = RGBColor(0xFF, 0, 0)
    return r


def _para(container, text: str = "", *, align: str | None = None, font: str = _FANGSONG,
          size: float = 16, red: bool = False, indent: bool = False, right: float | None = None,
          left: float | None = None):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(29)
    if align:
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                       "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if right is not None:
        fmt.right_indent = Pt(right)
    if left is not None:
        fmt.left_indent = Pt(left)
    if text:
        _run(p, text, font=font, size=size, red=red)
    return p


def _border(p, sides=("bottom",), color: str = "FF0000", size: int = 12) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    for side in sides:
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), str(size))
        b.set(qn("w:space"), "1")
        b.set(qn("w:color"), color)
        bdr.append(b)
    ppr.insert_element_before(bdr, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
                              "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
                              "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                              "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                              "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                              "w:rPr", "w:sectPr", "w:pPrChange")


def _cell_text(cell, text: str, *, align: str = "center", size: float = 26, red: bool = True,
               font: str = _XIAOBIAOSONG) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    p = cell.paragraphs[0]
    _run(p, text, font=font, size=size, red=red)
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                   "left": WD_ALIGN_PARAGRAPH.LEFT, "distribute": WD_ALIGN_PARAGRAPH.DISTRIBUTE}[align]
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _mark_table(d, doc: Doc) -> None:
    """The red 发文机关标志 as a borderless table: one cell, or the organs on the left (one
    a row for a joint document) and the mark word in a merged cell on the right."""
    if len(doc.mark) == 1 and not doc.opts.get("two_columns"):
        table = d.add_table(rows=1, cols=1)
        _cell_text(table.cell(0, 0), _mark_text(doc), size=32)
        return
    table = d.add_table(rows=len(doc.mark), cols=2)
    for i, organ in enumerate(doc.mark):
        _cell_text(table.cell(i, 0), organ, align="distribute", size=30)
    right = table.cell(0, 1)
    if len(doc.mark) > 1:
        right = right.merge(table.cell(len(doc.mark) - 1, 1))
    _cell_text(right, doc.mark_word, size=40)


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _box_paragraph_xml(text: str, *, size_half_points: int, red: bool, center: bool = True) -> str:
    color = '<w:color w:val="FF0000"/>' if red else ""
    jc = '<w:jc w:val="center"/>' if center else ""
    return (f'<w:p><w:pPr>{jc}</w:pPr><w:r><w:rPr><w:rFonts w:ascii="{_XIAOBIAOSONG}" '
            f'w:eastAsia="{_XIAOBIAOSONG}" w:hAnsi="{_XIAOBIAOSONG}"/>{color}'
            f'<w:sz w:val="{size_half_points}"/></w:rPr>'
            f'<w:t xml:space="preserve">{_xml_escape(text)}</w:t></w:r></w:p>')


def _textbox_run(paragraphs_xml: str, box_id: int = 1) -> str:
    """A w:r holding a DrawingML text box (wps:txbx) with its VML fallback (v:textbox), as
    Word 2010+ and WPS write it: the same paragraphs twice, inside mc:AlternateContent."""
    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml" '
          'xmlns:o="urn:schemas-microsoft-com:office:office"')
    cx, cy = 5615940, 1080000
    return (
        f'<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f'<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" '
        f'relativeHeight="{251658240 + box_id}" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapTopAndBottom/><wp:docPr id="{box_id}" name="文本框 {box_id}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
        f'<wps:txbx><w:txbxContent>{paragraphs_xml}</w:txbxContent></wps:txbx>'
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr">'
        '<a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>'
        '</mc:Choice><mc:Fallback><w:pict>'
        f'<v:shape id="文本框 {box_id}" o:spid="_x0000_s{1025 + box_id}" type="#_x0000_t202" '
        'style="position:absolute;margin-left:0;margin-top:0;width:442.2pt;height:85pt;'
        f'z-index:{251658240 + box_id};mso-position-horizontal:center;mso-position-horizontal-relative:margin" '
        'filled="f" stroked="f"><v:textbox inset="0,0,0,0">'
        f'<w:txbxContent>{paragraphs_xml}</w:txbxContent></v:textbox></v:shape>'
        '</w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def _mark_textbox(d, doc: Doc) -> None:
    from docx.oxml import parse_xml

    inner = _box_paragraph_xml(_mark_text(doc), size_half_points=64, red=True)
    if doc.opts.get("number_in_box") and doc.number:
        inner += _box_paragraph_xml(_number_text(doc, "　　　　") or "", size_half_points=32, red=False)
    anchor = _para(d)
    anchor._p.append(parse_xml(_textbox_run(inner)))


def _number_paragraph(d, doc: Doc) -> None:
    if doc.signers and doc.opts.get("number_table"):
        table = d.add_table(rows=1, cols=2)
        _cell_text(table.cell(0, 0), doc.number, align="left", size=16, red=False, font=_FANGSONG)
        _cell_text(table.cell(0, 1), "签发人：" + doc.signer_sep.join(doc.signers), align="right",
                   size=16, red=False, font=_KAITI)
        return
    if doc.signers:
        p = _para(d, left=16)
        _run(p, doc.number)
        p.add_run().add_tab()
        p.add_run().add_tab()
        _run(p, "签发人：")
        _run(p, doc.signer_sep.join(doc.signers), font=_KAITI)
    else:
        _para(d, doc.number, align="center")


def _docx(doc: Doc) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    d = Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = d.styles["Normal"]
    normal.font.name = _FANGSONG
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FANGSONG)
    props = d.core_properties
    props.author = props.last_modified_by = "西平县人民政府办公室"
    props.title = squeeze("".join(doc.title)) or (doc.mark[0] if doc.mark else "")
    props.comments = ""
    props.created = props.modified = __import__("datetime").datetime(2020, 1, 1)

    for x in (doc.copy_number, doc.secrecy, doc.urgency):
        if x:
            _para(d, x, font=_HEITI)
    header = doc.opts.get("header") or {"docx-table-header": "table",
                                        "docx-textbox-header": "textbox"}.get(doc.layout, "plain")
    if doc.mark:
        if header == "table":
            _mark_table(d, doc)
        elif header == "textbox":
            _mark_textbox(d, doc)
        else:
            _para(d, _mark_text(doc), align="center", font=_XIAOBIAOSONG, size=32, red=True)
        _para(d)
    if doc.number and not (header == "textbox" and doc.opts.get("number_in_box")):
        _number_paragraph(d, doc)
    if doc.serial:
        _para(d, doc.serial, align="center")
    if doc.issued:
        p = _para(d)
        _run(p, doc.issued[0])
        p.add_run().add_tab()
        p.add_run().add_tab()
        _run(p, doc.issued[1])
    if doc.mark or doc.number:
        _border(_para(d), color="FF0000", size=16)   # the red line under the 版头
        _para(d)
    if doc.title and doc.opts.get("title_br"):
        p = _para(d, align="center")
        for i, line in enumerate(doc.title):
            if i:
                p.add_run().add_break()
            _run(p, line, font=_XIAOBIAOSONG, size=22)
    else:
        for line in doc.title:
            _para(d, line, align="center", font=_XIAOBIAOSONG, size=22)
    if doc.title:
        _para(d)
    if doc.recipients:
        _para(d, doc.recipients + "：")
    for p in doc.body:
        _para(d, p, indent=True, align="justify")
    if doc.attachments:
        _para(d)
        for line in _attachment_lines(doc):
            _para(d, line.strip("　"), left=32 if not line.startswith("附件") else None,
                  indent=line.startswith("附件"))
    if doc.signature or doc.date:
        _para(d)
        _para(d)
    if len(doc.signature) > 1 and doc.opts.get("signature_table"):
        table = d.add_table(rows=1, cols=len(doc.signature))
        for i, s in enumerate(doc.signature):
            _cell_text(table.cell(0, i), s, size=16, red=False, font=_FANGSONG)
    elif len(doc.signature) > 1:
        p = _para(d, align="right", right=32)
        for i, s in enumerate(doc.signature):
            if i:
                p.add_run().add_tab()
            _run(p, s)
    else:
        for s in doc.signature:
            _para(d, s, align="right", right=48)
    if doc.date:
        _para(d, doc.date, align="right", right=64)
    if doc.note:
        _para(d, f"（{doc.note}）", indent=True)
    if doc.after:
        from docx.enum.text import WD_BREAK
        _para(d).add_run().add_break(WD_BREAK.PAGE)
        for i, p in enumerate(doc.after):
            if i == 0:
                _para(d, p, align="center", font=_XIAOBIAOSONG, size=22)
            else:
                _para(d, p, indent=True)
    _colophon_docx(d, doc)
    out = io.BytesIO()
    d.save(out)
    return _stable_zip(out.getvalue())


def _colophon_docx(d, doc: Doc) -> None:
    if not (doc.cc or doc.printer):
        return
    _para(d)
    if doc.opts.get("colophon_table"):
        rows = (1 if doc.cc else 0) + (1 if doc.printer else 0)
        table = d.add_table(rows=rows, cols=2)
        r = 0
        if doc.cc:
            cell = table.cell(0, 0).merge(table.cell(0, 1))
            _cell_text(cell, f"抄送：{doc.cc}。", align="left", size=14, red=False, font=_FANGSONG)
            r = 1
        if doc.printer:
            _cell_text(table.cell(r, 0), doc.printer, align="left", size=14, red=False, font=_FANGSONG)
            _cell_text(table.cell(r, 1), f"{doc.print_date}印发", align="right", size=14, red=False,
                       font=_FANGSONG)
        return
    if doc.cc:
        p = _para(d, f"抄送：{doc.cc}。", size=14, left=14, right=14)
        _border(p, ("top", "bottom"), color="000000", size=8)
    if doc.printer:
        p = _para(d, size=14, left=14, right=14)
        _run(p, doc.printer, size=14)
        p.add_run().add_tab()
        p.add_run().add_tab()
        p.add_run().add_tab()
        _run(p, f"{doc.print_date}印发", size=14)
        _border(p, ("bottom",), color="000000", size=8)


def _stable_zip(data: bytes) -> bytes:
    """The same .docx with every entry's timestamp fixed, so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# -- photo and scan -------------------------------------------------------------------------

def _render_image(doc: Doc, *, angle: float, scale: float = 1.0, stroke: int = 0):
    """A photo-like page: black text on white, slightly rotated."""
    from PIL import Image, ImageDraw, ImageFont

    big = ImageFont.truetype(FONT_PATH, int(60 * scale))
    mid = ImageFont.truetype(FONT_PATH, int(46 * scale))
    small = ImageFont.truetype(FONT_PATH, int(38 * scale))
    width, margin = int(1300 * scale), int(90 * scale)
    rows: list[tuple[str, object, str]] = []   # text, font, align
    if doc.mark:
        rows.append((_mark_text(doc), big, "center"))
    if doc.number:
        rows.append((_number_text(doc, "　　　") or "", small, "center"))
    rows.append(("", small, "left"))
    for t in doc.title:
        rows += [(w, mid, "center") for w in _wrap(t, 24)]
    if doc.recipients:
        rows.append((doc.recipients + "：", small, "left"))
    for p in doc.body:
        rows += [(w, small, "left") for w in _wrap("　　" + p, 29)]
    for a in _attachment_lines(doc):
        rows.append((a, small, "left"))
    for s in _closing_lines(doc):
        rows.append((s, small, "right" if not s.startswith("（") else "left"))
    height = margin * 2 + sum(int(f.size * 1.6) for _, f, _ in rows)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    y = margin
    for text, font, align in rows:
        w = draw.textlength(text, font=font)
        x = {"left": margin, "center": (width - w) / 2, "right": width - margin - w - 60 * scale}[align]
        draw.text((x, y), text, font=font, fill=0, stroke_width=stroke, stroke_fill=0)
        y += int(font.size * 1.6)
    return img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)


_PDF_TIME = time.struct_time((2020, 5, 1, 8, 0, 0, 4, 122, 0))


def _png(doc: Doc) -> bytes:
    out = io.BytesIO()
    _render_image(doc, angle=0.5, scale=1.2).save(out, "PNG")
    return out.getvalue()


def _scan_pdf(doc: Doc) -> bytes:
    out = io.BytesIO()
    # Strokes thickened as a photocopy's are; Tesseract 5 chi_sim reads this one cleanly.
    _render_image(doc, angle=0.5, stroke=1).convert("RGB").save(
        out, "PDF", resolution=150.0, title="扫描件", creationDate=_PDF_TIME, modDate=_PDF_TIME)
    return out.getvalue()


_RENDER = {"docx-plain": _docx, "docx-table-header": _docx, "docx-textbox-header": _docx,
           "pdf": _pdf, "txt-crlf": _txt, "md": _md, "image": _png, "scan-pdf": _scan_pdf}


def render(doc: Doc) -> bytes:
    return _RENDER[doc.layout](doc)


# -- expectations ---------------------------------------------------------------------------

SUBMISSION = "sign.unit.submission"


def E(rule: str | None = None, signer: str | None = None, *, countersign=(), checks=(),
      rule_checks=(), missing=(), answers=None, refused: bool = False) -> dict:
    return {"primary_rule": rule, "signer_role": signer, "countersign": sorted(countersign),
            "checks": sorted(checks), "rule_checks": sorted(rule_checks), "missing": list(missing),
            "answers": dict(answers or {}), "refused": refused}


def submission(**kw) -> dict:
    """乡镇、部门报送县政府的公文 (第四十九条): the deputy in charge approves."""
    return E(SUBMISSION, "分管副县长", **kw)


def refused(**kw) -> dict:
    return E(None, None, refused=True, **kw)


# -- the documents --------------------------------------------------------------------------

GOV = "西平县人民政府"
OFFICE = "西平县人民政府办公室"
DOWN = "各乡镇人民政府，县人民政府各部门"
GOV_CC = "县委各部门，县人大常委会办公室，县政协办公室，县法院，县检察院，县人武部"
TO_GOV = "县人民政府"


def _county_docs() -> list[Doc]:
    docs: list[Doc] = []
    add = docs.append

    # ---- 县政府 (art 50, 51) -------------------------------------------------------------
    add(Doc(
        "gov-xizheng-notice-attached-plan", "西政〔2020〕3号 农村人居环境整治工作方案.docx", "docx-plain", "通知",
        mark=[GOV], number="西政〔2020〕3号",
        title=["西平县人民政府", "关于印发西平县2020年农村人居环境整治工作方案的通知"],
        recipients=DOWN,
        body=["现将《西平县2020年农村人居环境整治工作方案》印发给你们，请结合实际，认真贯彻执行。"],
        signature=[GOV], date="2020年2月20日", note="此件公开发布",
        after=["西平县2020年农村人居环境整治工作方案",
               "为持续改善农村人居环境，建设生态宜居美丽乡村，根据省、市有关工作部署，结合我县实际，制定本方案。",
               "一、目标任务",
               "到2020年底，全县农村生活垃圾收运处置体系实现行政村全覆盖，农村卫生厕所普及率达到85%以上，村庄生活污水乱排乱放得到有效管控。",
               "二、重点工作",
               "（一）推进农村厕所革命。按照“宜水则水、宜旱则旱”的原则，分类推进农村户厕改造，全年完成改厕1.2万户。",
               "（二）开展村庄清洁行动。集中清理农村生活垃圾、村内沟塘、畜禽养殖粪污等农业生产废弃物，做到村庄干净整洁。",
               "三、保障措施",
               "各乡镇人民政府是农村人居环境整治的责任主体，要明确专人负责，确保各项任务按期完成。"],
        cc=GOV_CC, printer=OFFICE, print_date="2020年2月21日",
        expect=E("sign.head.xizheng", "县长")))

    add(Doc(
        "gov-xizheng-opinion-table-header", "关于加快推进农业产业化发展的实施意见.docx", "docx-table-header", "意见",
        mark=[GOV], number="西政〔2020〕8号",
        title=["西平县人民政府", "关于加快推进农业产业化发展的实施意见"],
        recipients=DOWN,
        body=["为深入贯彻落实中央和省、市关于实施乡村振兴战略的决策部署，加快推进我县农业产业化发展，现提出如下实施意见。",
              "一、总体要求",
              "坚持以市场为导向、以效益为中心，培育壮大龙头企业，延伸产业链条，到2022年，全县农产品加工业产值达到120亿元。",
              "二、重点任务",
              "（一）做强畜牧产业。依托现有龙头企业，建设生猪、肉牛标准化养殖基地，推进养殖、屠宰、加工一体化发展。",
              "（二）做优粮食产业。稳定小麦、玉米种植面积，发展优质专用小麦，建设全国优质粮食生产基地。",
              "三、保障措施",
              "各乡镇人民政府、县人民政府各部门要把农业产业化发展摆上重要议事日程，加强统筹，狠抓落实。"],
        signature=[GOV], date="2020年4月10日", note="此件公开发布",
        cc=GOV_CC, printer=OFFICE, print_date="2020年4月11日",
        expect=E("sign.head.xizheng", "县长")))

    add(Doc(
        "gov-decision-textbox-header", "表彰决定.docx", "docx-textbox-header", "决定",
        mark=[GOV], number="西政文〔2020〕21号",
        title=["西平县人民政府", "关于表彰2019年度全县农业农村工作", "先进集体和先进个人的决定"],
        recipients=DOWN,
        body=["2019年，全县各级各部门认真贯彻落实县委、县政府决策部署，扎实推进农业农村各项工作，粮食生产再获丰收，农民收入稳步增长，涌现出一批成绩突出的先进集体和先进个人。",
              "为表彰先进、树立典型，县人民政府决定，授予出山镇人民政府等10个单位“2019年度全县农业农村工作先进集体”称号，授予王振东等30名同志“2019年度全县农业农村工作先进个人”称号。",
              "希望受到表彰的先进集体和个人珍惜荣誉，再接再厉，为全面推进乡村振兴作出新的更大贡献。"],
        attachments=["2019年度全县农业农村工作先进集体名单", "2019年度全县农业农村工作先进个人名单"],
        signature=[GOV], date="2020年3月12日", note="此件公开发布",
        cc=GOV_CC, printer=OFFICE, print_date="2020年3月13日",
        expect=E("sign.head.decision_order", "县长")))

    add(Doc(
        "gov-order-regulation", "西平县人民政府令第3号.docx", "docx-plain", "命令",
        mark=[GOV], mark_word="令", serial="第3号", title=[],
        body=["《西平县城市供水管理办法》已经2020年4月20日县人民政府第12次常务会议审议通过，现予公布，自2020年6月1日起施行。"],
        signature=["县长　王建国"], date="2020年4月28日",
        cc="县委各部门，县人大常委会办公室，县政协办公室", printer=OFFICE, print_date="2020年4月28日",
        # A 令 publishing a 办法 is how 规章 are published (条例第八条: 命令（令）适用于公布
        # 行政法规和规章); GB/T 9704 10.1: no 发文字号 (a 令号) and no title.
        expect=E("sign.head.regulation", "县长")))

    add(Doc(
        "gov-motion-congress-pdf", "关于提请审议2020年县级预算调整方案的议案.pdf", "pdf", "议案",
        mark=[GOV], number="西政文〔2020〕45号", signers=["王建国"],
        title=["西平县人民政府", "关于提请审议西平县2020年县级预算调整方案的议案"],
        recipients="西平县人民代表大会常务委员会",
        body=["根据《中华人民共和国预算法》有关规定，受新冠肺炎疫情影响和减税降费政策实施，我县2020年县级一般公共预算收入较年初预算减收较多，同时抗疫特别国债等上级补助增加，需对县级预算进行调整。",
              "县人民政府编制了《西平县2020年县级预算调整方案》，已经2020年7月20日县人民政府第18次常务会议讨论通过，现提请县人大常委会审议。"],
        signature=["县长　王建国"], date="2020年7月22日",
        printer=OFFICE, print_date="2020年7月22日",
        expect=E("sign.head.congress", "县长")))

    add(Doc(
        "gov-report-congress", "国有资产管理情况的报告.docx", "docx-plain", "报告",
        mark=[GOV], number="西政文〔2020〕50号", signers=["王建国"], opts={"title_br": True},
        title=["西平县人民政府", "关于2019年度国有资产管理情况的报告"],
        recipients="县人大常委会",
        body=["根据《中共中央关于建立国务院向全国人大常委会报告国有资产管理情况制度的意见》和县人大常委会工作安排，现将我县2019年度国有资产管理情况报告如下：",
              "一、国有资产总体情况",
              "截至2019年底，全县行政事业单位国有资产总额86.5亿元，县属国有企业资产总额112.3亿元。",
              "二、国有资产管理工作开展情况",
              "我县持续完善国有资产管理制度，开展行政事业单位资产清查，推进县属国有企业改革，国有资产管理水平不断提高。",
              "特此报告。"],
        signature=[GOV], date="2020年8月15日",
        printer=OFFICE, print_date="2020年8月15日",
        expect=E("sign.head.congress", "县长")))

    add(Doc(
        "gov-request-city-secret-urgent", "关于申请洪河堤防应急除险加固补助资金的请示.docx", "docx-table-header", "请示",
        copy_number="000012", secrecy="秘密★1年", urgency="特急",
        mark=[GOV], number="西政文〔2020〕15号", signers=["王建国"],
        title=["西平县人民政府", "关于申请洪河西平段堤防应急除险加固补助资金的请示"],
        recipients="驻马店市人民政府",
        body=["受连续强降雨影响，洪河西平段堤防出现多处管涌、渗漏险情，严重威胁沿岸群众生命财产安全。经县水利部门组织专家勘查，需对12.6公里堤防实施应急除险加固，估算总投资3200万元，我县已筹措资金800万元。",
              "鉴于我县财力困难，恳请市人民政府给予补助资金2400万元，以确保工程在主汛期前完工。",
              "妥否，请批示。"],
        attachments=["洪河西平段堤防应急除险加固工程投资估算表"],
        signature=[GOV], date="2020年6月2日", note="联系人：张伟，电话：0396-6221234",
        printer=OFFICE, print_date="2020年6月2日",
        expect=E("sign.head.upward", "县长")))

    add(Doc(
        "gov-report-party-committee-txt", "上半年经济运行情况的报告.txt", "txt-crlf", "报告",
        mark=[GOV], number="西政文〔2020〕38号", signers=["王建国"],
        title=["西平县人民政府", "关于2020年上半年经济运行情况的报告"],
        recipients="中共西平县委",
        body=["今年以来，面对新冠肺炎疫情带来的严峻考验，县人民政府在县委的坚强领导下，统筹推进疫情防控和经济社会发展，全县经济运行呈现稳中向好态势。现将有关情况报告如下：",
              "一、主要经济指标完成情况",
              "上半年，全县地区生产总值完成112.6亿元，同比增长0.8%；规模以上工业增加值同比增长1.5%；固定资产投资同比增长3.2%。",
              "二、下半年工作打算",
              "下半年，我们将坚持稳中求进工作总基调，抓项目、促投资、稳就业、保民生，确保完成全年目标任务。",
              "特此报告。"],
        signature=[GOV], date="2020年7月16日",
        printer=OFFICE, print_date="2020年7月16日",
        expect=E("sign.head.upward", "县长")))

    add(Doc(
        "gov-letter-other-county", "关于商请共同推进洪河流域综合治理的函.docx", "docx-plain", "函",
        mark=[GOV], mark_word="", number="西政函〔2020〕6号",
        title=["西平县人民政府", "关于商请共同推进洪河流域综合治理的函"],
        recipients="上蔡县人民政府",
        body=["洪河流经我县和贵县，流域综合治理事关两县群众防洪安全和生态环境改善。为统筹推进洪河流域综合治理，我县拟与贵县建立流域治理联席会议制度，共同编制洪河西平—上蔡段综合治理规划，统一治理标准，同步实施堤防加固和河道整治工程。",
              "特致函贵县，望予支持。具体事宜由两县水利部门对接。",
              "专此函商，盼复。"],
        signature=[GOV], date="2020年5月18日",
        printer=OFFICE, print_date="2020年5月18日",
        expect=E("sign.head.policy_letter", "县长", missing=["doc_kind"], answers={"doc_kind": "商洽函"})))

    add(Doc(
        "gov-appointment-spaced-mark", "人事任免通知.docx", "docx-plain", "通知",
        mark=[GOV], spaced_mark=True, number="西政人〔2020〕4号",
        title=["西平县人民政府", "关于王建军等同志职务任免的通知"],
        recipients=DOWN,
        body=["经县人民政府研究决定：",
              "任命王建军为西平县农业农村局副局长；",
              "任命赵丽娟为西平县教育局副局长；",
              "免去李红梅的西平县教育局副局长职务。"],
        signature=[GOV], date="2020年5月8日",
        cc="县委组织部，县人力资源和社会保障局", printer=OFFICE, print_date="2020年5月8日",
        expect=E("sign.head.appointment", "县长")))

    add(Doc(
        "gov-overall-notice-md", "关于做好元旦春节期间安全生产工作的通知.md", "md", "通知",
        mark=[GOV], number="西政文〔2020〕62号",
        title=["西平县人民政府", "关于做好2021年元旦春节期间安全生产工作的通知"],
        recipients=DOWN,
        body=["元旦、春节期间，人员流动频繁，生产经营活动增多，安全生产工作任务艰巨。为切实做好节日期间安全生产工作，确保全县安全生产形势持续稳定，现就有关事项通知如下：",
              "一、压实安全责任",
              "各乡镇、各部门要严格落实安全生产责任制，主要负责同志要亲自研究部署，分管负责同志要深入一线检查指导。",
              "二、深化隐患排查",
              "要聚焦道路交通、消防、危险化学品、建筑施工、燃气等重点行业领域，开展拉网式隐患排查整治。",
              "三、严格值班值守",
              "节日期间要严格执行24小时值班和领导带班制度，遇有重大情况及时报告县人民政府。"],
        signature=[GOV], date="2020年12月25日", note="此件公开发布",
        cc=GOV_CC, printer=OFFICE, print_date="2020年12月25日",
        expect=E("sign.gov.overall", "县长", missing=["scope", "subject_area"],
                 answers={"scope": "综合性", "subject_area": "发展改革"})))

    add(Doc(
        "gov-reply-portfolio", "关于同意实施老王坡滞洪区配套工程的批复.docx", "docx-plain", "批复",
        mark=[GOV], number="西政文〔2020〕33号",
        title=["西平县人民政府", "关于同意实施老王坡滞洪区配套工程的批复"],
        recipients="县水利局",
        body=["你局《关于申请实施老王坡滞洪区配套工程的请示》（西水〔2020〕9号）收悉。经研究，现批复如下：",
              "一、同意实施老王坡滞洪区配套工程，工程估算总投资2860万元。",
              "二、你局要严格执行基本建设程序，加强工程质量和安全管理，确保工程按期完工。",
              "此复。"],
        signature=[GOV], date="2020年6月20日",
        cc="县发展和改革委员会，县财政局，县自然资源局", printer=OFFICE, print_date="2020年6月20日",
        expect=E("sign.gov.portfolio", "分管副县长", missing=["scope", "subject_area"],
                 answers={"scope": "一般", "subject_area": "水利"})))

    add(Doc(
        "gov-announcement-land-pdf", "征收土地公告.pdf", "pdf", "公告",
        mark=[GOV], number="西政告〔2020〕2号",
        title=["西平县人民政府", "关于西平县2020年度第三批次城镇建设用地征收土地的公告"],
        body=["经河南省人民政府批准（豫政土〔2020〕512号），我县2020年度第三批次城镇建设用地需征收柏城街道办事处前进社区、小唐庄社区集体土地共计18.6公顷。根据《中华人民共和国土地管理法》有关规定，现将有关事项公告如下：",
              "一、征收土地的位置、地类和面积详见附表。",
              "二、被征收土地的所有权人、使用权人应在本公告发布之日起15日内，持土地权属证书到县自然资源局办理征地补偿登记。",
              "三、本公告发布之日起，任何单位和个人不得在征收范围内抢栽抢种、抢建抢修，违者不予补偿。",
              "特此公告。"],
        signature=[GOV], date="2020年9月3日",
        expect=E("sign.gov.portfolio", "分管副县长", missing=["scope", "subject_area"],
                 answers={"scope": "一般", "subject_area": "自然资源"})))

    add(Doc(
        "gov-circular-fireworks-gb18030", "禁止燃放烟花爆竹的通告.txt", "txt-crlf", "通告",
        title=["西平县人民政府", "关于城区禁止燃放烟花爆竹的通告"],
        body=["为保护和改善大气环境质量，保障公共安全和人身、财产安全，根据《烟花爆竹安全管理条例》等法律法规规定，县人民政府决定在城区禁止燃放烟花爆竹。现通告如下：",
              "一、禁止燃放的区域为：东至京港澳高速，西至107国道，南至洪河，北至西平大道所围合的区域。",
              "二、禁止燃放的时间为：自本通告发布之日起长期有效。",
              "三、违反本通告规定燃放烟花爆竹的，由公安机关依法予以处罚。",
              "特此通告。"],
        signature=[GOV], date="2020年11月30日",
        opts={"encoding": "gb18030"},
        expect=E("sign.gov.overall", "县长", checks=["mark.missing"], missing=["scope", "subject_area"],
                 answers={"scope": "全局性", "subject_area": "发展改革"})))

    # ---- 县政府办公室 (art 51) -----------------------------------------------------------
    add(Doc(
        "office-notice-table-header", "关于做好2020年春季植树造林工作的通知.docx", "docx-table-header", "通知",
        mark=[OFFICE], number="西政办〔2020〕12号", opts={"two_columns": True, "colophon_table": True},
        title=["西平县人民政府办公室", "关于做好2020年春季植树造林工作的通知"],
        recipients=DOWN,
        body=["为加快国土绿化步伐，推进森林西平建设，经县人民政府同意，现就做好2020年春季植树造林工作通知如下：",
              "一、明确目标任务",
              "2020年春季全县计划完成造林1.5万亩，其中廊道绿化3000亩、农田林网8000亩、村庄绿化4000亩。",
              "二、严格质量标准",
              "要坚持适地适树，选用良种壮苗，严格按照技术规程栽植，确保成活率达到90%以上。",
              "三、强化督导考核",
              "县国土绿化工作领导小组办公室将定期对各乡镇造林进度和质量进行督导，结果纳入年度目标考核。"],
        attachments=["西平县2020年春季植树造林任务分解表"],
        signature=[OFFICE], date="2020年2月25日", note="此件公开发布",
        cc="县委办公室，县人大常委会办公室，县政协办公室", printer=OFFICE, print_date="2020年2月25日",
        expect=E("sign.office.director", "办公室主任")))

    add(Doc(
        "office-bulletin-textbox-header", "第一季度重点项目建设督查情况通报.docx", "docx-textbox-header", "通报",
        mark=[OFFICE], number="西政办〔2020〕20号",
        title=["西平县人民政府办公室", "关于2020年第一季度重点项目建设督查情况的通报"],
        recipients=DOWN,
        body=["为推动重点项目建设提速增效，4月上旬，县人民政府督查室对全县2020年重点项目建设情况进行了专项督查。现将督查情况通报如下：",
              "一、总体情况",
              "全县2020年安排重点项目86个，总投资325亿元。第一季度，已开工项目62个，开工率72.1%，完成投资41.2亿元，占年度计划的23.5%。",
              "二、存在问题",
              "部分项目前期手续办理滞后，个别项目土地、资金等要素保障不到位，少数项目建设进度明显滞后于计划。",
              "三、下一步要求",
              "各项目责任单位要对照问题清单，逐项研究解决措施，确保第二季度项目建设取得明显进展。"],
        signature=[OFFICE], date="2020年4月16日",
        cc="县委办公室，县人大常委会办公室，县政协办公室", printer=OFFICE, print_date="2020年4月16日",
        expect=E("sign.office.director", "办公室主任")))

    add(Doc(
        "office-letter-city-department", "关于商请协助开展洪河水质联合监测的函.docx", "docx-plain", "函",
        mark=[OFFICE], mark_word="", number="西政办函〔2020〕9号",
        title=["西平县人民政府办公室", "关于商请协助开展洪河水质联合监测的函"],
        recipients="驻马店市生态环境局",
        body=["为及时掌握洪河西平段水质状况，我县拟于2020年6月至10月在洪河出入境断面开展水质加密监测。因我县监测能力有限，特商请贵局在监测技术和设备方面给予支持。",
              "盼复。"],
        signature=[OFFICE], date="2020年5月26日",
        printer=OFFICE, print_date="2020年5月26日",
        expect=E("sign.office.director", "办公室主任", missing=["doc_kind"], answers={"doc_kind": "一般公文"})))

    add(Doc(
        "office-report-city-pdf", "关于2020年政务公开工作情况的报告.pdf", "pdf", "报告",
        mark=[OFFICE], number="西政办〔2020〕31号", signers=["李志强"],
        title=["西平县人民政府办公室", "关于2020年政务公开工作情况的报告"],
        recipients="驻马店市人民政府办公室",
        body=["按照市人民政府办公室《关于报送2020年政务公开工作情况的通知》要求，现将我县2020年政务公开工作情况报告如下：",
              "一、主要工作",
              "全年通过县政府门户网站主动公开政府信息3260条，办理依申请公开42件，按时答复率100%。",
              "二、存在的问题",
              "个别部门信息更新不及时，政策解读形式较为单一。",
              "特此报告。"],
        signature=[OFFICE], date="2020年12月10日",
        printer=OFFICE, print_date="2020年12月10日",
        expect=E("sign.office.director", "办公室主任")))

    add(Doc(
        "office-forward-city-notice", "转发市政府办公室通知.docx", "docx-plain", "通知",
        mark=[OFFICE], number="西政办〔2020〕22号",
        title=["西平县人民政府办公室", "关于转发驻马店市人民政府办公室关于做好", "2020年防汛抗旱工作的通知的通知"],
        recipients=DOWN,
        body=["现将《驻马店市人民政府办公室关于做好2020年防汛抗旱工作的通知》（驻政办〔2020〕28号）转发给你们，请结合实际，认真贯彻落实。"],
        signature=[OFFICE], date="2020年5月18日",
        cc="县委办公室", printer=OFFICE, print_date="2020年5月18日",
        expect=E("sign.office.director", "办公室主任")))

    # ---- 会议纪要 (art 42) ---------------------------------------------------------------
    add(Doc(
        "minutes-standing-head-format", "县政府第六次常务会议纪要.docx", "docx-plain", "纪要",
        mark=[GOV], mark_word="常务会议纪要", serial="第6期", issued=(OFFICE, "2020年3月10日"),
        title=[],
        body=["2020年3月9日上午，县长王建国主持召开县人民政府第六次常务会议，研究城区老旧小区改造、春季农业生产等事项。现将会议议定事项纪要如下：",
              "一、关于城区老旧小区改造工作",
              "会议原则同意县住房和城乡建设局提出的2020年城区老旧小区改造计划，改造小区42个，涉及居民3860户。",
              "二、关于春季农业生产工作",
              "会议要求，各乡镇要抓好小麦春季田间管理，确保夏粮丰收。",
              "出席：王建国　李卫东　张国华　刘新民　陈晓红",
              "列席：县政府办公室、县住房和城乡建设局、县农业农村局主要负责同志"],
        cc="县委办公室，县人大常委会办公室，县政协办公室", printer=OFFICE, print_date="2020年3月10日",
        expect=E("sign.minutes.head", "县长")))

    add(Doc(
        "minutes-mayor-office-table", "县长办公会议纪要第12期.docx", "docx-table-header", "纪要",
        mark=[GOV], mark_word="县长办公会议纪要", serial="第12期",
        title=[],
        body=["2020年4月7日下午，县长王建国主持召开县长办公会议，专题研究城区集中供热项目建设有关问题。现将会议议定事项纪要如下：",
              "一、会议同意城区集中供热项目采取政府和社会资本合作模式实施，由县住房和城乡建设局牵头做好项目实施方案编制工作。",
              "二、项目用地由县自然资源局依法依规保障，确保项目于2020年6月底前开工建设。",
              "出席：王建国　李卫东　刘新民"],
        signature=[OFFICE], date="2020年4月8日",
        cc="县委办公室", printer=OFFICE, print_date="2020年4月8日",
        expect=E("sign.minutes.head", "县长")))

    add(Doc(
        "minutes-deputy-roster-chair-txt", "县长办公会议纪要第15期.txt", "txt-crlf", "纪要",
        mark=[GOV], mark_word="县长办公会议纪要", serial="第15期",
        title=[],
        body=["2020年5月12日上午，副县长示例·副县长乙主持召开县长办公会议，专题研究全县高标准农田建设有关问题。县农业农村局、县财政局、县水利局、县自然资源局负责同志参加会议。现将会议议定事项纪要如下：",
              "一、会议要求，县农业农村局要加快项目招标进度，确保2020年高标准农田建设项目6月底前全面开工。",
              "二、县财政局要按照项目进度及时拨付资金，县水利局、县自然资源局要做好项目区水利配套和用地保障工作。",
              "出席：示例·副县长乙　刘振华　陈志刚　孙国强　何建华"],
        signature=[OFFICE], date="2020年5月13日",
        cc="县委办公室", printer=OFFICE, print_date="2020年5月13日",
        expect=E("sign.minutes.deputy", "县长")))

    add(Doc(
        "minutes-deputy-unknown-chair", "县长办公会议纪要第18期.docx", "docx-plain", "纪要",
        mark=[GOV], mark_word="县长办公会议纪要", serial="第18期",
        title=[],
        body=["2020年6月3日下午，副县长刘建设主持召开县长办公会议，研究城区学校秋季学位保障有关问题。现将会议议定事项纪要如下：",
              "一、县教育局要抓紧完成城区新建学校招生计划编制工作，确保秋季开学学位供给。",
              "二、县住房和城乡建设局要督促施工单位加快城区第二实验小学建设进度，确保8月20日前交付使用。",
              "出席：刘建设　赵红　郭文斌"],
        signature=[OFFICE], date="2020年6月4日",
        cc="县委办公室", printer=OFFICE, print_date="2020年6月4日",
        # The chair is the deputy who reviews: no 分管 area to ask for.
        expect=E("sign.minutes.deputy", "县长", missing=["meeting_chair"],
                 answers={"meeting_chair": "示例·副县长丙"})))

    add(Doc(
        "minutes-plenary-pdf", "县政府第一次全体会议纪要.pdf", "pdf", "纪要",
        mark=[GOV], mark_word="全体会议纪要", serial="第1期", issued=(OFFICE, "2020年1月17日"),
        title=[],
        body=["2020年1月16日上午，县长王建国主持召开县人民政府第一次全体会议，传达学习省、市经济工作会议精神，安排部署2020年政府工作。现将会议主要精神纪要如下：",
              "一、会议强调，2020年是全面建成小康社会和“十三五”规划收官之年，县政府各部门要紧紧围绕县委决策部署，扎实做好稳增长、促改革、调结构、惠民生、防风险各项工作。",
              "二、会议要求，要持续加强政府自身建设，坚持依法行政，严格执行重大行政决策程序，全面推进政务公开，自觉接受县人大及其常委会的法律监督、工作监督和县政协的民主监督。",
              "三、会议要求，要坚决打好三大攻坚战，确保剩余贫困人口全部脱贫，持续改善生态环境质量，稳妥化解政府债务风险。",
              "四、会议要求，要加强廉洁政府建设，严格落实中央八项规定及其实施细则精神，驰而不息纠治“四风”，努力建设人民满意的服务型政府。",
              "出席：县人民政府组成人员",
              "列席：各乡镇人民政府、县直各单位主要负责同志"],
        cc="县委办公室，县人大常委会办公室，县政协办公室，县纪委监委，县法院，县检察院，县人武部，各乡镇人民政府",
        printer=OFFICE, print_date="2020年1月17日",
        expect=E("sign.minutes.plenary", None)))

    add(Doc(
        "minutes-special-meeting-question", "关于研究城区集中供暖有关问题的会议纪要.docx", "docx-plain", "纪要",
        mark=[GOV], mark_word="专题会议纪要", serial="第3期",
        title=["关于研究城区集中供暖有关问题的会议纪要"],
        body=["2020年10月20日，县长王建国主持召开专题会议，研究2020—2021年度城区集中供暖有关问题。现将会议议定事项纪要如下：",
              "一、2020—2021年度城区集中供暖时间为2020年11月15日至2021年3月15日。",
              "二、县住房和城乡建设局要督促供热企业做好供热设施检修，确保按时供暖。",
              "出席：王建国　刘新民　郭文斌"],
        signature=[OFFICE], date="2020年10月21日",
        cc="县委办公室", printer=OFFICE, print_date="2020年10月21日",
        expect=E("sign.minutes.head", "县长", missing=["meeting"], answers={"meeting": "县长办公会议"})))

    return docs


AGRI, FIN, WATER, LAND = "西平县农业农村局", "西平县财政局", "西平县水利局", "西平县自然资源局"
HOUSING, CULTURE, EDU, HEALTH = ("西平县住房和城乡建设局", "西平县文化广电和旅游局", "西平县教育局",
                                 "西平县卫生健康委员会")
ASK = "妥否，请批示。"


def _unit_docs() -> list[Doc]:
    """乡镇、部门报送县政府的公文 (art 47–49)."""
    docs: list[Doc] = []
    add = docs.append

    add(Doc(
        "dept-request-plain", "关于申请拨付高标准农田建设县级配套资金的请示.docx", "docx-plain", "请示",
        urgency="加急", mark=[AGRI], number="西农〔2020〕15号", signers=["刘振华"],
        title=["西平县农业农村局", "关于申请拨付2020年高标准农田建设县级配套资金的请示"],
        recipients=TO_GOV,
        body=["按照省、市高标准农田建设工作部署，我县2020年承担高标准农田建设任务5万亩，项目已通过市级评审，计划于2020年4月开工建设。",
              "根据项目实施方案，2020年高标准农田建设县级配套资金需1500万元。为确保项目按期开工建设，恳请县人民政府拨付县级配套资金1500万元。",
              ASK],
        attachments=["西平县2020年高标准农田建设项目资金测算表"],
        signature=[AGRI], date="2020年3月5日", note="联系人：李明，电话：0396-6231234",
        printer="西平县农业农村局办公室", print_date="2020年3月5日",
        expect=submission()))

    add(Doc(
        "dept-request-table-header-two-headings", "西财〔2020〕22号.docx", "docx-table-header", "请示",
        mark=[FIN], number="西财〔2020〕22号", signers=["陈志刚"], opts={"two_columns": True},
        title=["西平县财政局", "关于申请动用2020年县级预备费的请示"],
        recipients=TO_GOV,
        body=["为做好新冠肺炎疫情防控物资储备工作，县疫情防控指挥部拟集中采购一批防护服、口罩、消毒用品等应急物资，所需资金年初预算未作安排。",
              "一、申请依据",
              "根据《中华人民共和国预算法》第四十条规定，预备费用于当年预算执行中的自然灾害等突发事件处理增加的支出及其他难以预见的开支。",
              "二、申请金额及用途",
              "此次拟动用县级预备费800万元，全部用于疫情防控应急物资采购，资金由县卫生健康委员会按规定组织采购。",
              ASK],
        signature=[FIN], date="2020年2月10日", note="联系人：王芳，电话：0396-6222345",
        printer="西平县财政局办公室", print_date="2020年2月10日",
        # One matter (动用预备费) in two numbered headings that both say 申请.
        expect=submission()))

    add(Doc(
        "joint-request-table-header", "关于申请设立县级农业产业化发展专项资金的请示.docx", "docx-table-header", "请示",
        mark=[AGRI, FIN], number="西农〔2020〕18号", signers=["刘振华", "陈志刚"],
        opts={"signature_table": True},
        title=["西平县农业农村局　西平县财政局", "关于申请设立县级农业产业化发展专项资金的请示"],
        recipients=TO_GOV,
        body=["为贯彻落实《西平县人民政府关于加快推进农业产业化发展的实施意见》（西政〔2020〕8号），支持农业产业化龙头企业做大做强，我们研究提出了设立县级农业产业化发展专项资金的方案。",
              "专项资金规模为每年2000万元，主要用于龙头企业贷款贴息、农产品加工技术改造和品牌建设奖补，资金管理办法另行制定。",
              ASK],
        signature=[AGRI, FIN], date="2020年4月20日", note="联系人：李明，电话：0396-6231234",
        printer="西平县农业农村局办公室", print_date="2020年4月20日",
        expect=submission(countersign=["财政局"])))

    add(Doc(
        "dept-request-huitong-pdf", "西水〔2020〕9号 老王坡滞洪区配套工程请示.pdf", "pdf", "请示",
        mark=[WATER], number="西水〔2020〕9号", signers=["孙国强"],
        title=["西平县水利局", "关于申请实施老王坡滞洪区配套工程的请示"],
        recipients=TO_GOV,
        body=["老王坡滞洪区是洪河流域重要的防洪工程，现有进退洪闸建成于上世纪70年代，设施老化，存在较大安全隐患。",
              "我局已会同县自然资源局对工程占地范围进行了实地勘察，工程不涉及永久基本农田。工程主要建设内容为重建进洪闸1座、退洪闸1座，加固围堤8.5公里，估算总投资2860万元。",
              "为确保滞洪区安全运行，恳请县人民政府批准实施老王坡滞洪区配套工程。",
              ASK],
        signature=[WATER], date="2020年5月20日", note="联系人：周强，电话：0396-6225678",
        printer="西平县水利局办公室", print_date="2020年5月20日",
        expect=submission(countersign=["自然资源局"])))

    add(Doc(
        "dept-report-with-request", "关于秋季学期中小学开学工作情况的报告.docx", "docx-plain", "报告",
        mark=[EDU], number="西教〔2020〕30号", signers=["赵红"],
        title=["西平县教育局", "关于2020年秋季学期中小学开学工作情况的报告"],
        recipients=TO_GOV,
        body=["按照县人民政府统一部署，全县中小学于2020年9月1日正常开学。现将有关情况报告如下：",
              "一、开学基本情况",
              "全县中小学共有在校学生10.2万人，开学当天报到率99.6%，教材全部做到课前到书。",
              "二、存在的问题",
              "城区学校大班额问题仍较突出，城区小学平均班额达62人，学位供需矛盾突出。",
              "三、下一步工作",
              "为缓解城区学位紧张，我局拟在城区东部新建一所九年一贯制学校，所需建设资金1.2亿元，恳请县政府统筹解决。",
              ASK],
        signature=[EDU], date="2020年9月8日",
        printer="西平县教育局办公室", print_date="2020年9月8日",
        expect=submission(rule_checks=["check.report_with_request"])))

    add(Doc(
        "dept-report-to-leader-textbox", "县人民医院新院区建设进展情况的报告.docx", "docx-textbox-header", "报告",
        mark=[HEALTH], number="西卫健〔2020〕16号", signers=["周敏"], opts={"number_in_box": True},
        title=["西平县卫生健康委员会", "关于县人民医院新院区建设进展情况的报告"],
        recipients="李副县长",
        body=["县人民医院新院区项目总建筑面积12.8万平方米，总投资6.5亿元。截至2020年6月底，门诊医技楼主体结构已封顶，住院楼完成至第十二层，累计完成投资3.1亿元。",
              "下一步，我委将督促施工单位倒排工期，确保2021年6月底前竣工并投入使用。",
              "特此报告。"],
        signature=[HEALTH], date="2020年7月3日",
        printer="西平县卫生健康委员会办公室", print_date="2020年7月3日",
        expect=submission(rule_checks=["check.to_leader"])))

    add(Doc(
        "dept-request-bypass-city", "关于申请中小河流治理项目资金的请示.docx", "docx-plain", "请示",
        mark=[WATER], number="西水〔2020〕14号", signers=["孙国强"],
        title=["西平县水利局", "关于申请2020年度中小河流治理项目资金的请示"],
        recipients="驻马店市人民政府",
        body=["我县境内淤泥河、柳堰河等中小河流防洪标准低，河道淤积严重，每逢汛期沿岸农田易受淹。经初步测算，2020年度中小河流治理项目需资金4500万元。",
              "恳请市人民政府将我县淤泥河、柳堰河治理项目列入2020年度全市中小河流治理计划，并给予资金支持。",
              ASK],
        signature=[WATER], date="2020年3月18日", note="联系人：周强，电话：0396-6225678",
        printer="西平县水利局办公室", print_date="2020年3月18日",
        expect=submission(rule_checks=["check.bypass"])))

    add(Doc(
        "dept-request-city-counterpart", "关于申请2020年度水土保持补助资金的请示.docx", "docx-plain", "请示",
        mark=[WATER], number="西水〔2020〕16号", signers=["孙国强"],
        title=["西平县水利局", "关于申请2020年度水土保持重点工程补助资金的请示"],
        recipients="驻马店市水利局",
        body=["根据市水利局《关于做好2020年度水土保持重点工程项目申报工作的通知》要求，我县拟在出山镇、专探乡实施坡耕地水土流失综合治理工程，治理面积12平方公里，估算总投资960万元。",
              "恳请市水利局将我县项目列入2020年度全市水土保持重点工程计划，并给予补助资金600万元。",
              ASK],
        signature=[WATER], date="2020年4月2日", note="联系人：周强，电话：0396-6225678",
        printer="西平县水利局办公室", print_date="2020年4月2日",
        # To its own superior department (条例第十五条): not 越级, and not for the county
        # government to approve under articles 47–49.
        expect=refused()))

    add(Doc(
        "dept-request-two-recipients-txt", "关于申请老旧小区改造前期工作经费的请示.txt", "txt-crlf", "请示",
        mark=[HOUSING], number="西建〔2020〕11号", signers=["郭文斌"],
        title=["西平县住房和城乡建设局", "关于申请城区老旧小区改造项目前期工作经费的请示"],
        recipients="县人民政府、县发展和改革委员会",
        body=["根据县人民政府第六次常务会议精神，2020年我县计划改造城区老旧小区42个。为加快推进项目前期工作，需开展现状测绘、方案设计和造价咨询等工作，所需经费共计180万元。",
              "恳请批准安排城区老旧小区改造项目前期工作经费180万元。",
              ASK],
        signature=[HOUSING], date="2020年3月20日", note="联系人：孟凡，电话：0396-6227890",
        printer="西平县住房和城乡建设局办公室", print_date="2020年3月20日",
        expect=submission(rule_checks=["check.multiple_recipients"])))

    add(Doc(
        "town-request-two-matters", "出山镇关于申请防汛物资储备资金和新建党群服务中心的请示.docx", "docx-plain", "请示",
        mark=["出山镇人民政府"], number="出政〔2020〕8号", signers=["马卫东"],
        title=["出山镇人民政府", "关于申请拨付防汛物资储备资金和请求批准新建村级党群服务中心的请示"],
        recipients=TO_GOV,
        body=["一、关于申请拨付防汛物资储备资金",
              "我镇地处洪河上游，防汛任务繁重，现有防汛物资储备严重不足。恳请县人民政府拨付防汛物资储备资金50万元。",
              "二、关于请求批准新建村级党群服务中心",
              "我镇棠溪村、宋庄村现有村级活动场所面积狭小、年久失修。恳请县人民政府批准新建上述两村党群服务中心。",
              ASK],
        signature=["出山镇人民政府"], date="2020年5月6日", note="联系人：黄磊，电话：0396-6301234",
        printer="出山镇党政办公室", print_date="2020年5月6日",
        expect=submission(rule_checks=["check.one_matter"], missing=["subject_area"],
                          answers={"subject_area": "水利"})))

    add(Doc(
        "town-request-thanks-pdf", "专探乡关于申请小洪河节制闸除险加固资金的请示.pdf", "pdf", "请示",
        mark=["专探乡人民政府"], number="专政〔2020〕5号", signers=["韩立军"],
        title=["专探乡人民政府", "关于申请小洪河节制闸除险加固资金的请示"],
        recipients=TO_GOV,
        body=["近年来，在县委、县政府的正确领导下，在县水利局、县财政局等部门的大力支持和配合下，我乡农田水利基础设施建设取得明显成效。",
              "小洪河节制闸建于1978年，经安全鉴定为三类闸，闸门锈蚀、启闭设备老化，汛期存在较大安全隐患。经测算，除险加固工程需资金120万元，我乡已自筹资金20万元。",
              "恳请县人民政府解决小洪河节制闸除险加固资金100万元。",
              ASK],
        signature=["专探乡人民政府"], date="2020年4月9日", note="联系人：宋亮，电话：0396-6401234",
        printer="专探乡党政办公室", print_date="2020年4月9日",
        # Thanks for past support is not 会签: nobody else's remit is touched.
        expect=submission(missing=["subject_area"], answers={"subject_area": "水利"})))

    add(Doc(
        "dept-letter-consult-department", "关于征求专项资金管理办法意见的函.docx", "docx-plain", "函",
        mark=[AGRI], mark_word="", number="西农函〔2020〕7号",
        title=["西平县农业农村局", "关于征求《西平县农业产业化发展专项资金管理办法（征求意见稿）》意见的函"],
        recipients="县财政局",
        body=["为规范县级农业产业化发展专项资金管理，我局起草了《西平县农业产业化发展专项资金管理办法（征求意见稿）》，现送你局征求意见。",
              "请于2020年6月10日前将书面意见反馈我局，逾期视为无意见。"],
        attachments=["西平县农业产业化发展专项资金管理办法（征求意见稿）"],
        signature=[AGRI], date="2020年6月1日", note="联系人：李明，电话：0396-6231234",
        # A department writing to a department: not for the county government to sign; it
        # is itself the consultation of 第四十八条.
        expect=refused(countersign=["财政局"])))

    add(Doc(
        "dept-notice-to-schools-bom", "关于做好2020年秋季开学工作的通知.txt", "txt-crlf", "通知",
        mark=[EDU], number="西教〔2020〕41号", opts={"encoding": "utf-8-sig"},
        title=["西平县教育局", "关于做好2020年秋季开学工作的通知"],
        recipients="各乡镇中心学校，县直各学校",
        body=["2020年秋季学期将于9月1日开学。为确保开学工作平稳有序，现就有关事项通知如下：",
              "一、各学校要在8月25日前完成校园环境整治和消毒工作。",
              "二、要严格落实晨午检和因病缺勤追踪制度。",
              "三、要做好教材发放和学生资助工作，确保课前到书。"],
        signature=[EDU], date="2020年8月18日",
        printer="西平县教育局办公室", print_date="2020年8月18日",
        expect=refused()))

    add(Doc(
        "dept-not-in-roster", "关于申请将冷链物流园列入县重点项目的请示.docx", "docx-plain", "请示",
        mark=["西平县发展和改革委员会"], number="西发改〔2020〕26号", signers=["杨帆"],
        title=["西平县发展和改革委员会", "关于申请将西平县城乡冷链物流园项目列入2021年县重点项目的请示"],
        recipients=TO_GOV,
        body=["西平县城乡冷链物流园项目由河南豫冷物流有限公司投资建设，总投资5.6亿元，建设冷库、分拣中心和配送中心，项目建成后可有效补齐我县农产品冷链物流短板。",
              "项目已完成备案，用地预审正在办理中。恳请县人民政府将该项目列入2021年县重点项目。",
              ASK],
        signature=["西平县发展和改革委员会"], date="2020年11月12日", note="联系人：林涛，电话：0396-6228901",
        printer="西平县发展和改革委员会办公室", print_date="2020年11月12日",
        expect=submission(missing=["issuer"], answers={"issuer": "部门", "subject_area": "发展改革"})))

    add(Doc(
        "dept-statistics-bulletin-pdf", "2019年西平县国民经济和社会发展统计公报.pdf", "pdf", "公报",
        title=["2019年西平县国民经济和社会发展统计公报"],
        body=["2019年，面对复杂严峻的经济形势，全县上下坚持稳中求进工作总基调，经济运行总体平稳、稳中有进。",
              "一、综合",
              "初步核算，全年全县地区生产总值完成265.8亿元，比上年增长7.2%。其中，第一产业增加值42.6亿元，增长2.5%；第二产业增加值108.3亿元，增长7.8%；第三产业增加值114.9亿元，增长8.4%。",
              "二、农业",
              "全年粮食总产量97.2万吨，比上年增长1.3%。",
              "三、工业和建筑业",
              "全年全县规模以上工业增加值比上年增长8.6%。规模以上工业中，食品加工业增长10.2%，服装加工业增长7.5%，机械制造业增长6.9%。全年全县建筑业总产值56.3亿元，比上年增长9.8%。",
              "四、固定资产投资",
              "全年全县固定资产投资比上年增长10.6%。其中，工业投资增长12.3%，基础设施投资增长9.1%，民间投资增长8.7%。全年房地产开发投资21.6亿元，比上年增长6.2%。",
              "五、国内贸易",
              "全年全县社会消费品零售总额98.5亿元，比上年增长10.8%。按经营地统计，城镇消费品零售额67.2亿元，增长10.5%；乡村消费品零售额31.3亿元，增长11.4%。",
              "六、财政和金融",
              "全年全县一般公共预算收入10.6亿元，比上年增长8.1%，其中税收收入7.3亿元，增长7.6%。一般公共预算支出41.2亿元，增长6.5%。年末全县金融机构各项存款余额286.4亿元，比年初增加31.2亿元。",
              "七、教育和卫生",
              "年末全县共有各级各类学校312所，在校学生12.6万人。全县共有医疗卫生机构486个，卫生技术人员3862人，每千人拥有执业（助理）医师2.1人。",
              "八、人民生活和社会保障",
              "全年全县居民人均可支配收入19868元，比上年增长9.1%。其中城镇居民人均可支配收入29562元，增长7.8%；农村居民人均可支配收入14635元，增长9.6%。年末全县参加城乡居民基本养老保险人数52.3万人。",
              "注：本公报中部分数据为初步统计数，地区生产总值及各产业增加值绝对数按现价计算，增长速度按可比价格计算。"],
        signature=["西平县统计局"], date="2020年3月31日",
        # Published, not submitted to the county government.
        expect=refused(checks=["mark.missing", "number.missing"], missing=["issuer"],
                       answers={"issuer": "部门"})))

    add(Doc(
        "dept-report-culture-pdf", "西文广旅〔2020〕12号 上半年文化旅游工作情况的报告.pdf", "pdf", "报告",
        mark=[CULTURE], number="西文广旅〔2020〕12号", signers=["吴静"],
        title=["西平县文化广电和旅游局", "关于2020年上半年文化旅游工作情况的报告"],
        recipients="县政府",
        body=["今年上半年，我局统筹做好疫情防控和文化旅游恢复发展工作，全县文化旅游市场逐步回暖。现将有关情况报告如下：",
              "一、主要工作",
              "全县A级旅游景区于5月1日有序恢复开放，上半年接待游客86万人次，实现旅游综合收入3.2亿元。组织开展“文化进万家”文艺演出120场。",
              "（一）公共文化服务持续提升。县图书馆、文化馆、博物馆实行预约限流开放，全县19个乡镇综合文化站全部恢复开放，新建城市书房2个，完成村级综合性文化服务中心提质改造46个。",
              "（二）文物保护利用有序推进。完成谢老庄遗址考古勘探，申报省级文物保护单位3处；嫘祖文化园二期工程完成投资6800万元。",
              "（三）文化旅游市场安全平稳。开展文化市场综合执法检查280余次，出动执法人员1100人次，全县文化旅游领域未发生安全事故和重大投诉事件。",
              "二、下半年工作安排",
              "下半年，我局将加快嫘祖文化园提升改造，办好第十二届嫘祖文化节，推动文化旅游消费持续回升。",
              "特此报告。"],
        signature=[CULTURE], date="2020年7月10日",
        printer="西平县文化广电和旅游局办公室", print_date="2020年7月10日",
        expect=submission()))

    add(Doc(
        "dept-opinion-farmland", "关于进一步加强全县耕地保护工作的意见.docx", "docx-plain", "意见",
        mark=[LAND], number="西自然资〔2020〕18号", signers=["何建华"], opts={"number_table": True},
        title=["西平县自然资源局", "关于进一步加强全县耕地保护工作的意见"],
        recipients=TO_GOV,
        body=["为严格落实耕地保护制度，坚决遏制耕地“非农化”、防止“非粮化”，结合我县实际，现就进一步加强全县耕地保护工作提出如下意见：",
              "一、严格落实耕地保护责任。将耕地保护目标任务分解落实到各乡镇，纳入年度目标考核。",
              "二、严格控制建设占用耕地。各类建设项目要节约集约用地，尽量不占或少占耕地。",
              "三、严肃查处违法占地行为。对违法占用耕地的，依法依规从严查处。",
              "以上意见如无不妥，请批转各乡镇人民政府、县人民政府各部门执行。"],
        signature=[LAND], date="2020年10月9日",
        printer="西平县自然资源局办公室", print_date="2020年10月9日",
        expect=submission()))

    add(Doc(
        "joint-report-txt-table-rows", "关于2020年汛期水毁工程修复情况的报告.txt", "txt-crlf", "报告",
        mark=[WATER, LAND], number="西水〔2020〕30号", signers=["孙国强", "何建华"],
        opts={"joint_rows": True},
        title=["西平县水利局　西平县自然资源局", "关于2020年汛期水毁工程修复情况的报告"],
        recipients=TO_GOV,
        body=["2020年汛期，我县遭受多轮强降雨袭击，部分水利工程和地质灾害防治设施受损。按照县人民政府要求，我们组织对水毁工程进行了修复。现将有关情况报告如下：",
              "全县共修复水毁堤防3.2公里、涵闸6座，治理地质灾害隐患点2处，完成投资860万元，所有水毁工程均已在10月底前修复完毕。",
              "特此报告。"],
        signature=[WATER, LAND], date="2020年11月5日",
        printer="西平县水利局办公室", print_date="2020年11月5日",
        expect=submission(countersign=["自然资源局"])))

    return docs


def _refused_docs() -> list[Doc]:
    """Documents the county's rules cannot route: another county's, received ones."""
    docs: list[Doc] = []
    add = docs.append
    add(Doc(
        "other-county-request", "上蔡县农业农村局请示.docx", "docx-plain", "请示",
        mark=["上蔡县农业农村局"], number="上农〔2020〕11号", signers=["张建民"],
        title=["上蔡县农业农村局", "关于申请拨付2020年动物防疫经费的请示"],
        recipients="上蔡县人民政府",
        body=["为做好2020年重大动物疫病防控工作，全县春秋两季集中免疫需疫苗采购和防疫人员补助经费共计260万元。恳请县人民政府拨付2020年动物防疫经费260万元。",
              ASK],
        signature=["上蔡县农业农村局"], date="2020年3月2日", note="联系人：胡伟，电话：0396-6921234",
        expect=refused()))

    add(Doc(
        "city-notice-received-pdf", "驻马店市人民政府办公室关于做好2020年防汛抗旱工作的通知.pdf", "pdf", "通知",
        mark=["驻马店市人民政府办公室"], number="驻政办〔2020〕28号",
        title=["驻马店市人民政府办公室", "关于做好2020年防汛抗旱工作的通知"],
        recipients="各县区人民政府，驿城区、开发区、城乡一体化示范区、高新区管委会，市人民政府各部门",
        body=["当前，我市已进入汛期。据气象部门预测，今年汛期我市降水偏多，发生较重洪涝灾害的可能性较大。经市政府同意，现就做好2020年防汛抗旱工作通知如下：",
              "一、落实防汛责任。各县区要严格落实以行政首长负责制为核心的防汛抗旱责任制。",
              "二、强化隐患排查。要对水库、河道堤防、在建工程等重点部位开展拉网式排查。",
              "三、做好应急准备。要修订完善防汛应急预案，备足防汛物资。各县区要按照“分级负责、分级储备”的原则，储备编织袋、救生衣、砂石料等防汛物资，确保关键时刻调得出、用得上。",
              "四、加强监测预警。要密切关注天气变化，加密雨情、水情、汛情监测，及时发布预警信息。对可能发生的强降雨过程，要提前转移危险区域群众，确保人员安全。",
              "五、严格值班值守。汛期各级防汛抗旱指挥部要实行24小时值班制度，严格落实领导带班制度。发生险情灾情要第一时间报告，不得迟报、漏报、瞒报。",
              "六、强化督导检查。市防汛抗旱指挥部将组织督导组对各县区防汛准备工作进行督导检查，对责任不落实、措施不到位的，严肃追究有关人员责任。"],
        signature=["驻马店市人民政府办公室"], date="2020年5月15日", note="此件公开发布",
        cc="市委办公室，市人大常委会办公室，市政协办公室", printer="驻马店市人民政府办公室",
        print_date="2020年5月15日",
        expect=refused()))

    add(Doc(
        "congress-resolution", "关于批准2019年县级决算的决议.docx", "docx-plain", "决议",
        mark=["西平县人民代表大会常务委员会"], number="西人常〔2020〕15号",
        title=["西平县人民代表大会常务委员会", "关于批准西平县2019年县级决算的决议"],
        body=["（2020年8月28日西平县第十五届人民代表大会常务委员会第二十次会议通过）",
              "西平县第十五届人民代表大会常务委员会第二十次会议听取了县人民政府受县长委托所作的《关于西平县2019年县级决算的报告》，审查了西平县2019年县级决算。会议结合审议县审计局受县人民政府委托所作的审计工作报告，同意县人民代表大会财政经济委员会提出的审查报告，决定批准西平县2019年县级决算。"],
        signature=["西平县人民代表大会常务委员会"], date="2020年8月28日",
        expect=refused()))
    return docs


def _format_docs() -> list[Doc]:
    """Documents with one format fault each (GB/T 9704-2012; the 条例)."""
    docs: list[Doc] = []
    add = docs.append

    def request(name, filename, layout, organ, number, title, *, expect, signers=(), **kw):
        """A department's 请示 to the county government, filled in around one fault."""
        base = dict(
            mark=[organ], number=number, signers=list(signers), title=kw.pop("titles", [organ, title]),
            recipients=TO_GOV,
            body=kw.pop("body", ["经研究，该事项确有必要，所需资金我单位已无力自行解决。恳请县人民政府给予支持。", ASK]),
            signature=[organ], date=kw.pop("date", "2020年6月15日"),
            note=kw.pop("note", "联系人：张丽，电话：0396-6229012"))
        base.update(kw)
        return Doc(name, filename, layout, "请示", expect=expect, **base)

    add(request(
        "fmt-brackets-half-width", "西建[2020]6号.docx", "docx-plain", HOUSING, "西建[2020]6号",
        "关于申请城区雨污分流改造工程资金的请示", signers=["郭文斌"],
        body=["城区部分老旧街道仍为雨污合流排水，汛期易发生污水外溢。为改善城区水环境，我局拟对解放路、交通路等6条道路实施雨污分流改造，估算总投资2300万元。",
              "恳请县人民政府将该工程列入2020年城建计划并安排资金。", ASK],
        expect=submission(checks=["number.brackets"])))

    add(Doc(
        "fmt-brackets-full-width-square-txt", "西自然资［2020］9号.txt", "txt-crlf", "报告",
        mark=[LAND], number="西自然资［2020］9号", signers=["何建华"], opts={"colon": ":"},
        title=["西平县自然资源局", "关于2019年度耕地保护目标责任完成情况的报告"],
        recipients=TO_GOV,
        body=["2019年，我县严格落实耕地保护目标责任，全县耕地保有量达到13.6万公顷，永久基本农田保护面积11.8万公顷，均完成市政府下达的目标任务。",
              "特此报告。"],
        signature=[LAND], date="2020年2月28日",
        expect=submission(checks=["number.brackets"])))

    add(request(
        "fmt-brackets-parentheses-pdf", "西文广旅（2020）3号.pdf", "pdf", CULTURE, "西文广旅（2020）3号",
        "关于申请嫘祖文化节活动经费的请示", signers=["吴静"],
        body=["第十二届嫘祖文化节定于2020年10月举办，需安排开幕式、非遗展演、文化旅游推介等活动，经测算需经费150万元。",
              "恳请县人民政府安排嫘祖文化节活动经费150万元。", ASK],
        expect=submission(checks=["number.brackets"])))

    add(Doc(
        "fmt-year-two-digits", "西财〔20〕7号.docx", "docx-plain", "报告",
        mark=[FIN], number="西财〔20〕7号", signers=["陈志刚"],
        title=["西平县财政局", "关于2020年第一季度财政收支情况的报告"],
        recipients=TO_GOV,
        body=["2020年第一季度，全县一般公共预算收入完成3.6亿元，同比下降12.3%；一般公共预算支出完成8.9亿元，同比增长4.1%。受疫情影响，税收收入下降较多。",
              "特此报告。"],
        signature=[FIN], date="2020年4月8日",
        expect=submission(checks=["number.year_full"])))

    add(Doc(
        "fmt-serial-with-di", "西政办〔2020〕第5号.docx", "docx-plain", "通知",
        mark=[OFFICE], number="西政办〔2020〕第5号",
        title=["西平县人民政府办公室", "关于做好2020年全县森林防火工作的通知"],
        recipients=DOWN,
        body=["当前正值森林防火关键期，天气干燥，火险等级高。经县人民政府同意，现就做好森林防火工作通知如下：",
              "一、各乡镇要严格落实森林防火责任，加强野外用火管理。",
              "二、要加强巡山护林，及时发现和处置火情。"],
        signature=[OFFICE], date="2020年2月3日",
        cc="县委办公室", printer=OFFICE, print_date="2020年2月3日",
        expect=E("sign.office.director", "办公室主任", checks=["number.serial"])))

    add(Doc(
        "fmt-serial-leading-zero", "西卫健〔2020〕05号.docx", "docx-plain", "报告",
        mark=[HEALTH], number="西卫健〔2020〕05号", signers=["周敏"],
        title=["西平县卫生健康委员会", "关于全县基层医疗卫生机构能力提升工作情况的报告"],
        recipients=TO_GOV,
        body=["2019年以来，我委持续推进基层医疗卫生机构能力提升，全县19个乡镇卫生院全部达到国家“优质服务基层行”基本标准，6个乡镇卫生院达到推荐标准。",
              "特此报告。"],
        signature=[HEALTH], date="2020年1月20日",
        expect=submission(checks=["number.serial"])))

    add(request(
        "fmt-year-vs-date", "西教〔2019〕45号.docx", "docx-plain", EDU, "西教〔2019〕45号",
        "关于申请2020年城区学校校舍维修资金的请示", signers=["赵红"], date="2020年1月6日",
        body=["城区第一小学、第二初级中学部分校舍年久失修，存在安全隐患。经测算，维修资金需320万元。",
              "恳请县人民政府安排城区学校校舍维修资金320万元。", ASK],
        expect=submission(checks=["number.year_vs_date"])))

    add(request(
        "fmt-upward-without-signer", "关于申请农机购置补贴配套资金的请示.docx", "docx-plain", AGRI, "西农〔2020〕22号",
        "关于申请2020年农机购置补贴县级配套资金的请示", signers=(),
        body=["2020年，省下达我县农机购置补贴资金2800万元，按要求县级需配套资金300万元。",
              "恳请县人民政府安排农机购置补贴县级配套资金300万元。", ASK],
        expect=submission(checks=["signer.upward"])))

    add(Doc(
        "fmt-title-without-kind", "汛前安全检查情况.docx", "docx-plain", None,
        mark=[WATER], number="西水〔2020〕12号", signers=["孙国强"],
        title=["西平县水利局", "关于2020年汛前安全检查情况"],
        recipients=TO_GOV,
        body=["按照县防汛抗旱指挥部统一部署，我局于4月中旬组织对全县水库、河道堤防、涵闸等水利工程进行了汛前安全检查，共排查隐患23处，已整改18处，其余5处正在整改。"],
        signature=[WATER], date="2020年4月25日",
        expect=submission(checks=["title.kind"])))

    add(request(
        "fmt-two-titles", "关于申请拨付城区道路维修资金的请示.docx", "docx-plain", HOUSING, "西建〔2020〕15号",
        "关于申请拨付城区道路维修资金的请示", signers=["郭文斌"],
        titles=[HOUSING + "关于申请拨付城区道路维修资金的请示", HOUSING + "关于城区道路维修有关情况的报告"],
        body=["城区人民路、解放路部分路段路面破损严重，影响群众出行。经测算，维修资金需260万元。",
              "恳请县人民政府拨付城区道路维修资金260万元。", ASK],
        truth_fix={"title": HOUSING + "关于申请拨付城区道路维修资金的请示"},
        expect=submission(checks=["title.two"])))

    add(Doc(
        "fmt-request-without-recipient-txt", "关于申请动物防疫物资经费的请示.txt", "txt-crlf", "请示",
        mark=[AGRI], number="西农〔2020〕25号", signers=["刘振华"],
        title=["西平县农业农村局", "关于申请2020年秋季动物防疫物资经费的请示"],
        body=["为做好2020年秋季重大动物疫病集中免疫工作，需采购疫苗、消毒药品和防护用品，经测算需经费85万元。恳请县人民政府安排秋季动物防疫物资经费85万元。",
              ASK],
        signature=[AGRI], date="2020年8月26日", note="联系人：李明，电话：0396-6231234",
        expect=submission(checks=["recipients.missing"])))

    add(Doc(
        "fmt-no-date", "关于全县中小学校园安全专项整治情况的报告.docx", "docx-plain", "报告",
        mark=[EDU], number="西教〔2020〕36号", signers=["赵红"],
        title=["西平县教育局", "关于全县中小学校园安全专项整治情况的报告"],
        recipients=TO_GOV,
        body=["按照县人民政府部署，我局于9月组织开展了中小学校园安全专项整治，共排查整改安全隐患126处，校园安全形势总体平稳。",
              "特此报告。"],
        signature=[EDU],
        expect=submission(checks=["date.missing"])))

    add(Doc(
        "fmt-date-in-chinese-numerals", "关于开展第七次全国人口普查入户登记工作的通知.docx", "docx-plain", "通知",
        mark=[OFFICE], number="西政办〔2020〕40号",
        title=["西平县人民政府办公室", "关于开展第七次全国人口普查入户登记工作的通知"],
        recipients=DOWN,
        body=["根据国务院统一部署，第七次全国人口普查入户登记工作于2020年11月1日至12月10日进行。经县人民政府同意，现将有关事项通知如下：",
              "一、各乡镇要按时完成普查员、普查指导员选聘培训工作。",
              "二、县人民政府各部门要积极支持配合普查工作。"],
        signature=[OFFICE], date="二〇二〇年十月二十六日",
        cc="县委办公室", printer=OFFICE, print_date="2020年10月26日",
        expect=E("sign.office.director", "办公室主任", checks=["date.arabic"])))

    add(Doc(
        "fmt-date-invalid", "关于2020年春季学期复学工作情况的报告.docx", "docx-plain", "报告",
        mark=[EDU], number="西教〔2020〕12号", signers=["赵红"],
        title=["西平县教育局", "关于2020年春季学期复学工作情况的报告"],
        recipients=TO_GOV,
        body=["按照疫情防控要求，全县初三、高三年级已于4月7日复学，其他年级将分批错峰复学。",
              "特此报告。"],
        signature=[EDU], date="2020年2月30日",
        expect=submission(checks=["date.invalid"])))

    add(Doc(
        "fmt-no-signature", "关于新冠肺炎疫苗接种工作进展情况的报告.docx", "docx-plain", "报告",
        mark=[HEALTH], number="西卫健〔2020〕40号", signers=["周敏"],
        title=["西平县卫生健康委员会", "关于重点人群新冠肺炎疫苗接种工作进展情况的报告"],
        recipients=TO_GOV,
        body=["按照省、市统一部署，我县于12月中旬启动重点人群新冠肺炎疫苗接种工作，截至12月28日，累计接种1860人次，未发现严重异常反应。",
              "特此报告。"],
        date="2020年12月29日",
        expect=submission(checks=["signature.missing"])))

    add(request(
        "fmt-request-without-contact", "关于申请非遗保护专项经费的请示.docx", "docx-plain", CULTURE, "西文广旅〔2020〕9号",
        "关于申请2020年非物质文化遗产保护专项经费的请示", signers=["吴静"], note=None,
        body=["我县现有省级非物质文化遗产代表性项目5项、市级18项。为做好非遗项目传承保护，2020年需安排专项经费60万元。",
              "恳请县人民政府安排非物质文化遗产保护专项经费60万元。", ASK],
        expect=submission(checks=["note.contact"])))

    add(Doc(
        "fmt-secret-without-copy-number", "关于申请调整县城总体规划的请示.docx", "docx-plain", "请示",
        secrecy="机密★1年", mark=[GOV], number="西政文〔2020〕28号", signers=["王建国"],
        title=["西平县人民政府", "关于申请调整西平县城总体规划的请示"],
        recipients="驻马店市人民政府",
        body=["随着我县产业集聚区和城区东部新区建设加快推进，现行县城总体规划确定的城市发展方向和用地布局已难以适应发展需要。恳请市人民政府同意我县开展县城总体规划调整工作。",
              ASK],
        signature=[GOV], date="2020年5月11日", note="联系人：张伟，电话：0396-6221234",
        printer=OFFICE, print_date="2020年5月11日",
        expect=E("sign.head.upward", "县长", checks=["copy.secret"])))

    add(Doc(
        "fmt-cc-without-printer", "关于加强冬季供暖保障工作的通知.docx", "docx-plain", "通知",
        mark=[OFFICE], number="西政办〔2020〕45号",
        title=["西平县人民政府办公室", "关于加强2020年冬季城区供暖保障工作的通知"],
        recipients=DOWN,
        body=["为保障城区居民温暖过冬，经县人民政府同意，现就加强冬季供暖保障工作通知如下：",
              "一、供热企业要储足燃料，加强设备巡检，确保供热稳定。",
              "二、各有关部门要加强供热质量监管，及时处理群众投诉。"],
        signature=[OFFICE], date="2020年11月10日",
        cc="县委办公室，县人大常委会办公室，县政协办公室",
        expect=E("sign.office.director", "办公室主任", checks=["colophon.printer"])))

    add(Doc(
        "fmt-no-mark-no-number-txt", "请示（无版头）.txt", "txt-crlf", "请示",
        title=["关于申请解决出山镇中心卫生院病房楼改造资金的请示"],
        recipients=TO_GOV,
        body=["出山镇中心卫生院病房楼建于1995年，年久失修，部分房屋已成危房，住院病人安全存在隐患。经测算，改造资金需85万元。恳请县人民政府解决出山镇中心卫生院病房楼改造资金85万元。",
              ASK],
        signature=["出山镇人民政府"], date="2020年7月6日", note="联系人：黄磊，电话：0396-6301234",
        expect=submission(checks=["mark.missing", "number.missing"], missing=["subject_area"],
                          answers={"subject_area": "卫生健康"})))

    add(Doc(
        "fmt-no-title", "专探乡报送件.docx", "docx-plain", None,
        mark=["西平县专探乡人民政府"], number="专政〔2020〕9号", signers=["韩立军"],
        title=[],
        recipients=TO_GOV,
        body=["今年以来，我乡认真落实县委、县政府关于农村人居环境整治的部署，共清理农村生活垃圾3200吨，完成户厕改造860户，村容村貌明显改善。",
              "特此报告。"],
        signature=["西平县专探乡人民政府"], date="2020年9月22日",
        expect=submission(checks=["title.missing"], missing=["subject_area"],
                          answers={"subject_area": "乡村振兴"})))
    return docs


def _ocr_docs() -> list[Doc]:
    return [
        Doc("photo-request-png", "微信图片_20200310.png", "image", "请示",
            mark=[AGRI], number="西农〔2020〕16号", signers=["刘振华"],
            title=["西平县农业农村局", "关于申请小麦条锈病防控经费的请示"],
            recipients=TO_GOV,
            body=["近期我县部分乡镇发现小麦条锈病发病中心，为防止病害扩散蔓延，需开展统防统治。经测算需防控经费60万元。",
                  "恳请县人民政府安排小麦条锈病防控经费60万元。", ASK],
            signature=[AGRI], date="2020年3月10日", note="联系人：李明，电话：0396-6231234",
            expect=submission()),
        Doc("scan-office-notice", "扫描件_西政办.pdf", "scan-pdf", "通知",
            mark=[OFFICE], number="西政办〔2020〕26号",
            title=["西平县人民政府办公室", "关于做好2020年夏粮收购工作的通知"],
            recipients=DOWN,
            body=["当前夏粮收购工作即将全面展开。经县人民政府同意，现就做好夏粮收购工作通知如下：",
                  "一、各收储企业要按照国家规定敞开收购，不得拒收、限收。",
                  "二、各乡镇要加强市场监管，维护正常收购秩序。"],
            signature=[OFFICE], date="2020年5月28日",
            expect=E("sign.office.director", "办公室主任")),
    ]


def _all_docs() -> list[Doc]:
    return _county_docs() + _unit_docs() + _refused_docs() + _format_docs() + _ocr_docs()


def corpus() -> list[Sample]:
    """The documents, rendered (about a second: the photo and the scan are drawn)."""
    return [Sample(d.name, d.filename, render(d), d.layout, _truth(d), d.expect) for d in _all_docs()]


def documents() -> list[Doc]:
    """The documents' specifications, without rendering them."""
    return _all_docs()


# -- files that must be refused -------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CACHE: dict[str, bytes] = {}


def _zip(entries: dict[str, bytes], *, level: int | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


def _cached(key: str, make) -> bytes:
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def _zip_bomb() -> bytes:
    """A real .docx-shaped zip whose word/document.xml unpacks to 80 MB (about 80 KB packed)."""
    return _zip({"[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
                 "word/document.xml": b"0" * (80 * 1024 * 1024)}, level=9)


def _too_big() -> bytes:
    return b"%PDF-1.4\n" + b"\0" * (61 * 1024 * 1024)


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    from tests.pdfgen import make_pdf

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf([["西平县人民政府办公室文件", "西政办〔2020〕50号",
                                                  "关于做好全县冬季安全生产工作的通知"]]))))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_only_pdf() -> bytes:
    doc = next(d for d in _ocr_docs() if d.layout == "scan-pdf")
    return _scan_pdf(doc)


def _minimal_xlsx() -> bytes:
    return _zip({
        "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>',
        "xl/worksheets/sheet1.xml": b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>',
    })


def _real_docx() -> bytes:
    return _cached("real_docx", lambda: render(next(d for d in _unit_docs() if d.name == "dept-request-plain")))


def bad_files() -> list[tuple[str, str, bytes]]:
    """(IntakeError code, filename, data). "scan_without_ocr" is an image-only PDF, to be read
    with OCR disabled (expect code "no_ocr"). The 80 MB zip and the 61 MB file are built on
    first use and cached; pass a smaller Limits.max_bytes to test "too_big" cheaply."""
    rng = random.Random(9704)
    junk = bytes([0x17]) + rng.randbytes(4095)          # no magic number at the start
    real = _real_docx()
    return [
        ("encrypted", "加密的请示.pdf", _cached("encrypted", _encrypted_pdf)),
        ("scan_without_ocr", "扫描件.pdf", _cached("scan", _image_only_pdf)),
        ("old_word", "关于申请资金的请示.doc", _OLE_MAGIC + rng.randbytes(2040)),
        ("old_word", "会议通知.wps", _OLE_MAGIC + rng.randbytes(1016)),
        ("zip_bomb", "压缩炸弹.docx", _cached("zip_bomb", _zip_bomb)),
        ("broken_docx", "乱码.docx", junk),
        ("broken_docx", "传了一半.docx", real[: len(real) // 2]),
        ("not_docx", "不是文档.docx", _zip({"readme.txt": "这是一个普通的压缩包。".encode("utf-8"),
                                           "images/logo.png": b"\x89PNG\r\n\x1a\n"})),
        ("spreadsheet", "2020年项目汇总表.xlsx", _minimal_xlsx()),
        ("spreadsheet", "项目名单.csv", "序号,项目名称,投资（万元）\r\n1,老王坡滞洪区配套工程,2860\r\n".encode("gb18030")),
        ("spreadsheet", "旧版汇总表.xls", _OLE_MAGIC + rng.randbytes(1016)),
        ("too_big", "超大的扫描件.pdf", _cached("too_big", _too_big)),
        ("empty", "空文件.docx", b""),
        ("broken_pdf", "损坏的文件.pdf", b"%PDF-1.4\n" + rng.randbytes(2048)),
    ]
