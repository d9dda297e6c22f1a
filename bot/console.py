"""Terminal chat: the same engine as every other channel, one question per line."""
from __future__ import annotations

import logging
import sys

from bot.engine import Engine

log = logging.getLogger(__name__)

QUIT_WORDS = {"/quit", "/exit", "退出", "quit", "exit"}
BANNER = "县政府工作规则助手（终端版）。输入问题后回车；输入“退出”或按 Ctrl-D 结束。"


def run_console(engine: Engine, stdin=None, stdout=None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty() and stdout.isatty()
    if interactive:
        import readline  # noqa: F401  (line editing and history for input())
    print(BANNER, file=stdout)
    while True:
        try:
            if interactive:
                line = input("\n问> ")
            else:
                line = stdin.readline()
                if not line:  # EOF
                    return 0
        except (EOFError, KeyboardInterrupt):
            print("", file=stdout)
            return 0
        except UnicodeDecodeError:
            print("输入不是有效的文字，请重新输入。", file=stdout)
            continue
        line = line.strip()
        if line in QUIT_WORDS:
            return 0
        if not line:
            continue
        try:
            answer = engine.answer(line)
            print(answer.answer, file=stdout, flush=True)
        except Exception as exc:  # a bug must not end the session or show a trace to the user
            log.error("answer failed: %r", exc, exc_info=log.isEnabledFor(logging.DEBUG))
            print("抱歉，处理这个问题时出错了，请换个说法再试。", file=stdout, flush=True)
