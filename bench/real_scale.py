"""Scale on real text: knowledge/ + ../shared/regulations/dev + ../shared/regulations/scale.

    make bench-real                     # cold ingest, incremental re-ingest, latency, quality
    .venv/bin/python bench/real_scale.py --keep DIR   # keep the corpus and index in DIR

Figures (targets from issue 10):
- cold ingest wall time and the ingest process's peak RSS (≤ 10 min, ≤ 1 GB)
- incremental re-ingest after one file changed (≤ 30 s)
- warm Engine.answer p50 at ~680 documents vs the county rules alone (ratio ≤ 2)
- the dev question sets among the distractors (cited-correct ≥ 0.85)

Every measurement runs in a child process (`bench/real_scale.py --child …`) so peak RSS is
that process's own. The corpus is copied to a temp dir first: the shared folder is never
written. Writes bench/results/real_scale.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "regulations"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def _config(data: Path, paths: list[Path]):
    from bot.config import load_config

    cfg = load_config(ROOT / "config.toml", env={})
    cfg.storage.data_dir = data
    cfg.knowledge.paths = paths
    return cfg


def child_ingest(data: Path, paths: list[Path]) -> dict:
    from ingest.pipeline import ingest

    started = time.perf_counter()
    report = ingest(_config(data, paths), progress=False)
    return {"seconds": round(time.perf_counter() - started, 1), "documents": len(report.documents),
            "chunks": report.chunks, "embedded": report.embedded, "reused": report.reused,
            "warnings": report.warnings}


def child_latency(data: Path, paths: list[Path], seed_data: Path) -> dict:
    """Warm p50 on the big index and on the county rules alone, interleaved."""
    from bot.engine import Engine
    from bot.evaluation import load_questions
    from bot.retrieval.index import KnowledgeIndex

    big_cfg = _config(data, paths)
    big = Engine(big_cfg, KnowledgeIndex.open(big_cfg))
    seed_cfg = _config(seed_data, [ROOT / "knowledge"])
    seed = Engine(seed_cfg, KnowledgeIndex.open(seed_cfg, embedder=big.index.embedder))
    questions = [i.q for i in load_questions(ROOT / "tests" / "eval" / "questions.jsonl")]
    for q in questions[:5]:
        big.answer(q), seed.answer(q)
    timings: dict[str, list[float]] = {"big": [], "seed": []}
    for k, q in enumerate(questions):
        order = (("big", big), ("seed", seed)) if k % 2 else (("seed", seed), ("big", big))
        for name, engine in order:
            started = time.perf_counter()
            engine.answer(q)
            timings[name].append((time.perf_counter() - started) * 1000)
    p50 = {name: sorted(v)[len(v) // 2] for name, v in timings.items()}
    return {"p50_ms_big": round(p50["big"], 1), "p50_ms_seed": round(p50["seed"], 1),
            "ratio": round(p50["big"] / p50["seed"], 2), "documents": len(big.index.documents)}


def child_quality(data: Path, paths: list[Path]) -> dict:
    from bot.engine import Engine
    from bot.evaluation import load_questions, run_eval
    from bot.procedures.frontdesk import FrontDesk
    from bot.retrieval.index import KnowledgeIndex

    cfg = _config(data, paths)
    engine = Engine(cfg, KnowledgeIndex.open(cfg), frontdesk=FrontDesk.from_config(cfg))
    items = []
    for path in sorted((ROOT / "tests" / "eval" / "regulations").glob("*.jsonl")):
        items += load_questions(path)
    report = run_eval(engine, items, k=3)
    rows = [r for r in report["results"] if r["expected_covered"]]
    cited = sum(1 for r in rows if r.get("rank") == 1) / len(rows)
    return {"cited_correct": round(cited, 4), **{k: report["summary"][k] for k in
            ("recall_at_1", "recall_at_k", "lead_rate", "refusal_rate", "p50_ms")}}


def _run_child(kind: str, *args: str) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{kind} failed")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs="+")
    parser.add_argument("--keep", type=Path, help="keep the corpus and indexes in this folder")
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        data = Path(rest[0])
        paths = [Path(p) for p in rest[1].split(os.pathsep)]
        fn = {"ingest": child_ingest, "quality": child_quality}.get(kind)
        result = fn(data, paths) if fn else child_latency(data, paths, Path(rest[2]))
        print(json.dumps(result, ensure_ascii=False))
        return 0
    if not SHARED.is_dir():
        print(f"{SHARED} is absent: nothing to measure")
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="real-scale-"))
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    shutil.copytree(SHARED / "scale", corpus / "scale")
    shutil.copytree(SHARED / "dev", corpus / "dev")
    (corpus / "scale" / "_index.md").unlink(missing_ok=True)  # the folder's index, not a text
    paths = os.pathsep.join(str(p) for p in (ROOT / "knowledge", corpus / "dev", corpus / "scale"))
    data, seed = work / "data", work / "seed"
    for d in (data, seed):
        shutil.rmtree(d, ignore_errors=True)
    figures: dict = {"started": time.strftime("%Y-%m-%d %H:%M"), "load": os.getloadavg()}
    t = time.perf_counter()
    figures["cold_ingest"] = _run_child("ingest", str(data), paths)
    figures["cold_ingest"]["wall_s"] = round(time.perf_counter() - t, 1)
    print("cold ingest", figures["cold_ingest"], flush=True)
    changed = next(iter(sorted((corpus / "scale").glob("*.md"))))
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with changed.open("a", encoding="utf-8") as f:
        f.write("\n第九百九十九条 本条为基准测试追加。\n")
    t = time.perf_counter()
    figures["incremental_ingest"] = _run_child("ingest", str(data), paths)
    figures["incremental_ingest"]["wall_s"] = round(time.perf_counter() - t, 1)
    print("incremental", figures["incremental_ingest"], flush=True)
    _run_child("ingest", str(seed), str(ROOT / "knowledge"))
    figures["latency"] = _run_child("latency", str(data), paths, str(seed))
    print("latency", figures["latency"], flush=True)
    figures["quality"] = _run_child("quality", str(data), paths)
    print("quality", figures["quality"], flush=True)
    targets = {"cold ingest ≤ 600 s": figures["cold_ingest"]["wall_s"] <= 600,
               "ingest RSS ≤ 1024 MB": figures["cold_ingest"]["peak_rss_mb"] <= 1024,
               "incremental ≤ 30 s": figures["incremental_ingest"]["wall_s"] <= 30,
               "p50 ratio ≤ 2": figures["latency"]["ratio"] <= 2,
               "cited-correct ≥ 0.85": figures["quality"]["cited_correct"] >= 0.85}
    figures["targets"] = targets
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "real_scale.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1),
                                             encoding="utf-8")
    for name, ok in targets.items():
        print(("PASS " if ok else "FAIL ") + name)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
