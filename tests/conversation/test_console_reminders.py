"""The terminal chat delivers reminders too, once; and the operators' CLI manages them."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta

from bot.console import run_console
from bot.conversation.build import open_conversation
from tests.clock import Clock, local


def test_console_remind_in_two_minutes_is_printed_once(chat_config, seed_index):
    clock = Clock(local(2026, 11, 30, 10, 0))
    conv = open_conversation(chat_config, index=seed_index, console=True, clock=clock)
    read_end, write_end = os.pipe()
    stdin, out = os.fdopen(read_end, "r", encoding="utf-8"), io.StringIO()
    writer = os.fdopen(write_end, "w", encoding="utf-8")

    def feed():
        for line in ("/remind 2分钟后 交材料", "1"):
            writer.write(line + "\n")
            writer.flush()
            time.sleep(0.3)
        clock.now += timedelta(minutes=2, seconds=1)
        time.sleep(0.6)
        clock.now += timedelta(minutes=10)
        time.sleep(0.4)
        writer.write("退出\n")
        writer.close()

    threading.Thread(target=feed, daemon=True).start()
    assert run_console(conv, "示例·办公室主任", stdin=stdin, stdout=out, tick_seconds=0.05) == 0
    text = out.getvalue()
    assert "已设置提醒" in text
    assert text.count("⏰ 提醒：交材料") == 1


def test_operators_add_list_and_cancel(chat_config, roster_file, tmp_path):
    env = dict(os.environ, BOT_DATABASE_URL=chat_config.database.url or "")
    conf = tmp_path / "c.toml"
    conf.write_text(f'[roster]\npath = "{roster_file[0].as_posix()}"\n'
                    f'[database]\nurl = "{chat_config.database_url}"\n'
                    '[telegram]\ngroups = [-100123]\n', encoding="utf-8")

    def bot(*args):
        return subprocess.run([sys.executable, "-m", "bot", "--config", str(conf), "reminders", *args],
                              capture_output=True, text=True, env=env, timeout=120)

    r = bot("add", "--chat", "-100999", "--as", "示例·办公室主任", "每周一9:00", "报送议题")
    assert r.returncode == 1 and "不服务" in r.stdout  # a group the bot does not serve
    r = bot("add", "--chat", "-100123", "--as", "示例·办公室主任", "每周一9:00", "报送议题")
    assert r.returncode == 0 and "已设置提醒 1" in r.stdout and "每周一" in r.stdout, r.stderr
    r = bot("add", "--chat", "-100123", "--as", "查无此人", "明天9点", "x")
    assert r.returncode == 1 and "花名册中没有" in r.stdout
    r = bot("add", "--chat", "-100123", "--as", "示例·办公室主任", "每分钟", "喝水")
    assert r.returncode == 1 and "1小时" in r.stdout
    listed = bot("list", "--chat", "-100123")
    assert "报送议题" in listed.stdout
    r = bot("cancel", "1", "--as", "示例·农业农村局局长")
    assert r.returncode == 1 and "只有设置人" in r.stdout
    assert bot("cancel", "1", "--as", "示例·办公室主任").returncode == 0
    assert "没有提醒" in bot("list").stdout


def test_console_buttons_with_numbers_are_chosen_by_letter(chat_config, seed_index):
    """"[1] 取消 5 … typing 4 cancelled 编号 8": options whose labels carry ids get letters."""
    clock = Clock(local(2026, 11, 30, 10, 0))
    conv = open_conversation(chat_config, index=seed_index, console=True, clock=clock)
    lines = ["/remind 明天9点 交材料", "1", "/remind 后天9点 开会", "1", "/reminders", "2", "b", "退出"]
    out = io.StringIO()
    assert run_console(conv, "示例·办公室主任", stdin=io.StringIO("\n".join(lines) + "\n"),
                       stdout=out, tick_seconds=0) == 0
    text = out.getvalue()
    import re
    assert re.search(r"\[a\] 取消 \d+  \[b\] 取消 \d+", text) and "[1] 取消" not in text
    remaining = conv.remind.reminders.list(active_only=True)
    assert [v.text for v in remaining if v.source == "user"] == ["交材料"]   # "2" cancelled nothing
