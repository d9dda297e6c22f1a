"""On-disk index layout, shared by the ingest pipeline (writer) and the bot (reader).

    <data_dir>/index/CURRENT        name of the build that serves queries
    <data_dir>/index/build-*/       one complete build:
        manifest.json               what was indexed, with which embedding backend
        documents.json              parsed documents (verbatim article text for quoting)
        chunks.json                 chunk records, in BM25 row order
        bm25/                       bm25s index over jieba tokens
        chroma/                     Chroma collection "chunks" with precomputed embeddings

A build is written completely before CURRENT is switched to it (write + os.replace),
so a failed or interrupted ingest leaves the previous build serving.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

COLLECTION = "chunks"
FORMAT_VERSION = 3
CURRENT = "CURRENT"


class IndexUnavailable(Exception):
    """The index is missing, unreadable or was built differently; the message says what to do."""


def load_bm25s():
    """Import bm25s; it sets its own logger to DEBUG on import, which would print to users."""
    import logging

    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


def chroma_settings():
    import chromadb

    return chromadb.Settings(anonymized_telemetry=False, allow_reset=False)


def chroma_client(path: Path):
    import chromadb

    return chromadb.PersistentClient(path=str(path), settings=chroma_settings())


def release_chroma(path: Path) -> None:
    """Forget Chroma's cached client for a path, so the folder can be deleted or reopened."""
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(path), None)
    except (ImportError, AttributeError):
        pass


def current_build(index_root: Path) -> Path | None:
    pointer = index_root / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    build = index_root / name
    return build if name and (build / "manifest.json").exists() else None


def write_json(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def switch_current(index_root: Path, build: Path) -> None:
    tmp = index_root / (CURRENT + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(build.name)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_root / CURRENT)
    try:  # make the rename itself durable
        fd = os.open(index_root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


@dataclass
class Manifest:
    data: dict

    @property
    def embedding(self) -> str:
        return self.data["embedding"]["fingerprint"]

    @property
    def inputs(self) -> str:
        return self.data.get("inputs_fingerprint", "")


def read_manifest(build: Path) -> Manifest:
    try:
        data = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(f"index manifest unreadable in {build}: {exc}") from exc
    if data.get("format_version") != FORMAT_VERSION:
        raise IndexUnavailable("索引格式已过期，请运行 `python -m bot ingest` 重新建立索引。")
    return Manifest(data)
