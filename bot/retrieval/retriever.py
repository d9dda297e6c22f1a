"""The hybrid retriever as a langchain-core BaseRetriever (one Document per article).

`make_retriever(config)` is the seam the agent uses; tests and tools may pass their own
index instead of opening the serving one.
"""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from bot.config import Config, RetrievalConfig
from bot.retrieval.index import KnowledgeIndex
from bot.retrieval.lookup import find_reference
from bot.retrieval.retrieve import retrieve


class RegulationRetriever(BaseRetriever):
    """Returns whole articles, best first; empty when the regulation does not cover the query."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any
    settings: RetrievalConfig
    k: int = 3
    doc_id: str | None = None

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun | None = None) -> list[Document]:
        ref = find_reference(query)
        if ref is not None:
            doc_ids = [self.doc_id] if self.doc_id else list(self.index.documents)
            for doc_id in doc_ids:
                if self.index.article(doc_id, ref.article) is not None:
                    return [self._document(doc_id, ref.article, 1.0, "lookup")]
            return []
        found = retrieve(self.index, query, self.settings, doc_id=self.doc_id)
        if not found.covered:
            return []
        return [self._document(h.doc_id, h.article_no, h.score, "hybrid")
                for h in found.result.hits[: self.k]]

    def _document(self, doc_id: str, article_no: int, score: float, how: str) -> Document:
        doc = self.index.documents[doc_id]
        art = doc.article(article_no)
        return Document(page_content=art.text, metadata={
            "doc_id": doc_id, "doc_title": doc.title, "article_no": article_no,
            "article_label": art.label, "chapter_no": art.chapter_no,
            "chapter_title": art.chapter_title, "score": score, "retrieval": how,
        })


def make_retriever(cfg: Config, index: KnowledgeIndex | None = None, k: int = 3) -> RegulationRetriever:
    return RegulationRetriever(index=index or KnowledgeIndex.open(cfg), settings=cfg.retrieval, k=k)
