"""Retrieval as every channel uses it: hybrid search, sentence rerank, coverage decision."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.config import RetrievalConfig
from bot.question_types import states_what_is_asked
from bot.retrieval.coverage import Coverage, QuestionWords, assess, question_words, rerank
from bot.retrieval.evidence import CoverageModel, features, without_title_words
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
             doc_id: str | None = None, model: CoverageModel | None = None,
             types=()) -> Retrieval:
    """`types`: the question types (bot/question_types.py); a question asking for a
    required kind of fact (an amount, a duration, a phone number) that the best article
    does not state is not covered, whatever else matches."""
    result = search(index, question, cfg, doc_id=doc_id)
    words = question_words(index, result.query)
    rerank(index, result, cfg, words)
    # A title word the text rarely uses (西平县) names the document, not the answer.
    decisive = without_title_words(index, words, result.hits[0].doc_id) if result.hits else words
    coverage = assess(index, result, cfg, decisive)
    if model is None and cfg.decision == "model":
        model = coverage_model(cfg)
    if model is not None and result.hits:
        p = model.probability(features(index, result, words, types))
        coverage.covered = p >= model.threshold
        coverage.probability = p
        coverage.reason = f"p={p:.3f} (threshold {model.threshold:.3f}); " + coverage.reason
    if coverage.covered and result.hits:
        top = index.article(result.hits[0].doc_id, result.hits[0].article_no)
        if states_what_is_asked(types, words.text, top.text if top else "") is False:
            coverage.covered = False
            coverage.reason = "the article does not state the kind of fact asked; " + coverage.reason
    return Retrieval(result, coverage, words)


@lru_cache(maxsize=8)
def _load_model(path: Path, mtime: float) -> CoverageModel:
    return CoverageModel.load(path)


def coverage_model(cfg: RetrievalConfig) -> CoverageModel | None:
    """The calibrated model, or None (the word-overlap rule) when its file is absent."""
    path = Path(cfg.coverage_model)
    if not path.is_file():
        return None
    return _load_model(path, path.stat().st_mtime)
