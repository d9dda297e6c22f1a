"""Read a file someone sent (bytes and a file name) into lines of text, or refuse it with
a Chinese message that says what to do instead.

The type is decided by the bytes, not the name: a .docx that is not a zip, a .doc renamed
.docx and a spreadsheet are each told apart. Nothing is written to disk except a
temporary image for OCR, inside a directory removed before returning.
"""
from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from lxml import etree

from bot.documents.ocr import OcrEngine
from ingest.readers import decode_text, split_lines

# pypdf warns about every odd file it is given ("EOF marker not found"); a sender's broken
# PDF is answered in the chat, not logged as a problem of ours.
logging.getLogger("pypdf").setLevel(logging.ERROR)

SUPPORTED = ".docx、.pdf、.txt、.md 或图片（照片、扫描件）"
# Pages of a scanned PDF that are read by OCR at the start (the last page is read too).
OCR_PAGES = 2


class IntakeError(Exception):
    """A file we cannot read; `message` is Chinese and says what to do instead."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_pages: int = 40
    max_chars: int = 200_000
    max_unpacked_bytes: int = 60 * 1024 * 1024

    @classmethod
    def from_config(cls, docs) -> "Limits":
        return cls(docs.max_bytes, docs.max_pages, docs.max_chars, docs.max_unpacked_bytes)


@dataclass
class Extracted:
    lines: list[str]
    kind: str                 # docx, pdf, text, image, scan (a PDF without a text layer)
    pages: int = 1
    ocr: bool = False         # the text came from OCR: bracket shapes are not reliable
    notes: list[str] = field(default_factory=list)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM",
                b"II*\x00", b"MM\x00*")
_SPREADSHEET_SUFFIXES = {".xls", ".xlsx", ".xlsm", ".et", ".ets", ".csv", ".ods"}
# Invisible characters that Word and PDF producers leave in text.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def read_upload(data: bytes, filename: str, limits: Limits, ocr: OcrEngine | None) -> Extracted:
    name = PurePath(filename or "").name
    suffix = PurePath(name).suffix.lower()
    if not data:
        raise IntakeError("empty", "文件是空的，请重新发送。")
    if len(data) > limits.max_bytes:
        raise IntakeError("too_big", f"文件有 {_mb(len(data))}，超过 {_mb(limits.max_bytes)} 的上限"
                                     "（Telegram 只允许机器人下载 20 MB 以内的文件）。请只发送公文正文。")
    head = data[:8]
    if data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        result = _read_pdf(data, limits, ocr)
    elif head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        result = _read_zip(data, suffix, limits)
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if suffix in _SPREADSHEET_SUFFIXES:
            raise IntakeError("spreadsheet", _spreadsheet())
        raise IntakeError("old_word", "这是旧版 Word（.doc）或 WPS（.wps）格式，我读不了。"
                                      "请在 Word 或 WPS 中“另存为” .docx 或 PDF 后再发送。")
    elif data.startswith(b"{\\rtf"):
        raise IntakeError("rtf", "这是 RTF 格式，我读不了。请另存为 .docx 或 PDF 后再发送。")
    elif any(head.startswith(m) for m in _IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        result = _read_image(data, ocr)
    elif suffix in _SPREADSHEET_SUFFIXES:
        raise IntakeError("spreadsheet", _spreadsheet())
    elif suffix == ".docx":
        raise IntakeError("broken_docx", "这个 .docx 文件已损坏或并不是 Word 文档，打不开。"
                                         "请在 Word 或 WPS 中重新保存后再发送。")
    elif suffix in ("", ".txt", ".md", ".text"):
        result = Extracted(_text_lines(data, markdown=suffix == ".md"), "text")
    else:
        raise IntakeError("unsupported", f"不支持“{suffix}”类型的文件。请发送 {SUPPORTED}。")
    lines = _clean(result.lines)
    if sum(len(line) for line in lines) > limits.max_chars:
        raise IntakeError("too_long", f"文件文字超过 {limits.max_chars} 字，不像是一份公文。"
                                      "请只发送需要审签的那份公文。")
    if not lines:
        raise IntakeError("no_text", "文件里没有找到文字。")
    result.lines = lines
    return result


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n % (1024 * 1024) else f"{n // (1024 * 1024)} MB"


def _spreadsheet() -> str:
    return "这是电子表格，不是公文。请发送公文本身（.docx、PDF 或照片）。"


def _clean(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        line = line.translate(_INVISIBLE).replace("\xa0", " ").replace("\t", " ")
        line = "".join(ch for ch in line if unicodedata.category(ch) != "Cc")
        line = line.strip(" \u3000\r\n")
        if line:
            out.append(line)
    return out


# -- text --------------------------------------------------------------------------------

def _text_lines(data: bytes, markdown: bool = False) -> list[str]:
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16", errors="strict")
        except UnicodeDecodeError:
            text = None
    else:
        if b"\x00" in data[:4096]:
            raise IntakeError("binary", f"这个文件不是文字文件，我读不了。请发送 {SUPPORTED}。")
        text = decode_text(data)
    if text is None:
        raise IntakeError("encoding", "无法识别这个文字文件的编码。请另存为 UTF-8 后再发送。")
    lines = split_lines(text)
    if markdown:  # headings, emphasis and quotes are layout, not text
        lines = [re.sub(r"^\s{0,3}(#{1,6}\s+|>\s?)", "", line) for line in lines]
        lines = [re.sub(r"(\*\*|__)(.+?)\1", r"\2", line) for line in lines]
    return lines


# -- .docx -------------------------------------------------------------------------------

def _read_zip(data: bytes, suffix: str, limits: Limits) -> Extracted:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise IntakeError("broken_docx", "文件已损坏（压缩包不完整），打不开。请重新保存后再发送。") from None
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        if any(n.startswith("xl/") for n in names):
            raise IntakeError("spreadsheet", _spreadsheet())
        if any(n.startswith("ppt/") for n in names):
            raise IntakeError("presentation", "这是演示文稿（PPT），不是公文。请发送公文本身。")
        if "OFD.xml" in names:
            raise IntakeError("ofd", "这是 OFD 版式文件，我还读不了。请另存为 PDF 或 .docx 后再发送。")
        raise IntakeError("not_docx", f"这个压缩文件里没有 Word 文档。请发送 {SUPPORTED}。")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limits.max_unpacked_bytes:
        raise IntakeError("zip_bomb", "这个 .docx 解压后异常巨大（可能是恶意构造的文件），已拒绝读取。"
                                      "请在 Word 中重新保存后再发送。")
    info = archive.getinfo("word/document.xml")
    try:
        with archive.open(info) as f:
            xml = f.read(limits.max_unpacked_bytes + 1)
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile, NotImplementedError, RuntimeError):
        raise IntakeError("broken_docx", "这个 .docx 文件已损坏，打不开。请重新保存后再发送。") from None
    if len(xml) > limits.max_unpacked_bytes:
        raise IntakeError("zip_bomb", "这个 .docx 解压后异常巨大，已拒绝读取。")
    return Extracted(docx_lines(xml), "docx")


def docx_lines(xml: bytes) -> list[str]:
    """Lines of word/document.xml in reading order: paragraphs, table rows (cells side by
    side), and text boxes (where they are anchored, before their paragraph's own text)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        raise IntakeError("broken_docx", "这个 .docx 文件的内容已损坏，打不开。请重新保存后再发送。") from None
    body = root.find(f"{{{_W}}}body")
    lines: list[str] = []
    if body is not None:
        _block(body, lines)
    return lines


def _block(parent, lines: list[str]) -> None:
    for child in parent:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if tag == "p":
            _paragraph(child, lines)
        elif tag == "tbl":
            _table(child, lines)
        elif tag in ("sdt", "sdtContent", "customXml", "ins", "smartTag"):
            _block(child, lines)


def _paragraph(p, lines: list[str]) -> None:
    own: list[str] = []
    boxes: list[str] = []
    for el in p.iter():
        if el is p or not isinstance(el.tag, str) or _nearest_owner(el, p) is not p:
            continue  # the text of a text box (or a paragraph inside it) is read with the box
        if _in_fallback(el, p):
            continue
        name = etree.QName(el).localname
        if name == "txbxContent":
            box: list[str] = []
            _block(el, box)
            boxes.extend(box)
        elif name == "t" and el.text:
            own.append(el.text)
        elif name == "tab":
            own.append(" ")
        elif name in ("br", "cr"):
            own.append("\n")
    lines.extend(boxes)
    lines.extend("".join(own).split("\n"))


_OWNERS = (f"{{{_W}}}p", f"{{{_W}}}txbxContent")


def _nearest_owner(el, stop):
    """The nearest enclosing paragraph or text box of an element, up to `stop`."""
    node = el.getparent()
    while node is not None and node is not stop:
        if node.tag in _OWNERS:
            return node
        node = node.getparent()
    return stop


def _in_fallback(el, stop) -> bool:
    """Inside mc:Fallback: the VML copy of a text box, which would double it."""
    node = el
    while node is not None and node is not stop:
        if node.tag == f"{{{_MC}}}Fallback":
            return True
        node = node.getparent()
    return False


def _table(tbl, lines: list[str]) -> None:
    for row in tbl.iterchildren(f"{{{_W}}}tr"):
        cells = []
        for cell in row.iterchildren(f"{{{_W}}}tc"):
            cell_lines: list[str] = []
            _block(cell, cell_lines)
            cells.append([c.strip() for c in cell_lines if c.strip()])
        if all(len(c) <= 1 for c in cells):
            text = "  ".join(c[0] for c in cells if c)
            if text:
                lines.append(text)
        else:
            for c in cells:
                lines.extend(c)


# -- PDF ---------------------------------------------------------------------------------

def _read_pdf(data: bytes, limits: Limits, ocr: OcrEngine | None) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:
                opened = 0
            if not opened:
                raise IntakeError("encrypted", "这个 PDF 设置了密码，我打不开。请发送未加密的文件。")
        pages = list(reader.pages)
    except IntakeError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError, AttributeError):
        raise IntakeError("broken_pdf", "这个 PDF 文件已损坏，打不开。请重新导出后再发送。") from None
    if len(pages) > limits.max_pages:
        raise IntakeError("too_many_pages", f"这个 PDF 有 {len(pages)} 页，超过 {limits.max_pages} 页的上限。"
                                            "请只发送需要审签的那份公文。")
    lines: list[str] = []
    try:
        for page in pages:
            lines.extend((page.extract_text() or "").split("\n"))
    except Exception:
        raise IntakeError("broken_pdf", "这个 PDF 的文字层已损坏，读不出来。请重新导出后再发送。") from None
    if sum(len(re.sub(r"\s", "", line)) for line in lines) >= 20:
        return Extracted(lines, "pdf", pages=len(pages))
    # No text layer: a scan. Its pages are images.
    if ocr is None or not ocr.available():
        raise IntakeError("no_ocr", "这个 PDF 是扫描件，没有文字层，而本机没有安装中文文字识别"
                                    "（Tesseract 和 tesseract-ocr-chi-sim）。请发送 .docx 或带文字的 PDF，"
                                    "或请管理员安装文字识别。")
    lines = []
    # What decides the route is on the first pages (版头, 标题, 主送) and the last (署名,
    # 版记): a long scan is read there only, so that an answer takes seconds, not minutes.
    chosen = list(range(len(pages)))
    if len(pages) > OCR_PAGES + 1:
        chosen = list(range(OCR_PAGES)) + [len(pages) - 1]
    for number in chosen:
        try:
            images = list(pages[number].images)
        except Exception:
            images = []
        for image in images:
            lines.extend(ocr.read_image(image.data))
    if not lines:
        raise IntakeError("no_text", "这个扫描件里没有识别出文字。请发送更清晰的扫描件或 .docx。")
    notes = ["文字由扫描件识别而来，请核对识别结果。"]
    if len(chosen) < len(pages):
        notes.append(f"扫描件共 {len(pages)} 页，只识别了前 {OCR_PAGES} 页和最后一页。")
    return Extracted(lines, "scan", pages=len(pages), ocr=True, notes=notes)


# -- images ------------------------------------------------------------------------------

def _read_image(data: bytes, ocr: OcrEngine | None) -> Extracted:
    if ocr is None or not ocr.available():
        raise IntakeError("no_ocr", "这是图片。本机没有安装中文文字识别（Tesseract 和 tesseract-ocr-chi-sim），"
                                    "读不了照片。请发送 .docx 或 PDF，或请管理员安装文字识别。")
    lines = ocr.read_image(data)
    if not lines:
        raise IntakeError("no_text", "照片里没有识别出文字。请把公文拍正、拍清楚后再发送，或发送 .docx。")
    return Extracted(lines, "image", ocr=True, notes=["文字由照片识别而来，请核对识别结果。"])
