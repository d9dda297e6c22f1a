"""Child process for bench/run.py: each measurement runs in a fresh interpreter.

    worker.py ingest  [--knowledge DIR --documents FILE] [--if-stale] [--progress]
    worker.py latency --questions FILE [--warmup N] [--passes N]
    worker.py compare --data-dir A --data-dir B --questions FILE [--warmup N] [--passes N]

The data dir comes from BOT_DATA_DIR (set by run.py; never the developer's data/).
Prints one JSON object on stdout; progress goes to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")  # what bot/cli.py does


def _config(data_dir: str | None = None):
    from bot.config import load_config

    cfg = load_config(ROOT / "config.toml")
    if data_dir:
        cfg.storage.data_dir = Path(data_dir).resolve()
    if "BOT_DATA_DIR" not in os.environ and not data_dir:
        sys.exit("worker: BOT_DATA_DIR is not set (refusing to use the developer's data dir)")
    if cfg.storage.data_dir.resolve() == (ROOT / "data").resolve():
        sys.exit("worker: refusing to use the developer's data dir")
    return cfg


def _questions(path: str) -> list[str]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines if line.strip()]


class _ProgressEmbedder:
    """Wraps the real embedder to print progress (the pipeline's tqdm bar needs a tty)."""

    def __init__(self, inner, total: int):
        self._inner, self.total = inner, total
        self.fingerprint, self.dim = inner.fingerprint, inner.dim
        self.done, self.started, self.last = 0, time.perf_counter(), 0.0

    def embed_query(self, text):
        return self._inner.embed_query(text)

    def embed_passages(self, texts):
        out = self._inner.embed_passages(texts)
        self.done += len(texts)
        now = time.perf_counter()
        if now - self.last >= 15 or self.done >= self.total:
            self.last = now
            el = now - self.started
            rate = self.done / el if el else 0.0
            eta = (self.total - self.done) / rate if rate else 0.0
            print(f"  embedding {self.done}/{self.total} chunks  {el:5.0f} s  "
                  f"{rate:5.1f} chunk/s  eta ~{eta / 60:4.1f} min", file=sys.stderr, flush=True)
        return out


def cmd_ingest(args) -> dict:
    from ingest.chunk import chunk_document
    from ingest.embeddings import make_embedder
    from ingest.pipeline import discover, ingest, is_stale, load_lexicon, parse_files

    cfg = _config()
    if args.knowledge:
        cfg.knowledge.paths = [Path(args.knowledge).resolve()]
    if args.documents:
        cfg.knowledge.documents = Path(args.documents).resolve()
    if args.if_stale and not is_stale(cfg):
        return {"skipped": True}
    embedder = None
    total = None
    if args.progress:
        files, _ = discover(cfg, cfg.knowledge.paths)
        lexicon = load_lexicon(cfg)
        docs = parse_files(cfg, files)
        hashes = {c.hash for d in docs for c in chunk_document(
            d, cfg.chunking.max_chars, cfg.chunking.overlap_sentences, lexicon)}
        total = len(hashes)
        print(f"  {len(docs)} documents, {sum(len(d.articles) for d in docs)} articles, "
              f"{total} distinct chunks (already-embedded ones are reused)", file=sys.stderr, flush=True)
        embedder = _ProgressEmbedder(make_embedder(cfg.embedding, for_ingest=True), total)
    report = ingest(cfg, progress=False, embedder=embedder)
    return {"skipped": False, "seconds": report.seconds, "chunks": report.chunks,
            "embedded": report.embedded, "reused": report.reused,
            "documents": len(report.documents),
            "articles": sum(d["articles"] for d in report.documents),
            "warnings": len(report.warnings)}


def _open(data_dir: str | None = None, embedder=None):
    from bot.engine import Engine
    from bot.retrieval.index import KnowledgeIndex

    cfg = _config(data_dir)
    t = time.perf_counter()
    engine = Engine(cfg, KnowledgeIndex.open(cfg, embedder=embedder))
    return engine, time.perf_counter() - t


def cmd_latency(args) -> dict:
    questions = _questions(args.questions)
    engine, load_s = _open()
    embedder = engine.index.embedder
    for q in questions[: args.warmup]:
        engine.answer(q)
        embedder.embed_query(q)
    answer_ms, embed_ms = [], []
    for _ in range(args.passes):
        for q in questions:  # interleaved, so both see the same machine load
            t = time.perf_counter()
            embedder.embed_query(q)
            embed_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            engine.answer(q)
            answer_ms.append((time.perf_counter() - t) * 1000)
    return {"load_s": load_s, "questions": len(questions), "answer_ms": answer_ms, "embed_ms": embed_ms}


def cmd_compare(args) -> dict:
    questions = _questions(args.questions)
    from ingest.embeddings import make_embedder

    # one query embedder shared by all indexes, loaded first: load_s is the index alone
    embedder = make_embedder(_config(args.data_dir[0]).embedding)
    engines, loads = [], []
    for d in args.data_dir:
        engine, load_s = _open(d, embedder)
        engines.append(engine)
        loads.append(load_s)
    for q in questions[: args.warmup]:
        for e in engines:
            e.answer(q)
    times: list[list[float]] = [[] for _ in engines]
    k = 0
    for _ in range(args.passes):
        for q in questions:
            order = list(range(len(engines)))
            if k % 2:
                order.reverse()  # alternate which index goes first
            k += 1
            for i in order:
                t = time.perf_counter()
                engines[i].answer(q)
                times[i].append((time.perf_counter() - t) * 1000)
    return {"load_s": loads, "questions": len(questions), "answer_ms": times,
            "documents": [len(e.index.documents) for e in engines],
            "chunks": [len(e.index.chunks) for e in engines]}


def main() -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("ingest")
    s.add_argument("--knowledge")
    s.add_argument("--documents")
    s.add_argument("--if-stale", action="store_true")
    s.add_argument("--progress", action="store_true")
    for name in ("latency", "compare"):
        s = sub.add_parser(name)
        s.add_argument("--questions", required=True)
        s.add_argument("--warmup", type=int, default=5)
        s.add_argument("--passes", type=int, default=2)
        if name == "compare":
            s.add_argument("--data-dir", action="append", required=True)
    args = p.parse_args()
    out = {"ingest": cmd_ingest, "latency": cmd_latency, "compare": cmd_compare}[args.cmd](args)
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
