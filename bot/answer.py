"""Grounded offline answers: a short lead picked from the article, the article verbatim,
and its citation. Nothing here invents text: every sentence shown comes from the article."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.replies import reply
from bot.retrieval.hybrid import QueryAnalysis
from bot.retrieval.index import KnowledgeIndex
from ingest.model import NOTICE, Article, RegDocument

_SENTENCE_RE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
_LABEL_RE = re.compile(r"^\s*(第[^条]{1,8}条|[零〇一二三四五六七八九十百千]+[、.．])\s*")


@dataclass
class Citation:
    doc_id: str
    doc_title: str
    article: int
    chapter: str
    quote: str
    label: str
    paragraph: int | None = None

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "doc_title": self.doc_title, "article": self.article,
                "chapter": self.chapter, "quote": self.quote}

    @property
    def text(self) -> str:
        chapter = reply("citation_chapter", chapter=self.chapter) if self.chapter else ""
        return reply("citation", doc_title=self.doc_title, label=self.label, chapter=chapter)


@dataclass
class Answer:
    intent: str                  # qa | article | greeting | empty | too_long | unreadable | error
    answer: str
    covered: bool
    citations: list[Citation] = field(default_factory=list)
    ranked: list[dict] = field(default_factory=list)
    path: str = "offline"        # which engine produced it

    def to_dict(self) -> dict:
        return {"intent": self.intent, "answer": self.answer, "covered": self.covered,
                "citations": [c.to_dict() for c in self.citations], "ranked": self.ranked}


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


def pick_lead(index: KnowledgeIndex, text: str, query: QueryAnalysis | None, limit: int) -> str:
    """Up to `limit` sentences of `text` that best match the question, in document order."""
    candidates = sentences(text)
    if not candidates:
        return text
    weights = {}
    if query:
        for word in query.expansion_terms:
            weights.update({t: 0.5 * max(index.idf(t), 0.1) for t in index.lexicon.terms(word)})
        weights.update({t: max(index.idf(t), 0.1) for t in query.terms})
    scored = []
    for pos, sent in enumerate(candidates):
        toks = set(index.lexicon.terms(sent))
        score = sum(w for t, w in weights.items() if t in toks)
        scored.append((score, pos))
    best = sorted(scored, key=lambda x: (-x[0], x[1]))
    if best[0][0] <= 0:
        chosen = [0]
    else:
        top = best[0][0]
        # Keep the best sentence, plus runners-up that match at least half as well.
        chosen = [pos for score, pos in best[:limit] if score >= top * 0.5]
    lead = "".join(_LABEL_RE.sub("", candidates[pos]) if pos == 0 else candidates[pos]
                   for pos in sorted(chosen))
    return lead


def citation_for(doc: RegDocument, art: Article, paragraph: int | None = None) -> Citation:
    label = art.label
    quote = art.text
    if paragraph is not None and 1 <= paragraph <= len(art.paragraphs):
        from ingest.numerals import to_numeral

        label = f"{label}第{to_numeral(paragraph)}款"
        quote = art.paragraphs[paragraph - 1]
    return Citation(doc_id=doc.doc_id, doc_title=doc.title, article=art.no,
                    chapter=art.chapter_heading if art.kind != NOTICE else "",
                    quote=quote, label=label, paragraph=paragraph)


def compose(index: KnowledgeIndex, citation: Citation, query: QueryAnalysis | None,
            lead_limit: int, note: str = "") -> str:
    lead = pick_lead(index, citation.quote, query, lead_limit)
    body = reply("answer", lead=lead, label=citation.label, quote=citation.quote,
                 citation=citation.text)
    return f"{note}\n{body}" if note else body
