"""Benchmark of the county-regulation bot: ingest, warm latency, cold start, memory, scale.

    make bench                    # everything (the scale run embeds ~7,000 chunks once: minutes)
    make bench ARGS=--quick       # skip the scale run
    .venv/bin/python bench/run.py --scale 100 [--rebuild] [--ask-runs 5] [--keep-tmp]

Every measurement runs in a child process against its own data dir (a temp dir, or the
cached scale index under bench/.corpus/); the developer's data/ is never used. Results are
printed as a table and written to bench/results/latest.json. See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402

PY = sys.executable
CONFIG = ROOT / "config.toml"
QUESTIONS = ROOT / "tests" / "eval" / "questions.jsonl"
ASK_QUESTION = "会签文件几天内回复"
RESULTS = BENCH / "results"
CORPUS_ROOT = BENCH / ".corpus"
DEV_DATA = (ROOT / "data").resolve()
# Thread settings must come from config.toml ([embedding] *_threads), not the environment.
THREAD_VARS = {"OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"}

TARGET_RATIO = 2.0
TARGET_ASK_S = 3.0
TARGET_RSS_MB = 400.0
TARGET_INGEST_S = 10.0


# -- helpers ---------------------------------------------------------------------------
def log(msg: str = "") -> None:
    print(msg, flush=True)


def child_env(data_dir: Path) -> dict:
    data_dir = Path(data_dir).resolve()
    if data_dir == DEV_DATA or DEV_DATA in data_dir.parents:
        raise SystemExit(f"refusing to use the developer's data dir {data_dir}")
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS and not k.startswith("BOT_")}
    env["BOT_CONFIG"] = str(CONFIG)
    env["BOT_DATA_DIR"] = str(data_dir)
    return env


class Run:
    def __init__(self, rc: int, stdout: str, stderr: str, wall_s: float, maxrss_mb: float):
        self.rc, self.stdout, self.stderr, self.wall_s, self.maxrss_mb = rc, stdout, stderr, wall_s, maxrss_mb

    def json(self) -> dict:
        if self.rc != 0:
            raise RuntimeError(f"exit code {self.rc}: {self.stderr.strip()[-2000:]}")
        return json.loads(self.stdout.strip().splitlines()[-1])


def run(cmd: list[str], data_dir: Path, stream_stderr: bool = False, timeout: float | None = 600) -> Run:
    """Run a child; wall time and its own peak RSS (os.wait4 reports per-child rusage)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(data_dir), stdin=subprocess.DEVNULL,
                                stdout=out, stderr=None if stream_stderr else err)
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(proc.returncode, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), wall, usage.ru_maxrss / 1024)


def worker(args: list[str], data_dir: Path, **kw) -> Run:
    return run([PY, str(BENCH / "worker.py"), *args], data_dir, **kw)


def pct(values: list[float], p: float) -> float:
    """Percentile with linear interpolation between closest ranks."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * p / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


class Report:
    def __init__(self):
        self.figures: list[dict] = []
        self.raw: dict = {}

    def add(self, key: str, label: str, value, unit: str, target: str = "", ok: bool | None = None,
            note: str = "") -> None:
        status = "info" if ok is None else ("PASS" if ok else "FAIL")
        self.figures.append({"key": key, "label": label, "value": value, "unit": unit,
                             "target": target, "status": status, "note": note})
        log(f"  {label}: {_fmt(value)} {unit}  {target}  {status}")

    def error(self, key: str, label: str, exc: BaseException) -> None:
        self.figures.append({"key": key, "label": label, "value": None, "unit": "", "target": "",
                             "status": "ERROR", "note": str(exc)[-500:]})
        log(f"  {label}: ERROR {str(exc)[-500:]}")


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
    return str(v)


def git_rev() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# -- sections --------------------------------------------------------------------------
def bench_ingest(rep: Report, data: Path) -> bool:
    log("[1] ingest of knowledge/ into a fresh data dir")
    try:
        cold = worker(["ingest"], data)
        c = cold.json()
        rep.raw["ingest_cold"] = {**c, "wall_s": cold.wall_s, "maxrss_mb": cold.maxrss_mb}
        rep.add("ingest_cold_s", "ingest cold, wall (process incl. model load)", cold.wall_s, "s",
                f"<= {TARGET_INGEST_S:g} s", cold.wall_s <= TARGET_INGEST_S)
        rep.add("ingest_cold_pipeline_s", "ingest cold, in-process ingest() call (model load incl.)", c["seconds"], "s",
                note=f"{c['documents']} docs, {c['articles']} articles, {c['chunks']} chunks, "
                     f"{c['embedded']} embedded")
        warm = worker(["ingest"], data)
        w = warm.json()
        rep.raw["ingest_again"] = {**w, "wall_s": warm.wall_s, "maxrss_mb": warm.maxrss_mb}
        rep.add("reingest_s", "re-ingest unchanged, wall", warm.wall_s, "s")
        rep.add("reingest_embedded", "re-ingest unchanged, chunks embedded again", w["embedded"],
                f"of {w['chunks']}", "= 0 (all reused)", w["embedded"] == 0 and w["reused"] == w["chunks"],
                note=f"reused {w['reused']}")
        return True
    except Exception as exc:  # keep going: later sections report their own errors
        rep.error("ingest", "ingest", exc)
        return False


def bench_latency(rep: Report, data: Path, questions: Path, warmup: int) -> None:
    log("[2] warm per-question latency (index loaded once, question list run twice)")
    try:
        r = worker(["latency", "--questions", str(questions), "--warmup", str(warmup), "--passes", "2"], data)
        d = r.json()
        a, e = d["answer_ms"], d["embed_ms"]
        p50, p95, e50 = pct(a, 50), pct(a, 95), pct(e, 50)
        rep.raw["latency"] = {"load_s": d["load_s"], "questions": d["questions"], "answer_ms": a,
                              "embed_ms": e, "maxrss_mb": r.maxrss_mb}
        rep.add("warm_p50_ms", f"warm Engine.answer p50 ({len(a)} timings)", p50, "ms")
        rep.add("warm_p95_ms", "warm Engine.answer p95", p95, "ms")
        rep.add("embed_p50_ms", "query embedding p50 (index.embedder.embed_query)", e50, "ms")
        rep.add("warm_over_embed", "warm p50 / embed p50", p50 / e50, "x", f"<= {TARGET_RATIO:g}",
                p50 / e50 <= TARGET_RATIO)
    except Exception as exc:
        rep.error("latency", "warm latency", exc)


def bench_ask(rep: Report, data: Path, runs: int, key: str = "ask", label: str = "", target: bool = True):
    """Cold start of `python -m bot ask`; returns the runs (for their peak RSS)."""
    results = []
    for _ in range(runs):
        r = run([PY, "-m", "bot", "ask", ASK_QUESTION], data, timeout=120)
        if r.rc != 0:
            raise RuntimeError(f"ask failed (exit {r.rc}): {r.stderr.strip()[-1000:]}")
        results.append(r)
    walls = [r.wall_s for r in results]
    med = statistics.median(walls)
    rep.raw[key] = {"wall_s": walls, "maxrss_mb": [r.maxrss_mb for r in results],
                    "answer": results[0].stdout.strip()[:200]}
    rep.add(f"{key}_cold_s", f"`ask` cold start{label}, median of {runs}", med, "s",
            f"<= {TARGET_ASK_S:g} s" if target else "", (med <= TARGET_ASK_S) if target else None,
            note="runs: " + ", ".join(f"{w:.2f}" for w in walls))
    return results


def bench_rss(rep: Report, data: Path, ask_runs: list[Run], questions: Path, key: str = "",
              label: str = "", target: bool = True) -> None:
    rss = max(r.maxrss_mb for r in ask_runs)
    rep.add(f"ask_rss_mb{key}", f"`ask` peak RSS{label}", rss, "MB",
            f"<= {TARGET_RSS_MB:g} MB" if target else "", (rss <= TARGET_RSS_MB) if target else None)
    r = run([PY, "-m", "bot", "eval", str(questions), "--json"], data, timeout=1800)
    if r.rc != 0:
        raise RuntimeError(f"eval failed (exit {r.rc}): {r.stderr.strip()[-1000:]}")
    summary = json.loads(r.stdout)["summary"]
    rep.raw[f"eval{key}"] = {"wall_s": r.wall_s, "maxrss_mb": r.maxrss_mb, "summary": summary}
    rep.add(f"eval_rss_mb{key}", f"`bot eval` (load + all questions) peak RSS{label}", r.maxrss_mb, "MB",
            f"<= {TARGET_RSS_MB:g} MB" if target else "", (r.maxrss_mb <= TARGET_RSS_MB) if target else None,
            note=f"recall@1 {summary.get('recall_at_1')}, must {summary.get('must_rate')}, "
                 f"refusal {summary.get('refusal_rate')}")


def bench_scale(rep: Report, data1: Path, n: int, rebuild: bool, questions: Path, warmup: int,
                ask_runs: int) -> None:
    log(f"[5] scale run: {n} regulations")
    key = corpus.corpus_key(ROOT / "knowledge", n)
    cdir = CORPUS_ROOT / f"n{n}-{key}"
    if rebuild and cdir.exists():
        shutil.rmtree(cdir)
    stale = [p for p in CORPUS_ROOT.glob(f"n{n}-*") if p != cdir]
    if stale:
        log(f"  note: older corpora from a previous generator version: {', '.join(p.name for p in stale)} "
            "(delete them to free disk)")
    if not (cdir / ".generated").exists():
        stats = corpus.generate(ROOT / "knowledge", cdir, n)
        (cdir / ".generated").write_text(json.dumps(stats), encoding="utf-8")
        log(f"  generated {cdir.relative_to(ROOT)}: {stats}")
    data100 = cdir / "data"
    built = cdir / "ingest.json"
    log("  ingesting (skipped when the cached index is up to date)…")
    r = worker(["ingest", "--if-stale", "--progress", "--knowledge", str(cdir / "knowledge"),
                "--documents", str(cdir / "documents.toml")], data100, stream_stderr=True, timeout=None)
    d = r.json()
    if not d["skipped"]:
        d.update(wall_s=r.wall_s, built_at=time.strftime("%Y-%m-%dT%H:%M:%S"))
        built.write_text(json.dumps(d), encoding="utf-8")
    info = json.loads(built.read_text(encoding="utf-8")) if built.exists() else {}
    rep.raw["scale_ingest"] = {**info, "cached": d["skipped"], "dir": str(cdir.relative_to(ROOT))}
    rep.add("scale_ingest_s", f"scale ingest, wall{' (cached, built ' + info.get('built_at', '?') + ')' if d['skipped'] else ''}",
            info.get("wall_s"), "s",
            note=f"{info.get('documents')} docs, {info.get('articles')} articles, {info.get('chunks')} chunks, "
                 f"{info.get('embedded')} embedded")

    log("  warm latency, 1-doc vs n-doc index (interleaved in one process)")
    r = worker(["compare", "--questions", str(questions), "--warmup", str(warmup), "--passes", "2",
                "--data-dir", str(data1), "--data-dir", str(data100)], data1, timeout=3600)
    c = r.json()
    one, many = c["answer_ms"]
    p50_1, p50_n, p95_n = pct(one, 50), pct(many, 50), pct(many, 95)
    rep.raw["scale_compare"] = {**c, "maxrss_mb": r.maxrss_mb}
    rep.add("scale_p50_1_ms", "warm p50 @1 doc (same run)", p50_1, "ms", note=f"p95 {pct(one, 95):.1f} ms")
    rep.add(f"scale_p50_{n}_ms", f"warm p50 @{n} docs", p50_n, "ms")
    rep.add(f"scale_p95_{n}_ms", f"warm p95 @{n} docs", p95_n, "ms")
    rep.add("scale_ratio", f"p50@{n} / p50@1", p50_n / p50_1, "x", f"<= {TARGET_RATIO:g}",
            p50_n / p50_1 <= TARGET_RATIO)
    rep.add("scale_index_load_s", f"index load @{n} docs (model excluded)", c["load_s"][1], "s",
            note=f"@1 doc: {c['load_s'][0]:.2f} s")
    try:
        runs = bench_ask(rep, data100, ask_runs, key=f"ask{n}", label=f" @{n} docs", target=False)
        bench_rss(rep, data100, runs, questions, key=f"@{n}", label=f" @{n} docs", target=False)
    except Exception as exc:
        rep.error(f"ask{n}", f"ask/eval @{n} docs", exc)


# -- main ------------------------------------------------------------------------------
def print_table(rep: Report) -> None:
    rows = [(f["label"], f"{_fmt(f['value'])} {f['unit']}".strip(), f["target"] or "—", f["status"])
            for f in rep.figures]
    widths = [max(len(r[i]) for r in rows + [("figure", "value", "target", "status")]) for i in range(4)]
    line = "  ".join("{:<%d}" % w for w in widths)
    log()
    log(line.format("figure", "value", "target", "status"))
    log(line.format(*("-" * w for w in widths)))
    for r in rows:
        log(line.format(*r))
    fails = [f["label"] for f in rep.figures if f["status"] in {"FAIL", "ERROR"}]
    log()
    log("all targets met" if not fails else f"{len(fails)} figure(s) failed: " + "; ".join(fails))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="skip the scale run")
    ap.add_argument("--scale", type=int, default=100, metavar="N", help="regulations in the scale run")
    ap.add_argument("--rebuild", action="store_true", help="regenerate and re-ingest the scale corpus")
    ap.add_argument("--ask-runs", type=int, default=5, help="cold `ask` runs (median)")
    ap.add_argument("--warmup", type=int, default=5, help="warm-up questions before timing")
    ap.add_argument("--questions", type=Path, default=QUESTIONS)
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temp data dir")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a figure misses its target")
    args = ap.parse_args()
    if args.scale < 2:
        ap.error("--scale must be at least 2")

    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.time()
    meta = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "git": git_rev(), "python": platform.python_version(),
            "platform": platform.platform(), "cpus": os.cpu_count(), "loadavg_start": os.getloadavg(),
            "args": vars(args) | {"questions": str(args.questions)}}
    log(f"county-bot bench  git {meta['git']}  cpus {meta['cpus']}  load {meta['loadavg_start'][0]:.2f}")
    tmp = Path(tempfile.mkdtemp(prefix="county-bot-bench-"))
    data1 = tmp / "data"
    log(f"temp data dir: {data1}")
    rep = Report()
    try:
        if bench_ingest(rep, data1):
            bench_latency(rep, data1, args.questions, args.warmup)
            log("[3] cold start of `python -m bot ask` (subprocess, prebuilt index)")
            try:
                runs = bench_ask(rep, data1, args.ask_runs)
                log("[4] peak RSS")
                bench_rss(rep, data1, runs, args.questions)
            except Exception as exc:
                rep.error("ask", "ask / eval subprocess", exc)
            if not args.quick:
                try:
                    bench_scale(rep, data1, args.scale, args.rebuild, args.questions, args.warmup,
                                max(1, min(3, args.ask_runs)))
                except Exception as exc:
                    rep.error("scale", "scale run", exc)
    finally:
        if args.keep_tmp:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    meta["loadavg_end"] = os.getloadavg()
    meta["seconds"] = round(time.time() - started, 1)
    print_table(rep)
    out = {"meta": meta, "figures": rep.figures, "raw": rep.raw}
    text = json.dumps(out, ensure_ascii=False, indent=1)
    (RESULTS / "latest.json").write_text(text, encoding="utf-8")
    (RESULTS / f"{time.strftime('%Y%m%dT%H%M%S')}{'-quick' if args.quick else ''}.json").write_text(text, encoding="utf-8")
    log(f"load average start {meta['loadavg_start'][0]:.2f}, end {meta['loadavg_end'][0]:.2f} "
        f"(noisy if other work shares the {meta['cpus']} cores); {meta['seconds']} s")
    log(f"wrote {(RESULTS / 'latest.json').relative_to(ROOT)}")
    if any(f["status"] == "ERROR" for f in rep.figures):
        return 2
    return 1 if args.strict and any(f["status"] == "FAIL" for f in rep.figures) else 0


if __name__ == "__main__":
    sys.exit(main())
