"""Read a regulation file (.txt, .md, .docx, .pdf) into lines of text."""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

SUPPORTED_SUFFIXES = {".txt", ".md", ".docx", ".pdf"}
# A PDF line that ends with one of these closes a paragraph; others were wrapped by layout.
_PARAGRAPH_END = tuple("。；;：:！!？?」』”)）")


class ReadError(Exception):
    """A file that cannot be read as a regulation; the message is for the operator."""


@dataclass
class ReadText:
    lines: list[str]
    title: str = ""   # a Markdown file's level-1 heading: the document's own title


def read_lines(path: Path) -> list[str]:
    return read_document(path).lines


def read_document(path: Path) -> ReadText:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(f"{path.name}: unsupported file type {suffix or '(none)'}; "
                        f"use one of {', '.join(sorted(SUPPORTED_SUFFIXES))}")
    try:
        if path.stat().st_size == 0:
            raise ReadError(f"{path.name}: the file is empty")
    except OSError as exc:
        raise ReadError(f"{path.name}: cannot read ({exc.strerror})") from exc
    title = ""
    if suffix in {".txt", ".md"}:
        lines = _read_text(path)
        if suffix == ".md":
            lines = _drop_html_comments(lines)
            title = next((re.sub(r"^#\s+", "", line).strip() for line in lines
                          if re.match(r"^#\s+\S", line.strip())), "")
            lines = [_strip_markdown(line) for line in lines]
    elif suffix == ".docx":
        lines = _read_docx(path)
    else:
        lines = _read_pdf(path)
    lines = [line.strip(" \t\u3000\ufeff\r") for line in lines]
    lines = [line for line in lines if line]
    if not lines:
        raise ReadError(f"{path.name}: no text found")
    return ReadText(lines, _strip_markdown(title).strip())


def _read_text(path: Path) -> list[str]:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise ReadError(f"{path.name}: looks like a binary file, not text")
    text = decode_text(data)
    if text is None:
        raise ReadError(f"{path.name}: not UTF-8 or GB18030 text")
    return split_lines(text)


def decode_text(data: bytes) -> str | None:
    """Chinese text as files carry it: UTF-8 (with or without BOM), else GB18030 (which
    covers GBK and GB2312); None when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def split_lines(text: str) -> list[str]:
    """Lines, whatever the line ends (CRLF, CR, LF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _drop_html_comments(lines: list[str]) -> list[str]:
    """Markdown exports carry markers such as <!-- INFO END -->: they are not text."""
    text = re.sub(r"<!--.*?-->", "", "\n".join(lines), flags=re.S)
    return text.split("\n")


def _strip_markdown(line: str) -> str:
    line = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+](?=\s))\s*", "", line)
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)


def _read_docx(path: Path) -> list[str]:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ReadError("python-docx is not installed") from exc
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"{path.name}: not a readable .docx file ({type(exc).__name__})") from exc
    except Exception as exc:  # damaged XML inside a valid zip raises lxml's own errors
        raise ReadError(f"{path.name}: the .docx file is damaged ({type(exc).__name__})") from exc
    lines: list[str] = []
    for para in document.paragraphs:
        lines.extend(para.text.split("\n"))
    return lines


def _read_pdf(path: Path) -> list[str]:
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ReadError("pypdf is not installed") from exc
    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many types on damaged files
        raise ReadError(f"{path.name}: not a readable PDF ({type(exc).__name__})") from exc
    raw = [line.strip() for page in pages for line in page.split("\n")]
    raw = [line for line in raw if line and not re.fullmatch(r"[-—\s]*\d+[-—\s]*", line)]
    if not raw:
        raise ReadError(f"{path.name}: the PDF has no text layer (scanned?); OCR it first")
    return _unwrap_pdf_lines(raw)


def _unwrap_pdf_lines(lines: list[str]) -> list[str]:
    """Join lines that the PDF layout wrapped; keep structural lines on their own."""
    from ingest.parse import is_structural_line

    merged: list[str] = []
    for line in lines:
        if merged and not is_structural_line(line) and not merged[-1].endswith(_PARAGRAPH_END) \
                and not is_structural_line(merged[-1], heading_only=True):
            merged[-1] += line
        else:
            merged.append(line)
    return merged
