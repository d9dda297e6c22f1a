"""`python -m bot serve` as an operator runs it: token from the environment, Bot API base
URL from BOT_TELEGRAM_API_BASE_URL, against the stand-in. It answers a roster member,
refuses a stranger, and never writes the token to its logs, even verbose ones."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

from botapi import BotApiStandIn
from bot.config import PROJECT_ROOT
from tests.conversation.conftest import STRANGER

TOKEN = "987654321:AAE-serve-cli-secret-token-abcdefghij"


def write_config(path, roster_path):
    text = (PROJECT_ROOT / "config.toml").read_text(encoding="utf-8")
    root = PROJECT_ROOT.as_posix()
    text = re.sub(r'"(knowledge|prompts)([/"])', rf'"{root}/\1\2', text)
    text = text.replace('path = "' + root + '/knowledge/roster.example.toml"',
                        f'path = "{roster_path.as_posix()}"')
    text = text.replace('listen = "0.0.0.0"', 'listen = "127.0.0.1"')
    text = re.sub(r"(?m)^port = \d+", "port = 0", text)
    text = re.sub(r"(?m)^poll_timeout = \d+", "poll_timeout = 1", text)
    assert roster_path.as_posix() in text
    path.write_text(text, encoding="utf-8")


def test_serve_answers_a_member_refuses_a_stranger_and_logs_no_token(
        seed_config, roster_file, ids, tmp_path):
    config = tmp_path / "config.toml"
    write_config(config, roster_file[0])
    with BotApiStandIn() as api:
        env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN, BOT_CONFIG=str(config),
                   BOT_DATA_DIR=str(seed_config.storage.data_dir),
                   BOT_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
                   BOT_TELEGRAM_API_BASE_URL=api.base_url, ANONYMIZED_TELEMETRY="False")
        log_path = tmp_path / "serve.log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen([sys.executable, "-m", "bot", "-v", "serve"], env=env,
                                    cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
        try:
            member = ids["示例·农业农村局局长"]
            api.send_text(member, "县政府的人事任免文件最后谁签？")
            api.send_text(STRANGER, "人事任免文件谁签发？")
            answer = api.wait_for(lambda r: r["chat_id"] == member, timeout=90)
            refusal = api.wait_for(lambda r: r["chat_id"] == STRANGER, timeout=30)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
    assert "县长" in answer["text"] and "第五十条" in answer["text"]
    assert "第五十条" not in refusal["text"] and str(STRANGER) in refusal["text"]
    logs = log_path.read_text(encoding="utf-8")
    assert TOKEN not in logs and TOKEN.split(":")[1] not in logs
    assert "connected as @xiping_rules_bot" in logs  # verbose logging really was on
    assert "not on the roster" in logs
    assert proc.returncode == 0, logs[-2000:]


def test_serve_without_a_token_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    r = subprocess.run([sys.executable, "-m", "bot", "serve"], env=env, cwd=tmp_path,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "TELEGRAM_BOT_TOKEN" in r.stderr
    assert "Traceback" not in r.stderr


def test_serve_with_a_refused_token_fails_cleanly(seed_config, roster_file, tmp_path):
    config = tmp_path / "config.toml"
    write_config(config, roster_file[0])
    with BotApiStandIn(token="111:the-only-valid-token") as api:
        env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN, BOT_CONFIG=str(config),
                   BOT_DATA_DIR=str(seed_config.storage.data_dir),
                   BOT_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                   BOT_TELEGRAM_API_BASE_URL=api.base_url)
        r = subprocess.run([sys.executable, "-m", "bot", "serve"], env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=90)
    assert r.returncode == 1 and "refused" in r.stderr, r.stderr[-1500:]
    assert TOKEN not in r.stderr + r.stdout and "Traceback" not in r.stderr
