"""Split articles into retrieval chunks: one per article, long ones on item/sentence boundaries."""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass

from ingest.lexicon import Lexicon
from ingest.model import Article, RegDocument

_SENTENCE_RE = re.compile(r"[^。；;！!？?]+[。；;！!？?]*")


@dataclass
class Chunk:
    id: str
    doc_id: str
    doc_title: str
    chapter_no: int          # -1 when the document has no chapters
    chapter_title: str
    article_no: int
    item_no: int             # first item (项) the chunk starts in, -1 if none
    part: int
    text: str                # what is stored and shown: title, chapter, label, then the text
    embed_text: str          # what is embedded: chapter and text (the doc title adds nothing)
    hash: str

    def metadata(self) -> dict:
        meta = asdict(self)
        for key in ("id", "text", "embed_text"):
            meta.pop(key)
        return meta


@dataclass
class _Unit:
    text: str
    item_no: int


def _units(article: Article, max_chars: int, lexicon: Lexicon) -> list[_Unit]:
    """Items stay whole; other paragraphs split into sentences; over-long sentences by words."""
    item_lines = {it.text: it.no for it in article.items}
    units: list[_Unit] = []
    for line in article.text.split("\n"):
        if line in item_lines:
            pieces = [line]
            item_no = item_lines[line]
        else:
            pieces = _SENTENCE_RE.findall(line) or [line]
            item_no = -1
        for piece in pieces:
            if len(piece) <= max_chars:
                units.append(_Unit(piece, item_no))
                continue
            buf = ""
            for word in lexicon.words(piece):  # never cut inside a word
                if buf and len(buf) + len(word) > max_chars:
                    units.append(_Unit(buf, item_no))
                    buf = ""
                buf += word
            if buf:
                units.append(_Unit(buf, item_no))
    return units


def _pack(units: list[_Unit], max_chars: int, overlap: int) -> list[list[_Unit]]:
    parts: list[list[_Unit]] = []
    current: list[_Unit] = []
    fresh = 0  # units in `current` that are not overlap from the previous part
    for unit in units:
        size = sum(len(u.text) for u in current)
        if current and fresh and size + len(unit.text) > max_chars:
            parts.append(current)
            carry = current[-overlap:] if overlap else []
            if sum(len(u.text) for u in carry) + len(unit.text) > max_chars:
                carry = []
            current, fresh = list(carry), 0
        current.append(unit)
        fresh += 1
    if current and fresh:
        parts.append(current)
    return parts


def chunk_document(doc: RegDocument, max_chars: int, overlap: int, lexicon: Lexicon) -> list[Chunk]:
    chunks: list[Chunk] = []
    for article in doc.articles:
        heading = article.chapter_heading
        if len(article.text) <= max_chars:
            parts = [[_Unit(article.text, -1)]]
        else:
            parts = _pack(_units(article, max_chars, lexicon), max_chars, overlap)
        for part_no, part in enumerate(parts):
            body = "".join(u.text if i == 0 or u.text[:1] not in "(（" else "\n" + u.text
                           for i, u in enumerate(part))
            head = " ".join(x for x in (doc.title, heading, article.label) if x)
            embed_text = f"{heading}：{body}" if heading else body
            item_no = next((u.item_no for u in part if u.item_no >= 0), -1)
            chunks.append(Chunk(
                id=f"{doc.doc_id}#{article.no}#{part_no}",
                doc_id=doc.doc_id,
                doc_title=doc.title,
                chapter_no=article.chapter_no if article.chapter_no is not None else -1,
                chapter_title=article.chapter_title,
                article_no=article.no,
                item_no=item_no,
                part=part_no,
                text=f"{head}\n{body}",
                embed_text=embed_text,
                hash=hashlib.sha256(embed_text.encode("utf-8")).hexdigest()[:24],
            ))
    return chunks
