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
    # The last approval files the 报备, as a button press does.
    again = bot("report", str(req["id"]), "--as", "示例·农业农村局局长")
    assert again.returncode == 1 and "已报备" in again.stdout
    shown = bot("show", str(req["id"]))
    assert "已报备" in shown.stdout and "无权操作（已拒绝）" in shown.stdout
    assert "denied" not in shown.stdout and "approved_step" not in shown.stdout  # Chinese for people
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


def test_cli_decisions_notify_and_file_the_report_exactly_as_a_button_press(tmp_path):
    """`leave new/approve` call the same services as the chat: the approvers' requests,
    the applicant's progress, the 报备 to the office and the 销假 reminder land in the
    bot's outbox and reminders, keyed as the chat keys them."""
    from bot.config import PROJECT_ROOT
    from sqlalchemy import create_engine, text
    from tests.conversation.conftest import write_roster

    ids = write_roster(tmp_path / "roster.toml")
    office = -1001000000001
    config = (PROJECT_ROOT / "config.toml").read_text(encoding="utf-8")
    config = (config.replace('"knowledge/', f'"{PROJECT_ROOT}/knowledge/')
              .replace('paths = ["knowledge"]', f'paths = ["{PROJECT_ROOT}/knowledge"]')
              .replace('dir = "prompts"', f'dir = "{PROJECT_ROOT}/prompts"'))
    config = config.replace(f'path = "{PROJECT_ROOT}/knowledge/roster.example.toml"',
                            f'path = "{tmp_path / "roster.toml"}"')
    config = config.replace("office_chat_id = 0", f"office_chat_id = {office}")
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    env = {"BOT_CONFIG": str(tmp_path / "config.toml"), "BOT_DATA_DIR": str(tmp_path / "data"),
           "PATH": "/usr/bin:/bin"}

    def leave(*args):
        r = subprocess.run([sys.executable, "-m", "bot", "leave", *args], capture_output=True,
                           text=True, env=env, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout

    req = json.loads(leave("new", "--applicant", "示例·农业农村局局长", "--kind", "出差",
                           "--start", "2026-12-07", "--end", "2026-12-09", "--destination", "郑州",
                           "--json"))
    assert req["queued_to"] == ["示例·县长"]
    assert "示例·副县长乙" in leave("approve", str(req["id"]), "--as", "示例·县长")
    out = leave("approve", str(req["id"]), "--as", "示例·副县长乙")
    assert "县政府办公室群" in out and "示例·农业农村局局长" in out

    db = create_engine(f"sqlite:///{tmp_path / 'data' / 'bot.sqlite3'}")
    with db.connect() as c:
        rows = c.execute(text("SELECT dedupe_key, chat_id FROM chat_outbox ORDER BY id")).all()
        reminder = c.execute(text("SELECT chat_id, state FROM chat_reminders WHERE key = :k"),
                             {"k": f"leave:{req['id']}:back"}).one()
    rid = req["id"]
    assert [chat for key, chat in rows if ":ask:" in key] == [ids["示例·县长"], ids["示例·副县长乙"]]
    assert (f"leave:{rid}:office:reported", office) in rows
    assert (f"leave:{rid}:reported", ids["示例·农业农村局局长"]) in rows
    assert reminder == (ids["示例·农业农村局局长"], "active")


def test_list_without_filters_shows_everything_and_unknown_people_are_named(bot):
    for start in ("2026-12-07", "2026-12-14"):
        assert bot("new", "--applicant", "示例·农业农村局局长", "--kind", "出差", "--start", start,
                   "--end", start).returncode == 0
    everything = bot("list", "--json")
    assert everything.returncode == 0 and len(json.loads(everything.stdout)) == 2
    unknown = bot("list", "--applicant", "无名氏")
    assert unknown.returncode == 1 and "花名册中没有“无名氏”" in unknown.stdout


def test_piping_into_head_is_not_an_error(tmp_path):
    """The reader of the pipe is gone before the CLI writes (as `| head` does)."""
    env = {"BOT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "bot", "leave", "new", "--applicant", "示例·农业农村局局长",
                    "--kind", "出差", "--start", "2026-12-07", "--end", "2026-12-07"],
                   env=env, capture_output=True, timeout=120)
    proc = subprocess.Popen([sys.executable, "-m", "bot", "leave", "list"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()                       # nobody reads: the first write meets EPIPE
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert b"BrokenPipe" not in err and b"Traceback" not in err
