"""What an answer says because several documents are loaded: another version of the cited
regulation, a second document that answers as well, the nearest article of a refusal.
Every sentence quoted here is the documents' own."""
from __future__ import annotations

import re

from bot.answer import citation_for
from bot.config import RetrievalConfig
from bot.question_types import states_what_is_asked
from bot.replies import Replies
from bot.retrieval.coverage import match
from bot.retrieval.evidence import without_title_words
from bot.retrieval.index import KnowledgeIndex
from bot.retrieval.retrieve import Retrieval
from ingest.model import RegDocument

# Another document's best article is shown too when it scores at least this share of the top.
SECOND_DOCUMENT_SCORE = 0.9
# How much of the nearest article a refusal quotes.
NEARBY_CHARS = 40
_LABEL_RE = re.compile(r"^\s*(第[^条]{1,8}条|[零〇一二三四五六七八九十百千]+[、.．])\s*")


def version_note(index: KnowledgeIndex, reply: Replies, doc: RegDocument) -> str:
    """"\n（另有旧版本…）" when another version of the cited regulation is loaded, else ""."""
    docs = index.documents
    if doc.superseded_by in docs:
        return "\n" + reply("is_older_version", date=doc.date or "日期不详",
                            current_date=docs[doc.superseded_by].date or "日期不详")
    older = [d for d in docs.values() if d.superseded_by == doc.doc_id]
    if older:
        return "\n" + reply("older_version_loaded", dates="、".join(d.date or "日期不详" for d in older),
                            date=doc.date or "日期不详")
    return ""


def second_document(index: KnowledgeIndex, cfg: RetrievalConfig, types, found: Retrieval):
    """The best hit of another document when it scores nearly as well as the top one and
    covers the question as well: a question two documents answer shows both."""
    hits = found.result.hits
    top = hits[0]
    for hit in hits[1: cfg.top_k]:
        if hit.doc_id == top.doc_id:
            continue
        if hit.score < SECOND_DOCUMENT_SCORE * top.score:
            return None
        art = index.article(hit.doc_id, hit.article_no)
        if art is None:
            return None
        m = match(index, without_title_words(index, found.words, hit.doc_id), art.text)
        ok = m.share >= max(found.coverage.share, cfg.min_matched_share) \
            and states_what_is_asked(types, found.words.text, art.text) is not False
        return hit if ok else None
    return None


def nearest_article(index: KnowledgeIndex, reply: Replies, found: Retrieval) -> str:
    """For a refused question whose best article shares some of its words: that article's
    citation and opening words, verbatim; else ""."""
    if not found.result.hits or found.coverage.share <= 0:
        return ""
    top = found.result.hits[0]
    doc = index.documents[top.doc_id]
    art = doc.article(top.article_no)
    if art is None:
        return ""
    opening = _LABEL_RE.sub("", art.text.split("\n")[0])
    snippet = opening.rstrip("。；;") if len(opening) <= NEARBY_CHARS else opening[:NEARBY_CHARS] + "……"
    return reply("not_covered_nearby", citation=citation_for(doc, art).text(reply), snippet=snippet)
