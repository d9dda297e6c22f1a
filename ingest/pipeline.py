"""Ingest regulations into a new index build; incremental (unchanged chunks keep their
embeddings) and atomic (the previous build serves until the new one is complete)."""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import re
import shutil
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import jieba
import numpy as np

from bot.config import Config
from ingest import store
from ingest.chunk import Chunk, chunk_document
from ingest.embeddings import Embedder, expected_fingerprint, make_embedder
from ingest.lexicon import Lexicon
from ingest.model import RegDocument
from ingest.parse import DocumentMeta, parse_document
from ingest.readers import SUPPORTED_SUFFIXES, ReadError, read_document

log = logging.getLogger(__name__)
KEEP_OLD_BUILDS = 1  # a process that opened the previous build can keep reading it


class IngestError(Exception):
    """Ingest failed; the previous index (if any) is still serving."""


@dataclass
class IngestReport:
    build: Path
    documents: list[dict]
    chunks: int
    embedded: int
    reused: int
    seconds: float
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def load_lexicon(cfg: Config) -> Lexicon:
    k = cfg.knowledge
    return Lexicon.load(k.userdict, k.synonyms, k.stopwords, cache_dir=cfg.storage.data_dir / "cache")


def _reserved_files(cfg: Config) -> set[Path]:
    k = cfg.knowledge
    return {p.resolve() for p in (k.documents, k.userdict, k.synonyms, k.stopwords)}


def discover(cfg: Config, paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Files to ingest under `paths`; named files must be supported, folders are filtered."""
    reserved = _reserved_files(cfg)
    files: list[Path] = []
    skipped: list[str] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise IngestError(f"{path}: no such file or folder")
        if path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise IngestError(f"{path.name}: unsupported file type; use one of "
                                  f"{', '.join(sorted(SUPPORTED_SUFFIXES))}")
            files.append(path.resolve())
            continue
        for child in sorted(path.rglob("*")):
            if not child.is_file() or any(part.startswith(".") for part in child.relative_to(path).parts):
                continue
            if child.resolve() in reserved or child.name.upper().startswith("README"):
                continue
            if child.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(child.resolve())
            elif child.suffix.lower() not in {".toml"}:
                skipped.append(f"{child.name}: unsupported file type")
    unique = list(dict.fromkeys(files))
    return unique, skipped


def _document_meta(cfg: Config) -> dict[str, dict]:
    path = cfg.knowledge.documents
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(f"{path.name}: {exc}") from exc
    return {str(d["file"]): d for d in raw.get("document", []) if "file" in d}


def _doc_id_from_name(name: str) -> str:
    stem = Path(name).stem
    return re.sub(r"[^\w\-]+", "-", stem).strip("-") or "doc"


def inputs_fingerprint(cfg: Config, files: list[Path]) -> str:
    """Everything an index depends on: file contents, vocabulary, chunking, embedding backend."""
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(str(f.name).encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    for extra in sorted(_reserved_files(cfg)):
        if extra.exists():
            h.update(extra.name.encode())
            h.update(hashlib.sha256(extra.read_bytes()).digest())
    h.update(json.dumps([cfg.chunking.max_chars, cfg.chunking.overlap_sentences,
                         expected_fingerprint(cfg.embedding), store.FORMAT_VERSION]).encode())
    return h.hexdigest()


def is_stale(cfg: Config, paths: list[Path] | None = None) -> bool:
    build = store.current_build(cfg.index_root)
    if build is None:
        return True
    try:
        manifest = store.read_manifest(build)
        files, _ = discover(cfg, paths or cfg.knowledge.paths)
    except (store.IndexUnavailable, IngestError):
        return True
    return manifest.inputs != inputs_fingerprint(cfg, files)


def parse_files(cfg: Config, files: list[Path]) -> list[RegDocument]:
    metas = _document_meta(cfg)
    docs: list[RegDocument] = []
    seen: dict[str, str] = {}
    contents: dict[bytes, Path] = {}
    for f in files:
        digest = hashlib.sha256(f.read_bytes()).digest()
        if digest in contents:
            # The same file in two folders: index it once (citations need one id).
            log.warning("%s: identical to %s; indexed once", f, contents[digest])
            continue
        contents[digest] = f
        entry = metas.get(f.name, {})
        meta = DocumentMeta(doc_id=str(entry.get("id") or _doc_id_from_name(f.name)),
                            title=str(entry.get("title", "")), issuer=str(entry.get("issuer", "")),
                            date=str(entry.get("date", "")), status=str(entry.get("status", "")))
        if meta.doc_id in seen:
            raise IngestError(f"{f.name}: document id {meta.doc_id!r} is already used by {seen[meta.doc_id]}")
        seen[meta.doc_id] = f.name
        try:
            read = read_document(f)
        except ReadError as exc:
            raise IngestError(str(exc)) from exc
        meta.title_hint = read.title
        doc = parse_document(read.lines, f.name, meta)
        if not doc.articles:
            raise IngestError(f"{f.name}: nothing to index besides the title "
                              f"({doc.title!r}); add the text or remove the file")
        docs.append(doc)
    link_versions(docs)
    return docs


def link_versions(docs: list[RegDocument]) -> None:
    """Files with the same title are versions of one regulation: the newest is in force,
    each older one names it in `superseded_by`. Same title and same date: a duplicate,
    said in both documents' warnings (both stay, so nothing is silently dropped)."""
    by_title: dict[str, list[RegDocument]] = {}
    for d in docs:
        by_title.setdefault(re.sub(r"\s+", "", d.title), []).append(d)
    for versions in by_title.values():
        if len(versions) < 2:
            continue
        versions.sort(key=lambda d: (d.date or "", d.doc_id))
        newest = versions[-1]
        for d in versions[:-1]:
            if (d.date or "") == (newest.date or ""):
                for a, b in ((d, newest), (newest, d)):
                    a.warnings.append(f"same title and date as {b.source}: is it a duplicate?")
                continue
            d.superseded_by = newest.doc_id
            d.warnings.append(f"an older version of {newest.title}: {newest.source} "
                              f"({newest.date}) is in force")


def _previous_embeddings(cfg: Config, fingerprint: str) -> dict[str, np.ndarray]:
    """hash -> embedding from the serving build, when it used the same backend."""
    build = store.current_build(cfg.index_root)
    if build is None:
        return {}
    try:
        # Any earlier format will do: only the embedding backend must be the same.
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
        if manifest["embedding"]["fingerprint"] != fingerprint:
            return {}
        client = store.chroma_client(build / "chroma")
        collection = client.get_collection(store.COLLECTION)
        out: dict[str, np.ndarray] = {}
        step = 2000  # in pages: the whole collection as Python lists would cost ~0.5 GB
        for offset in range(0, collection.count(), step):
            got = collection.get(include=["embeddings", "metadatas"], limit=step, offset=offset)
            for m, e in zip(got["metadatas"], got["embeddings"]):
                if m and "hash" in m:
                    out[m["hash"]] = np.asarray(e, dtype=np.float32)
    except Exception as exc:  # an unreadable old build only costs re-embedding
        log.warning("previous index unreadable, embedding everything again: %s", exc)
        return {}
    finally:
        store.release_chroma(build / "chroma")
    return out


def _embed(embedder: Embedder, chunks: list[Chunk], cache: dict[str, np.ndarray],
           batch_size: int, progress: bool) -> tuple[np.ndarray, int]:
    todo = [c for c in chunks if c.hash not in cache]
    unique = list({c.hash: c for c in todo}.values())
    bar = None
    if progress and unique and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(unique), desc="embedding", unit="chunk", file=sys.stderr)
    for start in range(0, len(unique), batch_size):
        batch = unique[start:start + batch_size]
        vectors = embedder.embed_passages([c.embed_text for c in batch])
        for chunk, vec in zip(batch, vectors):
            cache[chunk.hash] = vec
        if bar:
            bar.update(len(batch))
    if bar:
        bar.close()
    matrix = np.stack([cache[c.hash] for c in chunks]) if chunks else np.zeros((0, embedder.dim))
    return matrix, len(unique)


def _write_lexical(build: Path, docs: list[RegDocument], chunks: list[Chunk], lexicon: Lexicon) -> None:
    """BM25, idf, documents and chunk records: everything that needs no embedding."""
    bm25s = store.load_bm25s()
    build.mkdir(parents=True)
    # Chapter and text; the document title is the same for all its chunks and only adds noise.
    corpus = [lexicon.tokens(c.embed_text) or ["∅"] for c in chunks]
    bm25 = bm25s.BM25()
    bm25.index(corpus, show_progress=False)
    bm25.save(str(build / "bm25"))
    store.write_json(build / "idf.json", article_idf(docs, lexicon))
    store.write_json(build / "documents.json", [d.to_dict() for d in docs])
    store.write_json(build / "chunks.json", [
        {"id": c.id, "text": c.text, **c.metadata()} for c in chunks])


def _write_vectors(build: Path, chunks: list[Chunk], vectors: np.ndarray, embedder: Embedder,
                   previous: Path | None = None) -> None:
    """The Chroma collection of the new build. With a previous build of the same backend,
    its collection is copied and only the chunks that changed are written: adding 27,000
    vectors again costs half a minute, a copy under a second. The copy is the new build's
    own, so the serving build is never touched."""
    records = _reusable_records(previous, embedder) if previous else None
    if records is not None:
        shutil.copytree(previous / "chroma", build / "chroma")
    client = store.chroma_client(build / "chroma")
    try:
        if records is None:
            collection = client.create_collection(
                store.COLLECTION, embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedding": embedder.fingerprint, "dim": int(embedder.dim)})
            todo = list(range(len(chunks)))
        else:
            collection = client.get_collection(store.COLLECTION)
            wanted = {c.id for c in chunks}
            gone = [cid for cid in records if cid not in wanted]
            for start in range(0, len(gone), 1000):
                collection.delete(ids=gone[start:start + 1000])
            todo = [i for i, c in enumerate(chunks)
                    if records.get(c.id) != {"id": c.id, "text": c.text, **c.metadata()}]
        step = 1000
        for start in range(0, len(todo), step):
            part = [chunks[i] for i in todo[start:start + step]]
            collection.upsert(ids=[c.id for c in part], documents=[c.text for c in part],
                              metadatas=[c.metadata() for c in part],
                              embeddings=vectors[todo[start:start + step]].tolist())
    finally:
        store.release_chroma(build / "chroma")


def _reusable_records(previous: Path, embedder: Embedder) -> dict[str, dict] | None:
    """id → chunk record of the previous build, when its collection can be copied."""
    try:
        manifest = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format_version") != store.FORMAT_VERSION or \
                manifest["embedding"]["fingerprint"] != embedder.fingerprint:
            return None
        rows = json.loads((previous / "chunks.json").read_text(encoding="utf-8"))
    except (OSError, KeyError, ValueError, TypeError):
        return None
    if not (previous / "chroma").is_dir():
        return None
    return {r["id"]: r for r in rows}


def _write_manifest(build: Path, cfg: Config, docs: list[RegDocument], chunks: list[Chunk],
                    lexicon: Lexicon, embedder: Embedder, inputs: str) -> None:
    """Written last: a build without a manifest is never served."""
    store.write_json(build / "manifest.json", {
        "format_version": store.FORMAT_VERSION,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "inputs_fingerprint": inputs,
        "embedding": {"fingerprint": embedder.fingerprint, "dim": int(embedder.dim),
                      "backend": cfg.embedding.backend, "model": cfg.embedding.model},
        "lexicon": lexicon.fingerprint,
        "chunking": {"max_chars": cfg.chunking.max_chars,
                     "overlap_sentences": cfg.chunking.overlap_sentences},
        "documents": [{"doc_id": d.doc_id, "title": d.title, "source": d.source,
                       "articles": len(d.articles), "numbering": d.numbering} for d in docs],
        "chunks": len(chunks),
    })


def article_idf(docs: list[RegDocument], lexicon: Lexicon) -> dict:
    """Word → idf over articles, computed once here so queries start fast at any scale."""
    df: dict[str, int] = {}
    articles = 0
    for doc in docs:
        for art in doc.articles:
            articles += 1
            for word in set(lexicon.terms(art.text)):
                df[word] = df.get(word, 0) + 1
    n = max(articles, 1)
    return {"terms": {w: round(float(np.log((n + 1) / (c + 0.5))), 4) for w, c in df.items()},
            "unseen": round(float(np.log((n + 1) / 0.5)), 4)}


def _cleanup(index_root: Path, keep: Path) -> None:
    builds = sorted((p for p in index_root.glob("build-*") if p.is_dir() and p != keep),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in builds[KEEP_OLD_BUILDS:]:
        store.release_chroma(old / "chroma")
        shutil.rmtree(old, ignore_errors=True)


def ingest(cfg: Config, paths: list[Path] | None = None, progress: bool = True,
           embedder: Embedder | None = None) -> IngestReport:
    """Build a new index from `paths` (default: the configured knowledge folders)."""
    started = time.perf_counter()
    root = cfg.index_root
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IngestError("another ingest is running; try again when it has finished") from exc
        files, skipped = discover(cfg, paths or cfg.knowledge.paths)
        if not files:
            raise IngestError("no documents to ingest (.txt, .md, .docx or .pdf)")
        docs = parse_files(cfg, files)
        lexicon = load_lexicon(cfg)
        lexicon.use_segment_cache(cfg.storage.data_dir / "cache" /
                                  f"terms-{lexicon.fingerprint}-jieba{jieba.__version__}.pkl")
        chunks = [c for d in docs for c in chunk_document(
            d, cfg.chunking.max_chars, cfg.chunking.overlap_sentences, lexicon)]
        embedder = embedder or make_embedder(cfg.embedding, for_ingest=True)
        cache = _previous_embeddings(cfg, embedder.fingerprint)
        reusable = sum(1 for c in chunks if c.hash in cache)
        build = root / f"build-{time.strftime('%Y%m%dT%H%M%S')}-{hashlib.sha1(str(time.time_ns()).encode()).hexdigest()[:6]}"
        try:
            # Sequential on purpose: overlapping Python work with the embedder's OpenMP
            # threads on 2 cores made ingest slower, not faster.
            vectors, embedded = _embed(embedder, chunks, cache, cfg.embedding.batch_size, progress)
            _write_lexical(build, docs, chunks, lexicon)
            _write_vectors(build, chunks, vectors, embedder, store.current_build(root))
            _write_manifest(build, cfg, docs, chunks, lexicon, embedder, inputs_fingerprint(cfg, files))
            store.switch_current(root, build)
            lexicon.save_segment_cache()
        except BaseException:
            store.release_chroma(build / "chroma")
            shutil.rmtree(build, ignore_errors=True)
            raise
        _cleanup(root, build)
    return IngestReport(
        build=build,
        documents=[{"doc_id": d.doc_id, "title": d.title, "source": d.source,
                    "articles": len(d.articles), "numbering": d.numbering} for d in docs],
        chunks=len(chunks), embedded=embedded, reused=reusable,
        seconds=time.perf_counter() - started, skipped=skipped,
        warnings=[f"{d.source}: {w}" for d in docs for w in d.warnings])
