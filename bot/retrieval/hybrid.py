"""Hybrid retrieval: jieba BM25 + dense (Chroma), fused, then ranked by article.

Two fusions are available ([retrieval] fusion):
- "score" (default): BM25 scaled by the best BM25 score, plus the dense similarity as a
  z-score over the dense candidates, weighted by dense_weight. On tests/eval it ranks the
  right article first more often than RRF (see the closing note of the knowledge issue).
- "rrf": reciprocal-rank fusion, sum of weight / (rrf_k + rank) over the two lists.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.config import RetrievalConfig
from bot.retrieval.index import KnowledgeIndex


@dataclass
class ArticleHit:
    doc_id: str
    article_no: int
    score: float                 # fused score
    bm25: float = 0.0            # best BM25 score of its chunks
    dense: float = 0.0           # best cosine similarity of its chunks
    chunk_ids: list[str] = field(default_factory=list)


@dataclass
class QueryAnalysis:
    text: str                    # normalized question (typos corrected)
    terms: list[str]             # the user's own words
    tokens: list[str]            # the user's own BM25 tokens (words + bigrams)
    expansion_groups: list[list[str]]  # synonym words, one list per group the question touched

    @property
    def expansion_terms(self) -> list[str]:
        return [t for g in self.expansion_groups for t in g]


@dataclass
class SearchResult:
    query: QueryAnalysis
    hits: list[ArticleHit]


def analyze(index: KnowledgeIndex, question: str) -> QueryAnalysis:
    lex = index.lexicon
    text = lex.normalize(question)
    return QueryAnalysis(text=text, terms=list(dict.fromkeys(lex.terms(text))),
                         tokens=list(dict.fromkeys(lex.tokens(text))),
                         expansion_groups=lex.expansion_groups(text))


def _bm25_scores(index: KnowledgeIndex, q: QueryAnalysis, expansion_weight: float) -> np.ndarray:
    scores = np.zeros(len(index.chunks), dtype=np.float32)
    own = [t for t in q.tokens if index.bm25_has(t)]
    if own:
        scores += index.bm25.get_scores(own)
    # Each synonym group counts once, through its best-matching word, so a large group
    # (请假/休假/出差/出访/…) cannot outweigh the words the user actually typed.
    for group in q.expansion_groups:
        per_word = []
        for word in group:
            toks = [t for t in dict.fromkeys(index.lexicon.tokens(word))
                    if t not in q.tokens and index.bm25_has(t)]
            if toks:
                per_word.append(index.bm25.get_scores(toks))
        if per_word:
            scores += expansion_weight * np.max(per_word, axis=0)
    return scores


def _dense(index: KnowledgeIndex, q: QueryAnalysis, n: int) -> list[tuple[str, float]]:
    n = min(n, len(index.chunks))
    if n == 0:
        return []
    vector = index.embedder.embed_query(q.text)
    res = index.collection.query(query_embeddings=[vector.tolist()], n_results=n,
                                 include=["distances"])
    return [(cid, 1.0 - float(dist)) for cid, dist in zip(res["ids"][0], res["distances"][0])]


def _fuse_score(bm25: dict[str, float], dense: dict[str, float], cfg: RetrievalConfig) -> dict[str, float]:
    top = max(bm25.values(), default=0.0)
    sims = np.array(list(dense.values())) if dense else np.zeros(1)
    mean, std = float(sims.mean()), float(sims.std()) or 1.0
    floor = (float(sims.min()) - mean) / std
    fused = {}
    for cid in set(bm25) | set(dense):
        lexical = bm25.get(cid, 0.0) / top if top > 0 else 0.0
        semantic = (dense[cid] - mean) / std if cid in dense else floor
        fused[cid] = lexical + cfg.dense_weight * semantic
    return fused


def _fuse_rrf(bm25: dict[str, float], dense: dict[str, float], cfg: RetrievalConfig) -> dict[str, float]:
    fused: dict[str, float] = {}
    for weight, ranking in ((cfg.bm25_weight, bm25), (1.0, dense)):
        for rank, cid in enumerate(sorted(ranking, key=lambda c: -ranking[c])):
            fused[cid] = fused.get(cid, 0.0) + weight / (cfg.rrf_k + rank + 1)
    return fused


def search(index: KnowledgeIndex, question: str, cfg: RetrievalConfig,
           doc_id: str | None = None) -> SearchResult:
    q = analyze(index, question)
    scores = _bm25_scores(index, q, cfg.expansion_weight)
    bm25 = {index.chunks[row].id: float(scores[row])
            for row in np.argsort(-scores)[: cfg.candidates] if scores[row] > 0}
    dense = dict(_dense(index, q, cfg.candidates))
    fused = (_fuse_rrf if cfg.fusion == "rrf" else _fuse_score)(bm25, dense, cfg)

    articles: dict[tuple[str, int], ArticleHit] = {}
    for cid, score in fused.items():
        chunk = index.chunks[index.chunk_row[cid]]
        if doc_id and chunk.doc_id != doc_id:
            continue
        if not doc_id and chunk.doc_id in index.superseded:
            continue  # an older version answers only when asked for by name
        key = (chunk.doc_id, chunk.article_no)
        hit = articles.get(key)
        if hit is None:
            hit = articles[key] = ArticleHit(chunk.doc_id, chunk.article_no, score)
        hit.score = max(hit.score, score)
        hit.bm25 = max(hit.bm25, bm25.get(cid, 0.0))
        hit.dense = max(hit.dense, dense.get(cid, 0.0))
        hit.chunk_ids.append(cid)
    hits = sorted(articles.values(), key=lambda h: (-h.score, -h.bm25, h.article_no))
    return SearchResult(query=q, hits=hits)
