"""Retrieval as every channel uses it: hybrid search, sentence rerank, coverage decision."""
from __future__ import annotations

from dataclasses import dataclass

from bot.config import RetrievalConfig
from bot.retrieval.coverage import Coverage, QuestionWords, assess, question_words, rerank
from bot.retrieval.hybrid import SearchResult, search
from bot.retrieval.index import KnowledgeIndex


@dataclass
class Retrieval:
    result: SearchResult
    coverage: Coverage
    words: QuestionWords  # the question's weighed words, reused to pick the answer's lead

    @property
    def covered(self) -> bool:
        return self.coverage.covered


def retrieve(index: KnowledgeIndex, question: str, cfg: RetrievalConfig,
             doc_id: str | None = None) -> Retrieval:
    result = search(index, question, cfg, doc_id=doc_id)
    words = question_words(index, result.query)
    rerank(index, result, cfg, words)
    return Retrieval(result, assess(index, result, cfg, words), words)
