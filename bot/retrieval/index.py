"""The serving index: documents, chunks, BM25 and the Chroma collection of one build."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path


from bot.config import Config
from ingest import store
from ingest.embeddings import Embedder, expected_fingerprint, make_embedder
from ingest.lexicon import Lexicon
from ingest.model import Article, RegDocument, split_sentences
from ingest.pipeline import load_lexicon

IndexUnavailable = store.IndexUnavailable


@dataclass
class ChunkRecord:
    id: str
    doc_id: str
    article_no: int
    item_no: int
    part: int
    text: str


def title_key(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).lower()
    text = re.sub(r"[(（][^)）]*[)）]", "", text)
    return text.replace("中华人民共和国", "").strip()


class KnowledgeIndex:
    """Read-only view of the serving build. Cheap to query; load once per process."""

    def __init__(self, build: Path, documents: list[RegDocument], chunks: list[ChunkRecord],
                 bm25, collection, embedder: Embedder, lexicon: Lexicon, manifest: store.Manifest,
                 idf: dict):
        self.build = build
        self.documents = {d.doc_id: d for d in documents}
        self.chunks = chunks
        self.chunk_row = {c.id: i for i, c in enumerate(chunks)}
        self.bm25 = bm25
        self.collection = collection
        self.embedder = embedder
        self.lexicon = lexicon
        self.manifest = manifest
        # Word → idf over articles (not chunks): how informative a matched word is.
        self._idf: dict[str, float] = idf["terms"]
        self.unseen_idf: float = idf["unseen"]  # a word no article uses
        self._bm25_vocab = set(getattr(bm25, "vocab_dict", {}) or {})
        self._sentences: dict[tuple[str, int], list[str]] = {}
        # Titles as matched against questions: no country prefix, no (征求意见稿).
        self.title_keys = {d.doc_id: title_key(d.title) for d in documents}
        self.superseded = {d.doc_id for d in documents if d.superseded_by}
        self._texts: dict[str, str] = {}

    @classmethod
    def open(cls, cfg: Config, embedder: Embedder | None = None,
             lexicon: Lexicon | None = None) -> "KnowledgeIndex":
        build = store.current_build(cfg.index_root)
        if build is None:
            raise IndexUnavailable("还没有建立知识库索引，请先运行 `python -m bot ingest`。")
        manifest = store.read_manifest(build)
        wanted = embedder.fingerprint if embedder else expected_fingerprint(cfg.embedding)
        if manifest.embedding != wanted:
            raise IndexUnavailable(
                f"索引是用 {manifest.embedding} 建立的，当前配置的向量模型是 {wanted}；"
                "请运行 `python -m bot ingest` 重新建立索引（re-ingest）。")
        bm25s = store.load_bm25s()
        try:
            documents = [RegDocument.from_dict(d) for d in
                         json.loads((build / "documents.json").read_text(encoding="utf-8"))]
            raw_chunks = json.loads((build / "chunks.json").read_text(encoding="utf-8"))
            idf = json.loads((build / "idf.json").read_text(encoding="utf-8"))
            bm25 = bm25s.BM25.load(str(build / "bm25"))
            collection = store.chroma_client(build / "chroma").get_collection(store.COLLECTION)
        except Exception as exc:  # any damage to the build means: rebuild it
            raise IndexUnavailable(f"索引文件损坏（{type(exc).__name__}），请运行 `python -m bot ingest` 重建。") from exc
        chunks = [ChunkRecord(id=c["id"], doc_id=c["doc_id"], article_no=c["article_no"],
                              item_no=c["item_no"], part=c["part"], text=c["text"]) for c in raw_chunks]
        embedder = embedder or make_embedder(cfg.embedding)
        lexicon = lexicon or load_lexicon(cfg)
        return cls(build, documents, chunks, bm25, collection, embedder, lexicon, manifest, idf)

    def bm25_has(self, token: str) -> bool:
        return token in self._bm25_vocab

    def idf(self, token: str) -> float:
        return self._idf.get(token, 0.0)

    def in_vocabulary(self, token: str) -> bool:
        return token in self._idf

    def sentences(self, doc_id: str, no: int) -> list[str]:
        """The article's sentences and item lines, verbatim (cached)."""
        key = (doc_id, no)
        if key not in self._sentences:
            art = self.article(doc_id, no)
            self._sentences[key] = split_sentences(art.text) if art else []
        return self._sentences[key]

    def document_text(self, doc_id: str) -> str:
        """The document's articles as one NFKC, lower-case string (cached)."""
        if doc_id not in self._texts:
            doc = self.documents[doc_id]
            self._texts[doc_id] = unicodedata.normalize(
                "NFKC", "\n".join(a.text for a in doc.articles)).lower()
        return self._texts[doc_id]

    def article(self, doc_id: str, no: int) -> Article | None:
        doc = self.documents.get(doc_id)
        return doc.article(no) if doc else None

    @property
    def default_doc_id(self) -> str:
        return next(iter(self.documents))
