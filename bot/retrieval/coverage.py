"""Does the regulation cover the question? A calibrated, explainable decision.

A question is covered when the best article shares informative words with it (words
that are rare across the articles, so 县政府 alone does not count), or when the dense
similarity is high enough that the wording differs but the meaning matches. The
thresholds live in config ([retrieval]) and were calibrated on tests/eval.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.config import RetrievalConfig
from bot.retrieval.hybrid import SearchResult
from bot.retrieval.index import KnowledgeIndex


@dataclass
class Coverage:
    covered: bool
    informative: list[str]      # the question's informative words found in the best article
    dense: float
    reason: str


def article_tokens(index: KnowledgeIndex, doc_id: str, article_no: int) -> set[str]:
    art = index.article(doc_id, article_no)
    return set(index.lexicon.tokens(art.text)) if art else set()


def assess(index: KnowledgeIndex, result: SearchResult, cfg: RetrievalConfig) -> Coverage:
    if not result.hits:
        return Coverage(False, [], 0.0, "no match")
    top = result.hits[0]
    words = article_tokens(index, top.doc_id, top.article_no)
    q = result.query
    informative = [t for t in q.tokens if t in words and index.idf(t) >= cfg.min_informative_idf]
    synonyms = [t for t in q.expansion_tokens if t in words and index.idf(t) >= cfg.min_informative_idf]
    if informative:
        return Coverage(True, informative, top.dense, "informative words match")
    if synonyms and top.dense >= cfg.min_dense_similarity:
        return Coverage(True, synonyms, top.dense, "synonyms match and meaning is close")
    if top.dense >= cfg.strong_dense_similarity:
        return Coverage(True, [], top.dense, "meaning is very close")
    return Coverage(False, [], top.dense, "no informative overlap")
