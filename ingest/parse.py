"""Parse the lines of a regulation into a RegDocument.

Handles both numbering styles: "五十、…" (ordinal, as in the Xiping rules) and
"第五十条 …" (most Chinese regulations). Text is matched on an NFKC-normalised copy,
so full- and half-width punctuation both work, while the stored text stays verbatim.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ingest.frontmatter import (TOC_RE, FrontMatter, effective_from_text, is_dated_line,
                                issuer_from_title, read_dated_lines)
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
# "第二条 …" inside a line that already starts an article (texts flattened to one line).
_INLINE_TIAO_RE = re.compile(rf"[ \t\u3000]+(?=第({_NUM})条[ \t\u3000])")
# A table of contents lists article headings as short lines without a full stop.
_TOC_LINE_MAX = 40

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
    title_hint: str = ""  # the file's own heading (Markdown "# 标题"), preferred to guessing


def parse_document(lines: list[str], source: str, meta: DocumentMeta) -> RegDocument:
    lines = _split_inline_articles(lines)
    norm = [_norm(line) for line in lines]
    numbering = "tiao" if any(TIAO_RE.match(n) for n in norm) else "ordinal"
    article_re = TIAO_RE if numbering == "tiao" else ORDINAL_RE
    warnings: list[str] = []
    skipped = _table_of_contents(norm, article_re, warnings)

    preamble: list[int] = []
    articles: list[Article] = []
    chapter_no: int | None = None
    chapter_title = ""
    current: list[int] | None = None  # line indexes of the current article
    last_no = 0
    after_chapter = False  # the line after a chapter heading may finish its title

    def close():
        if current:
            articles.append(_build_article(lines, norm, current, last_no, chapter_no, chapter_title))

    for i, n in enumerate(norm):
        if i in skipped:
            continue
        m = CHAPTER_RE.match(n)
        if m and parse_numeral(m.group(1)) is not None:
            close()
            current = None
            chapter_no = parse_numeral(m.group(1))
            chapter_title = m.group(2).strip()
            after_chapter = True
            continue
        if after_chapter and _continues_heading(norm, i, article_re):
            # "第四章 外商投资经营国际海上运输" / "及其辅助性业务的特别规定"
            chapter_title += n
            continue
        after_chapter = False
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
            if no is not None and numbering == "tiao" and current is not None:
                warnings.append(f"line {i + 1}: 第{m.group(1)}条 does not follow 第{last_no}条; "
                                "kept as part of the article before it")
        if current is None:
            if articles:
                # Text between a heading and the next article (e.g. a chapter's intro line).
                warnings.append(f"line {i + 1} is outside any article and was not indexed: {n[:30]}")
            else:
                preamble.append(i)
        else:
            current.append(i)
    close()

    hint_at = next((i for i in preamble if meta.title_hint and norm[i] == _norm(meta.title_hint)), None)
    dated = [i for i in preamble
             if is_dated_line(norm[i], bare_dates=hint_at is not None and i > hint_at)]
    preamble = [i for i in preamble if i not in set(dated)]
    title_lines, notice_lines = _split_preamble(norm, preamble)
    title, status, _ = _derive_meta(lines, norm, title_lines, preamble)
    if meta.title_hint:
        title = meta.title_hint
        title_lines = [i for i in preamble if norm[i] == _norm(title)] or title_lines
        notice_lines = [i for i in notice_lines if i not in set(title_lines)]
    front = FrontMatter(title=title)
    read_dated_lines([norm[i] for i in dated], front)
    if not front.effective and articles:
        front.effective = effective_from_text(_norm("\n".join(a.text for a in articles[-3:])))
    _, _, notice_date = _derive_meta(lines, norm, [], notice_lines)
    doc = RegDocument(
        doc_id=meta.doc_id,
        title=meta.title or (f"{title}（{status}）" if title and status else title) or meta.doc_id,
        source=source,
        numbering=numbering,
        issuer=meta.issuer or front.issuer or issuer_from_title(title),
        date=meta.date or front.version_date or notice_date,
        status=meta.status or status,
        adopted=front.adopted, promulgated=front.promulgated, effective=front.effective,
        revised=sorted(front.revised),
        warnings=warnings,
    )
    if not articles:
        doc.numbering = "paragraphs"
        doc.warnings.append("no numbered articles found; ingested paragraph by paragraph")
        excluded = set(title_lines) | set(dated) | skipped
        body = [i for i in range(len(lines)) if i not in excluded]
        doc.articles = [Article(no=k, kind=PARAGRAPH, text=lines[i], paragraphs=[lines[i]])
                        for k, i in enumerate(body, start=1)]
        return doc
    notice_text = "\n".join(lines[i] for i in notice_lines)
    if len(notice_text) >= 10:
        doc.articles.append(Article(no=0, kind=NOTICE, text=notice_text,
                                    paragraphs=[lines[i] for i in notice_lines]))
    doc.articles.extend(articles)
    return doc


def _split_inline_articles(lines: list[str]) -> list[str]:
    """Split a line holding several articles ("第一条 … 第二条 …") at each next number;
    only consecutive numbers split, so a reference like "依照第二十条 规定" never does."""
    out: list[str] = []
    for line in lines:
        m = TIAO_RE.match(_norm(line))
        if not m or len(line) < 60:
            out.append(line)
            continue
        expected = (parse_numeral(m.group(1)) or 0) + 1
        start = 0
        for cut in _INLINE_TIAO_RE.finditer(line):
            if parse_numeral(cut.group(1)) == expected:
                out.append(line[start:cut.start()].strip())
                start = cut.end()
                expected += 1
        out.append(line[start:].strip())
    return [line for line in out if line]


def _table_of_contents(norm: list[str], article_re, warnings: list[str]) -> set[int]:
    """Lines of a 目录 block, and of a run of article headings that the text restarts
    after (a contents list of "第一条 立法目的" lines): they must not become articles."""
    skipped: set[int] = set()
    toc = next((i for i, n in enumerate(norm) if TOC_RE.match(n.replace(" ", ""))), None)
    starts = [(i, parse_numeral(m.group(1))) for i, n in enumerate(norm)
              if (m := article_re.match(n))]
    ones = [i for i, no in starts if no == 1]
    if len(ones) >= 2:
        first, second = ones[0], ones[1]
        listed = [i for i, _ in starts if first <= i < second]
        if all(len(norm[i]) <= _TOC_LINE_MAX and "。" not in norm[i] for i in listed):
            skipped.update(range(toc if toc is not None and toc < first else first, second))
            warnings.append(f"lines {first + 1}-{second} list the articles before the text "
                            "(a table of contents) and were not indexed")
            return skipped
    if toc is not None:
        # 目录 followed by chapter headings: skip up to the second occurrence of the first one.
        heads = [i for i in range(toc + 1, len(norm)) if CHAPTER_RE.match(norm[i])]
        if heads:
            again = next((i for i in heads[1:] if norm[i] == norm[heads[0]]), None)
            if again is not None:
                skipped.update(range(toc, again))
    return skipped


def _continues_heading(norm: list[str], i: int, article_re) -> bool:
    n = norm[i]
    if len(n) > 24 or re.search(r"[,，。;；:：]", n) or is_structural_line(n):
        return False
    nxt = next((norm[j] for j in range(i + 1, len(norm)) if norm[j]), "")
    return bool(article_re.match(nxt) or SECTION_RE.match(nxt))


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


