"""Parse the lines of a regulation into a RegDocument.

Handles both numbering styles: "五十、…" (ordinal, as in the Xiping rules) and
"第五十条 …" (most Chinese regulations). Text is matched on an NFKC-normalised copy,
so full- and half-width punctuation both work, while the stored text stays verbatim.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ingest.model import ARTICLE, NOTICE, PARAGRAPH, Article, Item, RegDocument
from ingest.numerals import NUMERAL_CHARS, parse_numeral

_NUM = rf"[{NUMERAL_CHARS}\d]+"
CHAPTER_RE = re.compile(rf"^第({_NUM})章\s*(.*)$")
SECTION_RE = re.compile(rf"^第({_NUM})节\s*(.*)$")
TIAO_RE = re.compile(rf"^第({_NUM})条(?:\s+|[:：]\s*|$)(.*)$")
ORDINAL_RE = re.compile(rf"^([{NUMERAL_CHARS}]+)[、.]\s*(.*)$")
ITEM_RE = re.compile(rf"^\(({_NUM})\)\s*(.*)$")
DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
STATUS_RE = re.compile(r"[(（]\s*(征求意见稿|草案|送审稿|试行|暂行|修订稿|修订)\s*[)）]")
ISSUER_RE = re.compile(r"^(.+?(?:人民政府办公室|人民政府|委员会|办公室|局))")

# Ordinal numbering may skip at most this many numbers before a line is treated as an item.
MAX_ORDINAL_GAP = 2


def _norm(line: str) -> str:
    return unicodedata.normalize("NFKC", line).strip()


def is_structural_line(line: str, heading_only: bool = False) -> bool:
    """True for chapter/section headings (and, unless heading_only, article and item starts)."""
    n = _norm(line)
    if CHAPTER_RE.match(n) or SECTION_RE.match(n):
        return True
    if heading_only:
        return False
    return bool(TIAO_RE.match(n) or ORDINAL_RE.match(n) or ITEM_RE.match(n))


@dataclass
class DocumentMeta:
    """Metadata from knowledge/documents.toml; empty fields are derived from the text."""
    doc_id: str
    title: str = ""
    issuer: str = ""
    date: str = ""
    status: str = ""


def parse_document(lines: list[str], source: str, meta: DocumentMeta) -> RegDocument:
    norm = [_norm(line) for line in lines]
    numbering = "tiao" if any(TIAO_RE.match(n) for n in norm) else "ordinal"
    article_re = TIAO_RE if numbering == "tiao" else ORDINAL_RE

    preamble: list[int] = []
    articles: list[Article] = []
    chapter_no: int | None = None
    chapter_title = ""
    current: list[int] | None = None  # line indexes of the current article
    last_no = 0
    warnings: list[str] = []

    def close():
        if current:
            articles.append(_build_article(lines, norm, current, last_no, chapter_no, chapter_title))

    for i, n in enumerate(norm):
        m = CHAPTER_RE.match(n)
        if m and parse_numeral(m.group(1)) is not None:
            close()
            current = None
            chapter_no = parse_numeral(m.group(1))
            chapter_title = m.group(2).strip()
            continue
        if SECTION_RE.match(n):
            close()
            current = None
            continue
        m = article_re.match(n)
        if m:
            no = parse_numeral(m.group(1))
            if no is not None and _accept_article(no, last_no, numbering):
                if no != last_no + 1:
                    warnings.append(f"article numbering jumps from {last_no} to {no}")
                close()
                current = [i]
                last_no = no
                continue
        if current is None:
            if articles:
                # Text between a heading and the next article (e.g. a chapter's intro line).
                warnings.append(f"line {i + 1} is outside any article and was not indexed: {n[:30]}")
            else:
                preamble.append(i)
        else:
            current.append(i)
    close()

    title_lines, notice_lines = _split_preamble(norm, preamble)
    title, status, date = _derive_meta(lines, norm, title_lines, preamble)
    doc = RegDocument(
        doc_id=meta.doc_id,
        title=meta.title or (f"{title}（{status}）" if title and status else title) or meta.doc_id,
        source=source,
        numbering=numbering,
        issuer=meta.issuer or _derive_issuer(title),
        date=meta.date or date,
        status=meta.status or status,
        warnings=warnings,
    )
    if not articles:
        doc.numbering = "paragraphs"
        doc.warnings.append("no numbered articles found; ingested paragraph by paragraph")
        body = [i for i in range(len(lines)) if i not in set(title_lines)]
        doc.articles = [Article(no=k, kind=PARAGRAPH, text=lines[i], paragraphs=[lines[i]])
                        for k, i in enumerate(body, start=1)]
        return doc
    notice_text = "\n".join(lines[i] for i in notice_lines)
    if len(notice_text) >= 10:
        doc.articles.append(Article(no=0, kind=NOTICE, text=notice_text,
                                    paragraphs=[lines[i] for i in notice_lines]))
    doc.articles.extend(articles)
    return doc


def _accept_article(no: int, last_no: int, numbering: str) -> bool:
    if no <= last_no:
        return False  # numbering going backwards: an item such as "一、" inside an article
    if numbering == "tiao":
        return True
    return no - last_no <= MAX_ORDINAL_GAP


def _build_article(lines, norm, idx, no, chapter_no, chapter_title) -> Article:
    paragraphs: list[str] = []
    items: list[Item] = []
    for i in idx:
        m = ITEM_RE.match(norm[i])
        item_no = parse_numeral(m.group(1)) if m else None
        if item_no is not None and paragraphs:
            items.append(Item(no=item_no, paragraph=len(paragraphs), text=lines[i]))
            paragraphs[-1] += "\n" + lines[i]
        else:
            paragraphs.append(lines[i])
    return Article(no=no, kind=ARTICLE, text="\n".join(lines[i] for i in idx),
                   paragraphs=paragraphs, items=items,
                   chapter_no=chapter_no, chapter_title=chapter_title)


def _is_title_block_line(n: str) -> bool:
    """Short heading-like lines that close a preamble: title, (征求意见稿), 附件:."""
    if re.fullmatch(r"附\s*件\s*[:：]?", n):
        return True
    if re.fullmatch(r"[(（].*[)）]", n) and len(n) <= 60:
        return True
    return len(n) <= 40 and not re.search(r"[,，。;；:：]", n) and not DATE_RE.fullmatch(n)


def _split_preamble(norm: list[str], preamble: list[int]) -> tuple[list[int], list[int]]:
    """Split preamble lines into the title block (at its end) and the notice text."""
    cut = len(preamble)
    while cut > 0 and _is_title_block_line(norm[preamble[cut - 1]]):
        cut -= 1
    # A lone title line at the very top (the usual layout) is not a notice either.
    notice = preamble[:cut]
    title_block = preamble[cut:]
    if notice and _is_title_block_line(norm[notice[0]]) and len(notice) == 1:
        title_block = notice + title_block
        notice = []
    return title_block, notice


def _derive_meta(lines, norm, title_lines, preamble) -> tuple[str, str, str]:
    title, status = "", ""
    for i in title_lines:
        n = norm[i]
        m = STATUS_RE.search(n)
        if m and re.fullmatch(r"[(（].*[)）]", n):
            status = status or m.group(1)
        elif not re.fullmatch(r"附\s*件\s*[:：]?", n) and not re.fullmatch(r"[(（].*[)）]", n):
            title = lines[i].strip()
    if not title:
        for i in preamble:
            m = re.search(r"《(.+?)》", lines[i])
            if m:
                title = m.group(1)
                break
    if not status:
        for i in preamble:
            m = STATUS_RE.search(norm[i])
            if m:
                status = m.group(1)
                break
    date = ""
    for i in preamble:
        m = DATE_RE.search(norm[i])
        if m:
            date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return title, status, date


def _derive_issuer(title: str) -> str:
    m = ISSUER_RE.match(title or "")
    return m.group(1) if m else ""
