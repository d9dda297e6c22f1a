"""Hybrid retrieval: jieba BM25 + dense (Chroma), fused by reciprocal rank, ranked by article."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.config import RetrievalConfig
from bot.retrieval.index import KnowledgeIndex

# Synonym expansions help recall but should not outrank the user's own words.
EXPANSION_WEIGHT = 0.6


@dataclass
class ArticleHit:
    doc_id: str
    article_no: int
    score: float                 # fused RRF score
    bm25: float = 0.0            # best BM25 score of its chunks
    dense: float = 0.0           # best cosine similarity of its chunks
    chunk_ids: list[str] = field(default_factory=list)


@dataclass
class QueryAnalysis:
    text: str                    # normalized question
    tokens: list[str]            # the user's own BM25 tokens
    expansion_tokens: list[str]  # tokens added by synonyms


@dataclass
class SearchResult:
    query: QueryAnalysis
    hits: list[ArticleHit]


def analyze(index: KnowledgeIndex, question: str) -> QueryAnalysis:
    lex = index.lexicon
    text = lex.normalize(question)
    tokens = list(dict.fromkeys(lex.tokens(text)))
    expansions = lex.expansions(text)
    exp_tokens = [t for t in dict.fromkeys(lex.tokens(" ".join(expansions))) if t not in tokens]
    return QueryAnalysis(text=text, tokens=tokens, expansion_tokens=exp_tokens)


def _bm25_scores(index: KnowledgeIndex, q: QueryAnalysis) -> np.ndarray:
    scores = np.zeros(len(index.chunks), dtype=np.float32)
    own = [t for t in q.tokens if index.in_vocabulary(t)]
    if own:
        scores += index.bm25.get_scores(own)
    extra = [t for t in q.expansion_tokens if index.in_vocabulary(t)]
    if extra:
        scores += EXPANSION_WEIGHT * index.bm25.get_scores(extra)
    return scores


def _dense(index: KnowledgeIndex, q: QueryAnalysis, n: int) -> list[tuple[str, float]]:
    vector = index.embedder.embed_query(q.text)
    n = min(n, len(index.chunks))
    if n == 0:
        return []
    res = index.collection.query(query_embeddings=[vector.tolist()], n_results=n,
                                 include=["distances"])
    return [(cid, 1.0 - float(dist)) for cid, dist in zip(res["ids"][0], res["distances"][0])]


def search(index: KnowledgeIndex, question: str, cfg: RetrievalConfig,
           doc_id: str | None = None) -> SearchResult:
    q = analyze(index, question)
    k = cfg.rrf_k
    fused: dict[str, float] = {}
    bm25 = _bm25_scores(index, q)
    order = np.argsort(-bm25)[: cfg.candidates]
    bm25_best: dict[str, float] = {}
    for rank, row in enumerate(order):
        if bm25[row] <= 0:
            break
        cid = index.chunks[row].id
        fused[cid] = fused.get(cid, 0.0) + 1.0 / (k + rank + 1)
        bm25_best[cid] = float(bm25[row])
    dense_best: dict[str, float] = {}
    for rank, (cid, sim) in enumerate(_dense(index, q, cfg.candidates)):
        fused[cid] = fused.get(cid, 0.0) + 1.0 / (k + rank + 1)
        dense_best[cid] = sim

    articles: dict[tuple[str, int], ArticleHit] = {}
    for cid, score in fused.items():
        chunk = index.chunks[index.chunk_row[cid]]
        if doc_id and chunk.doc_id != doc_id:
            continue
        key = (chunk.doc_id, chunk.article_no)
        hit = articles.setdefault(key, ArticleHit(chunk.doc_id, chunk.article_no, 0.0))
        hit.score = max(hit.score, score)
        hit.bm25 = max(hit.bm25, bm25_best.get(cid, 0.0))
        hit.dense = max(hit.dense, dense_best.get(cid, 0.0))
        hit.chunk_ids.append(cid)
    hits = sorted(articles.values(), key=lambda h: (-h.score, -h.bm25, h.article_no))
    return SearchResult(query=q, hits=hits)
