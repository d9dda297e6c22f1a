"""Telegram load benchmark: simulated staff write to the real `python -m bot serve`
through the Bot API stand-in (tests/botapi.py) on 127.0.0.1.

    .venv/bin/python bench/telegram.py [--rates 10,20,30,40] [--seconds 20] [--users 60]

For each offered rate (messages per second, open loop: messages are injected on schedule
whatever the bot's state), it reports the sustained answered rate and the reply latency
(from the moment the message is available to getUpdates until the stand-in receives the
bot's reply). Goal: keep up with Telegram's outbound cap of 30 messages/s with p95 ≤ 1 s.
The bot runs as its own process with the project's config (rate limiter included); the
load generator and the stand-in share this process. Results: bench/results/telegram.json.
"""
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
import tomllib
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tests"))

from botapi import BotApiStandIn  # noqa: E402

PY = sys.executable
QUESTIONS = ROOT / "tests" / "eval" / "questions.jsonl"
RESULTS = BENCH / "results"
TOKEN = "4242:bench-token"
TARGET_RATE, TARGET_P95_S = 30.0, 1.0
FIRST_USER_ID = 5_000_001


def log(msg: str = "") -> None:
    print(msg, flush=True)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def write_setup(tmp: Path, users: int) -> Path:
    """A roster (the example plus `users` staff members with ids) and a config using it."""
    example = (ROOT / "knowledge" / "roster.example.toml").read_text(encoding="utf-8")
    staff = "".join(f'\n[[person]]\nname = "压测·工作人员{i:03d}"\nrole = "工作人员"\n'
                    f'department = "县政府办公室"\ntelegram_id = {FIRST_USER_ID + i}\n'
                    for i in range(users))
    roster = tmp / "roster.toml"
    roster.write_text(example + staff, encoding="utf-8")
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    root = ROOT.as_posix()
    text = re.sub(r'"(knowledge|prompts)([/"])', rf'"{root}/\1\2', text)
    text = text.replace(f'path = "{root}/knowledge/roster.example.toml"', f'path = "{roster.as_posix()}"')
    text = text.replace('listen = "0.0.0.0"', 'listen = "127.0.0.1"')
    text = re.sub(r"(?m)^port = \d+", "port = 0", text)
    text = re.sub(r"(?m)^poll_timeout = \d+", "poll_timeout = 5", text)
    config = tmp / "config.toml"
    config.write_text(text, encoding="utf-8")
    tomllib.loads(text)
    return config


def questions() -> list[str]:
    out = []
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line)["q"])
    return out


class Load:
    """Inject messages on schedule and pair each reply with the oldest open message of
    its chat (the bot answers one chat's messages in order)."""

    def __init__(self, api: BotApiStandIn, users: int, pool: list[str]):
        self.api, self.users, self.pool = api, users, pool
        self.seen = 0
        self.open: dict[int, list[float]] = {}
        self.latencies: list[float] = []
        self.answered_at: list[float] = []

    def inject(self, rng: random.Random) -> None:
        uid = FIRST_USER_ID + rng.randrange(self.users)
        self.open.setdefault(uid, []).append(time.time())
        self.api.send_text(uid, rng.choice(self.pool))

    def collect(self) -> None:
        sent = self.api.sent
        for record in sent[self.seen:]:
            queue = self.open.get(record["chat_id"])
            if record["method"] == "sendMessage" and queue:
                self.latencies.append(record["time"] - queue.pop(0))
                self.answered_at.append(record["time"])
        self.seen = len(sent)

    def outstanding(self) -> int:
        return sum(len(q) for q in self.open.values())


def run_rate(api, users, pool, rate: float, seconds: float, seed: int) -> dict:
    load = Load(api, users, pool)
    rng = random.Random(seed)
    total = int(rate * seconds)
    start = time.time()
    for i in range(total):
        due = start + i / rate
        while time.time() < due:
            load.collect()
            time.sleep(min(0.005, max(0.0, due - time.time())))
        load.inject(rng)
    end_inject = time.time()
    deadline = end_inject + 30
    while load.outstanding() and time.time() < deadline:
        load.collect()
        time.sleep(0.01)
    load.collect()
    done = [t for t in load.answered_at]
    span = (max(done) - start) if done else float("nan")
    return {"offered_per_s": rate, "messages": total, "answered": len(load.latencies),
            "unanswered": load.outstanding(),
            "answered_per_s": round(len(done) / span, 2) if done else 0.0,
            "p50_s": round(pct(load.latencies, 50), 3), "p95_s": round(pct(load.latencies, 95), 3),
            "max_s": round(max(load.latencies), 3) if load.latencies else None}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rates", default="10,20,30,40")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--users", type=int, default=60)
    args = ap.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    pool = questions()
    with tempfile.TemporaryDirectory(prefix="bench-tg-") as tmp_name, BotApiStandIn() as api:
        tmp = Path(tmp_name)
        config = write_setup(tmp, args.users)
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
        env.update(BOT_CONFIG=str(config), BOT_DATA_DIR=str(tmp / "data"),
                   TELEGRAM_BOT_TOKEN=TOKEN, BOT_TELEGRAM_API_BASE_URL=api.base_url)
        log("ingesting the knowledge folder into a temp data dir…")
        subprocess.run([PY, "-m", "bot", "ingest", "--quiet"], env=env, check=True, cwd=tmp)
        bot = subprocess.Popen([PY, "-m", "bot", "serve"], env=env, cwd=tmp,
                               stdout=open(tmp / "serve.log", "w"), stderr=subprocess.STDOUT)
        try:
            warm = Load(api, args.users, pool)
            for q in pool[:10]:
                warm.open.setdefault(FIRST_USER_ID, []).append(time.time())
                api.send_text(FIRST_USER_ID, q)
            deadline = time.time() + 120
            while warm.outstanding() and time.time() < deadline:
                warm.collect()
                time.sleep(0.05)
            if warm.outstanding():
                log((tmp / "serve.log").read_text()[-3000:])
                raise SystemExit("the bot did not answer the warm-up questions")
            results = []
            for i, rate in enumerate(rates):
                api.reset_records()
                r = run_rate(api, args.users, pool, rate, args.seconds, seed=i)
                results.append(r)
                log(f"offered {rate:5.1f}/s → answered {r['answered_per_s']:5.2f}/s, "
                    f"p50 {r['p50_s']:.3f} s, p95 {r['p95_s']:.3f} s, max {r['max_s']} s, "
                    f"unanswered {r['unanswered']}")
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=30)
    at_target = next((r for r in results if r["offered_per_s"] == TARGET_RATE), None)
    verdict = None
    if at_target:
        verdict = at_target["answered_per_s"] >= 0.95 * TARGET_RATE and at_target["p95_s"] <= TARGET_P95_S
        log(f"target ({TARGET_RATE:.0f}/s with p95 ≤ {TARGET_P95_S} s): {'PASS' if verdict else 'FAIL'}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "telegram.json").write_text(json.dumps(
        {"args": vars(args), "results": results, "pass": verdict,
         "load_avg": os.getloadavg(), "cpus": os.cpu_count()}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
