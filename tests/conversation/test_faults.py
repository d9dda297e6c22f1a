"""Fault injection against the real `python -m bot serve` process: kill -9 at seeded random
moments of a burst of questions and of approval chains, restart, and count what every
update got. Lost must be 0; duplicates (a message Telegram accepted just before a kill,
sent again after the restart) at most one per kill. Also: an update the library cannot
parse is kept as poison, confirmed, reported once without user text, and does not hold
up the updates behind it.

Bounded: each scenario has a deadline; the seed makes the kill moments repeatable."""
from __future__ import annotations

import collections
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from tests.conversation.conftest import OFFICE_CHAT, write_roster

PY = sys.executable
TOKEN = "4242:fault-token"
STAFF_BASE = 6_000_001
# FAULT_SEED=N picks other kill moments (the closing note's runs); the default is fixed.
SEED = int(os.environ.get("FAULT_SEED", "20261202"))


def _setup(tmp: Path, seed_config, staff: int) -> dict:
    roster = tmp / "roster.toml"
    ids = write_roster(roster)
    with roster.open("a", encoding="utf-8") as f:
        for i in range(staff):
            f.write(f'\n[[person]]\nname = "测试·工作人员{i:02d}"\nrole = "工作人员"\n'
                    f'department = "县政府办公室"\ntelegram_id = {STAFF_BASE + i}\n')
    root = PROJECT_ROOT.as_posix()
    text = (PROJECT_ROOT / "config.toml").read_text(encoding="utf-8")
    text = re.sub(r'"(knowledge|prompts)([/"])', rf'"{root}/\1\2', text)
    text = text.replace(f'path = "{root}/knowledge/roster.example.toml"', f'path = "{roster.as_posix()}"')
    text = text.replace('listen = "0.0.0.0"', 'listen = "127.0.0.1"')
    text = re.sub(r"(?m)^port = \d+", "port = 0", text)
    text = re.sub(r"(?m)^poll_timeout = \d+", "poll_timeout = 1", text)
    text = text.replace("office_chat_id = 0", f"office_chat_id = {OFFICE_CHAT}")
    (tmp / "config.toml").write_text(text, encoding="utf-8")
    # The session's ingested index, copied: serve opens it as its own.
    shutil.copytree(seed_config.storage.data_dir, tmp / "data")
    return ids


class Serve:
    """`python -m bot serve` as a child process that can be killed and restarted."""

    def __init__(self, tmp: Path, api):
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
        self.env.update(BOT_CONFIG=str(tmp / "config.toml"), BOT_DATA_DIR=str(tmp / "data"),
                        TELEGRAM_BOT_TOKEN=TOKEN, BOT_TELEGRAM_API_BASE_URL=api.base_url,
                        OMP_NUM_THREADS="1")
        self.proc: subprocess.Popen | None = None
        self.kills = 0
        self.log = tmp / "serve.log"
        self.api = api

    def start(self) -> None:
        self.proc = subprocess.Popen([PY, "-m", "bot", "serve"], env=self.env, cwd=self.tmp,
                                     stdout=self.log.open("a"), stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.kills += 1

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def serve(tmp_path, seed_config, api):
    ids = _setup(tmp_path, seed_config, staff=20)
    server = Serve(tmp_path, api)
    yield server, ids
    server.stop()


def _wait(condition, deadline: float, what: str, serve: Serve) -> None:
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}\n--- serve log ---\n{serve.text()[-4000:]}"
                         f"\n--- sent ---\n{serve.api.dump(last=30)}")


def test_kill_9_during_a_burst_of_questions_loses_none(serve, api):
    server, _ids = serve
    rng = random.Random(SEED)
    members = [STAFF_BASE + i for i in range(20)]
    articles = list(range(1, 68))
    asked: dict[int, list[int]] = {}
    server.start()
    deadline = time.monotonic() + 240
    api.send_text(members[0], "/article 1")   # warm up: the first answer is the slow one
    _wait(lambda: api.messages_to(members[0]), deadline, "the first answer", server)
    api.reset_records()
    for burst in range(4):
        for uid in members:
            n = rng.choice(articles)
            asked.setdefault(uid, []).append(n)
            # Typed both ways: a command, and a free question answered by the engine.
            api.send_text(uid, f"/article {n}" if rng.random() < 0.5 else f"第{n}条说的什么")
        time.sleep(rng.uniform(0.1, 1.5))
        server.kill()                           # anywhere: fetching, handling, sending
        server.start()
    expected = sum(len(v) for v in asked.values())

    def answered() -> int:
        return sum(1 for r in api.sent if r["method"] == "sendMessage" and r["chat_id"] in asked)

    _wait(lambda: answered() >= expected and api.pending_updates() == 0, deadline,
          f"{expected} answers", server)
    time.sleep(1.5)                               # anything still to come would come now
    from fuzz_updates import lost_and_duplicated

    lost, dup = lost_and_duplicated(api.sent, asked)
    print(f"burst: {expected} questions, {server.kills} kills, lost {lost}, duplicated {dup}")
    assert lost == 0
    assert dup <= server.kills


def _approval_asks(api, chat: int, done: set) -> list[dict]:
    return [r for r in api.sent if r["method"] == "sendMessage" and r["chat_id"] == chat
            and "请假审批】编号" in (r["text"] or "") and (chat, r["message_id"]) not in done]


def test_kill_9_around_approvals_loses_no_report_and_no_decision(serve, api):
    server, ids = serve
    rng = random.Random(SEED + 1)
    head, deputy, agri = ids["示例·县长"], ids["示例·副县长乙"], ids["示例·农业农村局局长"]
    api.started.update({head, deputy, agri})  # all three use the bot already
    # Three requests filed by the operator's CLI (the same service as the chat form).
    env = dict(server.env)
    requests = []
    for week in range(3):
        start = f"2026-12-{7 + week * 7:02d}"
        out = subprocess.run([PY, "-m", "bot", "leave", "new", "--applicant", "示例·农业农村局局长",
                              "--kind", "出差", "--start", start, "--end", start, "--destination",
                              "郑州", "--json"], env=env, cwd=server.tmp, capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0, out.stdout + out.stderr
        requests.append(int(re.search(r'"id": (\d+)', out.stdout).group(1)))
    server.start()
    deadline = time.monotonic() + 240
    pressed: set[tuple[int, int]] = set()
    for approver in (head, deputy):
        _wait(lambda: len({re.search(r"编号 (\d+)", a["text"]).group(1)
                           for a in _approval_asks(api, approver, set())}) >= len(requests), deadline,
              "the approval requests", server)
        # One press per request: a message accepted just before a kill may have come twice.
        asks = {}
        for ask in _approval_asks(api, approver, pressed):
            asks.setdefault(re.search(r"编号 (\d+)", ask["text"]).group(1), ask)
        for ask in list(asks.values())[:len(requests)]:
            data = dict(api.buttons(ask))["批准"]
            api.press(approver, ask["message_id"], data)
            pressed.add((approver, ask["message_id"]))
            time.sleep(rng.choice([0.015, 0.05, 0.2, 0.6]))  # "a kill 15 ms after the press"
            server.kill()
            server.start()

    def reports() -> collections.Counter:
        return collections.Counter(
            int(m.group(1)) for r in api.sent if r["method"] == "sendMessage"
            and r["chat_id"] == OFFICE_CHAT and (m := re.search(r"报备.*?编号 (\d+)", r["text"] or "", re.S)))

    def finals() -> collections.Counter:
        return collections.Counter(
            int(m.group(1)) for r in api.sent if r["method"] == "sendMessage" and r["chat_id"] == agri
            and (m := re.search(r"编号 (\d+).*全部批准", r["text"] or "", re.S)))

    _wait(lambda: set(reports()) >= set(requests) and set(finals()) >= set(requests), deadline,
          "every 报备 and every 已全部批准", server)
    time.sleep(1.5)
    server.stop()
    states = subprocess.run([PY, "-m", "bot", "leave", "list", "--applicant", "示例·农业农村局局长",
                             "--json"], env=env, cwd=server.tmp, capture_output=True, text=True, timeout=120)
    assert states.stdout.count('"state": "reported"') == len(requests)
    dup = sum(c - 1 for c in reports().values()) + sum(c - 1 for c in finals().values())
    print(f"approvals: {len(requests) * 2} presses, {server.kills} kills, lost 0, duplicated {dup}")
    assert dup <= server.kills


def test_an_unparsable_update_is_skipped_once_and_holds_nothing_up(serve, api):
    server, ids = serve
    uid = STAFF_BASE
    server.start()
    secret = "机密的文字"
    # A message whose chat is not an object: python-telegram-bot cannot build an Update.
    api.inject({"message": {"message_id": 1, "date": 0, "chat": "oops", "text": secret}})
    api.inject({"edited_message": {"message_id": 2, "date": 0, "text": "x",
                                   "chat": {"id": uid, "type": "private"}}})
    api.inject({"poll": {"id": "1", "question": "?", "options": []}, "unknown_field": 1})
    api.send_text(uid, "/article 5")
    deadline = time.monotonic() + 120
    _wait(lambda: any("第五条" in t for t in api.messages_to(uid)), deadline, "the answer", server)
    _wait(lambda: api.pending_updates() == 0, deadline, "all updates confirmed", server)
    time.sleep(1.0)
    calls = [c for c in api.calls if c["method"] == "getUpdates"]
    log = server.text()
    assert secret not in log and "CRITICAL" not in log and "Traceback" not in log
    assert log.count("could not be parsed") == 1
    assert len(calls) < 60, "getUpdates must not hot-loop"


def test_fuzzed_updates_give_no_traceback_and_hold_nothing_up(serve, api):
    """Seeded random updates (noise, strange commands, forged presses, stickers, polls,
    channel posts, unknown fields, broken shapes, a 1 MB command) and a burst from one
    user; a member asking meanwhile is answered, and the log has no traceback."""
    from fuzz_updates import huge_command, payloads

    server, ids = serve
    rng = random.Random(SEED + 2)
    members = [STAFF_BASE + i for i in range(20)] + [ids["示例·县长"], 999_000_111]  # + a stranger
    api.started.update(members)
    server.start()
    for item in payloads(rng, members, 400):
        api.inject(item)
    api.send_text(members[1], huge_command())
    for i in range(200):                              # one user's burst
        api.send_text(members[2], f"/article {1 + i % 67}")
    asker = members[3]
    api.send_text(asker, "/article 48")
    deadline = time.monotonic() + 200
    _wait(lambda: any("四十八、" in t for t in api.messages_to(asker)), deadline,
          "the answer behind the fuzz", server)
    _wait(lambda: len(api.messages_to(members[2])) >= 200 and api.pending_updates() == 0,
          deadline, "the burst", server)
    time.sleep(1.0)
    log = server.text()
    tracebacks = log.count("Traceback")
    print(f"fuzz: 400 fuzzed + 1 huge + 200 burst updates, {tracebacks} tracebacks")
    errors = re.findall(r"(?m)^(?:ERROR|CRITICAL) .*$", log)
    assert tracebacks == 0 and errors == [], log[-3000:]
    poison = re.findall(r"update (\d+) could not be parsed", log)
    assert poison and len(poison) == len(set(poison))   # each reported once
    assert "handled before" not in log                   # nothing handed out twice
