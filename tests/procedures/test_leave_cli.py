"""`python -m bot leave …` end to end against a real SQLite ledger."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.fixture
def bot(tmp_path):
    env = {"BOT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "bot", "leave", *args],
                              capture_output=True, text=True, env=env, timeout=120)
    return run


def test_a_request_goes_through_its_chain(bot):
    r = bot("new", "--applicant", "示例·农业农村局局长", "--kind", "出差", "--start", "2026-12-07",
            "--end", "2026-12-09", "--destination", "郑州", "--json")
    assert r.returncode == 0, r.stderr
    req = json.loads(r.stdout)
    assert req["state"] == "submitted"
    approvers = [s["person"] for s in req["steps"] if s["action"] == "approve"]
    assert approvers == ["示例·县长", "示例·副县长乙"]

    wrong = bot("approve", str(req["id"]), "--as", "示例·副县长乙")
    assert wrong.returncode == 1 and "只有示例·县长" in wrong.stdout
    assert bot("approve", str(req["id"]), "--as", "示例·县长").returncode == 0
    assert bot("approve", str(req["id"]), "--as", "示例·副县长乙").returncode == 0
    assert bot("approve", str(req["id"]), "--as", "示例·副县长乙").returncode == 1  # twice
    assert bot("report", str(req["id"]), "--as", "示例·农业农村局局长").returncode == 0
    shown = bot("show", str(req["id"]))
    assert "已报备" in shown.stdout and "denied" in shown.stdout
    pending = bot("list", "--pending", "示例·县长", "--json")
    assert json.loads(pending.stdout) == []


@pytest.mark.parametrize("args, message", [
    (["--applicant", "无名氏", "--kind", "出差", "--start", "2026-12-07", "--end", "2026-12-09"], "花名册"),
    (["--applicant", "示例·出山镇镇长", "--kind", "出差", "--start", "2026-12-09", "--end", "2026-12-01"],
     "结束日期早于开始日期"),
])
def test_bad_requests_are_refused_clearly(bot, args, message):
    r = bot("new", *args)
    assert r.returncode == 1 and message in r.stdout
    assert "Traceback" not in r.stderr


def test_bad_date_is_a_usage_error(bot):
    r = bot("new", "--applicant", "示例·县长", "--kind", "出差", "--start", "12月7日", "--end", "2026-12-09")
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr
