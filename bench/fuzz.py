"""Fuzz the real `python -m bot serve` through the Bot API stand-in: N seeded random
updates (tests/fuzz_updates.py: noise, strange commands, forged presses, stickers, polls,
channel posts, unknown fields, broken shapes), a 1 MB command and a burst of 1,000 updates
from one user, then kill -9 runs over a burst of questions. Counts tracebacks, ERROR lines,
getUpdates calls per second, and lost/duplicated answers per kill run.

    .venv/bin/python bench/fuzz.py [--updates 10000] [--kill-runs 5] [--seed 1]

Results: bench/results/fuzz.json."""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from botapi import BotApiStandIn  # noqa: E402
from fuzz_updates import huge_command, lost_and_duplicated, payloads  # noqa: E402


def _load_bench_telegram():
    """bench/telegram.py's setup helpers (not importable as `telegram`: that is PTB)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_telegram", BENCH / "telegram.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_tg = _load_bench_telegram()
FIRST_USER_ID, TOKEN, write_setup = _tg.FIRST_USER_ID, _tg.TOKEN, _tg.write_setup

PY = sys.executable


def log(msg: str) -> None:
    print(msg, flush=True)


class Serve:
    def __init__(self, env, tmp: Path):
        self.env, self.tmp, self.proc, self.log = env, tmp, None, tmp / "serve.log"

    def start(self):
        self.proc = subprocess.Popen([PY, "-m", "bot", "serve"], env=self.env, cwd=self.tmp,
                                     stdout=self.log.open("a"), stderr=subprocess.STDOUT)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)


def wait(cond, seconds: float) -> bool:
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


def fuzz_run(api, serve, users, n, seed) -> dict:
    rng = random.Random(seed)
    api.started.update(users)
    serve.start()
    api.reset_records()
    start = time.time()
    for item in payloads(rng, users, n):
        api.inject(item)
    api.send_text(users[1], huge_command())
    for i in range(1000):
        api.send_text(users[2], f"/article {1 + i % 67}")
    asker = users[3]
    api.send_text(asker, "/article 48")
    answered = wait(lambda: any("四十八、" in t for t in api.messages_to(asker)), 900)
    asked_at = time.time() - start
    wait(lambda: len(api.messages_to(users[2])) >= 1000 and api.pending_updates() == 0, 900)
    elapsed = time.time() - start
    time.sleep(2)
    text = serve.log.read_text(encoding="utf-8", errors="replace")
    polls = [c for c in api.calls if c["method"] == "getUpdates"]
    serve.stop()
    return {"updates": n + 1 + 1000 + 1, "seconds": round(elapsed, 1),
            "member_answered": answered, "member_answered_after_s": round(asked_at, 1),
            "burst_answers": len(api.messages_to(users[2])),
            "tracebacks": text.count("Traceback"),
            "error_lines": len(re.findall(r"(?m)^(?:ERROR|CRITICAL) ", text)),
            "poison_reported": len(re.findall(r"could not be parsed", text)),
            "getupdates_per_s": round(len(polls) / max(elapsed, 1e-9), 2)}


def kill_run(api, serve, users, seed) -> dict:
    rng = random.Random(seed)
    for leftover in serve.tmp.glob("data/bot.sqlite3*"):   # each run starts on a fresh database
        leftover.unlink()
    api.reset_records()
    serve.start()
    asked: dict[int, list[int]] = {}
    kills = 0
    for burst in range(5):
        for uid in users[:20]:
            n = rng.randrange(1, 68)
            asked.setdefault(uid, []).append(n)
            api.send_text(uid, f"/article {n}" if rng.random() < 0.5 else f"第{n}条说的什么")
        time.sleep(rng.uniform(0.05, 1.5))
        serve.kill()
        kills += 1
        serve.start()
    total = sum(map(len, asked.values()))
    wait(lambda: sum(1 for r in api.sent if r["method"] == "sendMessage" and r["chat_id"] in asked)
         >= total and api.pending_updates() == 0, 300)
    time.sleep(2)
    serve.stop()
    lost, dup = lost_and_duplicated(api.sent, asked)
    return {"questions": total, "kills": kills, "lost": lost, "duplicated": dup}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--updates", type=int, default=10_000)
    ap.add_argument("--kill-runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-fuzz-") as tmp_name, BotApiStandIn() as api:
        tmp = Path(tmp_name)
        config = write_setup(tmp, 40)
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
        env.update(BOT_CONFIG=str(config), BOT_DATA_DIR=str(tmp / "data"), TELEGRAM_BOT_TOKEN=TOKEN,
                   BOT_TELEGRAM_API_BASE_URL=api.base_url, OMP_NUM_THREADS="1")
        log("ingesting the knowledge folder into a temp data dir…")
        subprocess.run([PY, "-m", "bot", "ingest", "--quiet"], env=env, check=True, cwd=tmp)
        users = [FIRST_USER_ID + i for i in range(40)] + [999_000_111]
        serve = Serve(env, tmp)
        fuzz = fuzz_run(api, serve, users, args.updates, args.seed) if args.updates else None
        log(f"fuzz: {json.dumps(fuzz, ensure_ascii=False)}")
        kills = []
        for run in range(args.kill_runs):
            result = kill_run(api, serve, users, args.seed * 100 + run)
            kills.append(result)
            log(f"kill run {run + 1}: {json.dumps(result)}")
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "fuzz.json").write_text(json.dumps(
        {"args": vars(args), "fuzz": fuzz, "kill_runs": kills}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
