"""Terminal chat: the same conversation engine as Telegram, one line per message.

`/file PATH` sends a document (a 公文 to route); the 发文稿纸 that comes back is saved
under <data_dir>/forms and shown as text. Buttons are shown as numbered choices; typing
the number presses it. `/as 姓名` acts
as another roster member, so a whole leave request (apply, approve, 销假) can be walked
through in one terminal. Messages for other people are printed with their name."""
from __future__ import annotations

import io
import logging
import sys
import threading
import time
import zipfile
from pathlib import Path

from bot.conversation.core import Conversation
from bot.conversation.messages import Attachment, Event, Outcome
from bot.db import unit_of_work

log = logging.getLogger(__name__)

QUIT_WORDS = {"/quit", "/exit", "退出", "quit", "exit"}
BANNER = ("县政府工作规则助手（终端版）。输入问题后回车；有选项时输入序号；"
          "“/file 文件路径”发送公文问谁签；“/as 姓名”切换身份；输入“退出”或按 Ctrl-D 结束。")


class ConsoleChat:
    def __init__(self, conversation: Conversation, person: str, out):
        self.conv = conversation
        self.out = out
        self.user_id = 0
        self.buttons: dict[int, list[tuple[int, str, str]]] = {}  # chat -> [(message id, label, data)]
        self._next_message_id = 1
        self.switch(person)

    def switch(self, name: str) -> bool:
        uid = self.conv.directory.chat_of(name)
        if uid is None:
            return False
        self.user_id, self.name = uid, name
        return True

    def line(self, text: str) -> None:
        if text.startswith("/as"):
            name = text[3:].strip()
            if self.switch(name):
                self._print(f"当前身份：{name}")
                self._show_buttons()
            else:
                known = "、".join(p.name for p in self.conv.directory.roster.people)
                self._print(f"花名册中没有“{name}”。可选：{known}")
            return
        choices = self.buttons.get(self.user_id, [])
        markers = _markers(choices)
        if text.strip().lower() in markers:
            message_id, _label, data = choices[markers.index(text.strip().lower())]
            event = Event(self.user_id, self.user_id, True, callback=data, message_id=message_id)
        elif text.strip().startswith("/file"):
            event = self._file_event(text.strip()[len("/file"):].strip())
            if event is None:
                return
        else:
            event = Event(self.user_id, self.user_id, True, text=text)
        prepared = self.conv.prepare(event)
        with unit_of_work(self.conv.store.engine):  # all the event changes, or nothing
            outcome = self.conv.handle(event, prepared)
        self._show(outcome)

    def _file_event(self, path_text: str) -> Event | None:
        """"/file PATH": the file read here (the terminal's upload), within the size limit."""
        path = Path(path_text.strip("'\"")).expanduser()
        if not path_text:
            self._print(self.conv.say("file_usage"))
            return None
        if not path.is_file():
            self._print(f"没有找到文件：{path}")
            return None
        limit = self.conv.cfg.documents.max_bytes
        size = path.stat().st_size
        try:
            data = None if size > limit else path.read_bytes()
        except OSError as exc:
            self._print(f"读不了这个文件：{exc.strerror}")
            return None
        att = Attachment(path.name, size, None, str(path), data, "too_big" if data is None else None)
        return Event(self.user_id, self.user_id, True, text="", attachment=att)

    def _save_document(self, name: str, data: bytes) -> Path:
        folder = self.conv.cfg.storage.data_dir / "forms"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        target.write_bytes(data)
        return target

    def _show_document(self, m) -> None:
        """A file the bot sends: saved under data/forms, and its text shown here."""
        from bot.documents.intake import docx_lines

        name, data = m.document
        path = self._save_document(name, data)
        self._print(f"{m.text}\n〔文件〕{path}")
        if name.endswith(".docx"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                self._print("\n".join(docx_lines(z.read("word/document.xml"))))

    def _show(self, outcome: Outcome) -> None:
        if outcome.notice:
            self._print(f"〔提示〕{outcome.notice}")
        for edit in outcome.edits:
            self.buttons[edit.chat_id] = [b for b in self.buttons.get(edit.chat_id, [])
                                          if b[0] != edit.message_id]
            self._print(f"〔更新〕{edit.text}")
        for m in outcome.messages:
            message_id = self._next_message_id
            self._next_message_id += 1
            if m.document is not None and m.chat_id == self.user_id:
                self._show_document(m)
            elif m.chat_id != self.user_id:
                person = self.conv.directory.person(m.chat_id)
                self._print(f"〔发给 {person.name if person else m.chat_id}〕{m.text}")
            else:
                self._print(m.text)
            flat = [(message_id, b.label, b.data) for row in m.buttons for b in row]
            if flat:
                # The newest buttons of a chat replace the older ones (as on a phone screen).
                self.buttons[m.chat_id] = flat
                if m.chat_id == self.user_id:
                    self._show_buttons()

    def deliver_reminders(self) -> None:
        """Claim due reminders and print what the outbox holds (the terminal's delivery)."""
        self.conv.remind.reminders.tick()
        store = self.conv.store
        for m in store.pending():
            person = self.conv.directory.person(m.chat_id)
            where = "" if m.chat_id == self.user_id else f"〔发给 {person.name if person else m.chat_id}〕"
            self._print(f"{where}{m.text}")
            store.mark_sent(m.id, None)
            self.conv.delivered(m, True, None)

    def _show_buttons(self) -> None:
        choices = self.buttons.get(self.user_id, [])
        if choices:
            self._print("  ".join(f"[{m}] {label}" for m, (_m, label, _d) in zip(_markers(choices), choices)))

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _markers(choices) -> list[str]:
    """What to type for each button: 1, 2, 3…, or a, b, c… when a label carries a number
    of its own ("取消 5", "销假 12"), so that typing 4 can never mean "the 4th button" to
    the bot and "编号 4" to the person."""
    if any(ch.isdigit() for _m, label, _d in choices for ch in label):
        return [chr(ord("a") + i) if i < 26 else f"z{i}" for i in range(len(choices))]
    return [str(i) for i in range(1, len(choices) + 1)]


def _start_ticker(chat: ConsoleChat, lock: threading.Lock, seconds: float) -> None:
    def loop():
        while True:
            time.sleep(seconds)
            try:
                with lock:
                    chat.deliver_reminders()
            except Exception as exc:  # keep the chat alive whatever happens here
                log.error("reminder pass failed: %r", exc)

    threading.Thread(target=loop, name="reminders", daemon=True).start()


def run_console(conversation: Conversation, person: str, stdin=None, stdout=None,
                tick_seconds: float = 2.0) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty() and stdout.isatty()
    if interactive:
        import readline  # noqa: F401  (line editing and history for input())
    conversation.sync_reminders()
    chat = ConsoleChat(conversation, person, stdout)
    print(BANNER, file=stdout)
    print(f"当前身份：{person}", file=stdout)
    lock = threading.Lock()  # one of: a typed line, a reminder pass
    _start_ticker(chat, lock, tick_seconds)
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
            with lock:
                chat.line(line)
        except Exception as exc:  # a bug must not end the session or show a trace to the user
            log.error("answer failed: %r", exc, exc_info=log.isEnabledFor(logging.DEBUG))
            print("抱歉，处理这个问题时出错了，请换个说法再试。", file=stdout, flush=True)
