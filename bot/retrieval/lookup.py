"""Direct article references in a question: 第五十条, 五十条, 第50条, 第五十条第二款."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ingest.numerals import NUMERAL_CHARS, parse_numeral

_NUM = rf"[{NUMERAL_CHARS}0-9０-９]+"  # not \d: it matches '²' and other digits int() refuses
_REF_RE = re.compile(rf"(第)?({_NUM})\s*条(?:\s*第({_NUM})\s*款)?(?:\s*第({_NUM})\s*项)?")
# "第五十" without 条 only when it is the whole question (e.g. "第50").
_BARE_RE = re.compile(rf"^\s*第\s*({_NUM})\s*$")
# Words that mean the notice/preamble ("article 0").
NOTICE_WORDS = ("公告说明", "第零条", "第0条")


@dataclass
class ArticleRef:
    article: int
    paragraph: int | None = None
    item: int | None = None
    start: int = field(default=0, compare=False)  # where the reference starts in the (NFKC) question: a name may precede it


def find_reference(question: str) -> ArticleRef | None:
    text = unicodedata.normalize("NFKC", question)
    for word in NOTICE_WORDS:
        if word in text:
            return ArticleRef(0)
    m = _REF_RE.search(text)
    if m:
        # "五十条" alone is a reference; "两条" or "几条" inside a sentence is not.
        no = parse_numeral(m.group(2))
        if no is None or m.group(2) in {"两", "几"}:
            return None
        if not m.group(1) and len(m.group(2)) == 1 and not m.group(2).isdigit() and len(text.strip()) > 6:
            return None  # "有一条规定…" is a phrase, "五条是啥" a reference
        para = parse_numeral(m.group(3)) if m.group(3) else None
        item = parse_numeral(m.group(4)) if m.group(4) else None
        return ArticleRef(no, para, item, start=m.start())
    m = _BARE_RE.match(text)
    if m:
        no = parse_numeral(m.group(1))
        return ArticleRef(no) if no is not None else None
    return None
