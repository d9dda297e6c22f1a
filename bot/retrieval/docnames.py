"""Which loaded document a question names: "督查条例", "应急法", "工作规则", "复议条例".

Staff shorten titles by dropping words and keeping the kind (法/条例/规定/规则…): the
short name's characters appear in the title in order. A document is named when at least
two of the name's characters (beyond the kind) match its title in order and the kind, if
given, is the title's own. The best match wins; between versions of one regulation, the
one in force. A name that is not in any title ("应急法") may be the text's own subject:
the word the document uses most often, relative to its length, among those of that kind.
"""
from __future__ import annotations

import re
import unicodedata

from bot.retrieval.index import KnowledgeIndex

KINDS = ("实施细则", "实施条例", "条例", "规定", "规则", "办法", "细则", "决定", "法")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]+")
MIN_MATCHED = 2


def _lcs(a: str, b: str) -> int:
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def _kind(text: str) -> str:
    return next((k for k in KINDS if text.endswith(k)), "")


def named_document(index: KnowledgeIndex, mention: str) -> str | None:
    """The doc_id that `mention` (the words just before "第十条", or a name given to
    /article) names, or None."""
    text = unicodedata.normalize("NFKC", mention).lower()
    runs = _CJK_RE.findall(text)
    if not runs:
        return None
    name = runs[-1][-14:]  # the name sits right before the article number
    kind = next((k for k in KINDS if k in name), "")
    if kind:
        name = name[: name.rindex(kind)]
    best: tuple[float, str] | None = None
    for doc_id, title in index.title_keys.items():
        if kind and _kind(title) != kind and not (kind == "条例" and title.endswith("实施条例")):
            continue
        matched = _lcs(name, title)
        if matched < MIN_MATCHED:
            continue
        # Cover as much of the name as possible; prefer the version in force, then the
        # shorter title (the name covers more of it).
        score = (matched, doc_id not in index.superseded, -len(title))
        if best is None or score > best[0]:
            best = (score, doc_id)
    if best:
        return best[1]
    return _subject_document(index, name, kind)


# A subject word must occur this often in the document it names.
MIN_SUBJECT_COUNT = 5


def _subject_document(index: KnowledgeIndex, name: str, kind: str) -> str | None:
    if len(name) < 2:
        return None
    best: tuple[tuple, str] | None = None
    for doc_id, title in index.title_keys.items():
        if kind and _kind(title) != kind:
            continue
        text = index.document_text(doc_id)
        count = text.count(name)
        if count < MIN_SUBJECT_COUNT:
            continue
        score = (count / max(len(text), 1), doc_id not in index.superseded)
        if best is None or score > best[0]:
            best = (score, doc_id)
    return best[1] if best else None
