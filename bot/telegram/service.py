"""The Telegram service: python-telegram-bot's Bot around the conversation engine, with
our own polling loop and a durable inbox, a health endpoint (and the webhook in webhook
mode), the outbox sender and the reminder ticker.

Delivery semantics (README "Nothing lost, nothing twice"):
* Updates: fetched, stored in the inbox, and only then confirmed (the next getUpdates
  offset) — or, with a webhook, stored before the 200. Each is handled in one unit of work
  that commits the state change, every message it owes (outbox rows) and the inbox row
  marked handled together; a kill before the commit means it is handled again after the
  restart, a kill after it means it is done. Exactly once, per update id.
* Messages: the outbox is delivered at least once. A message Telegram accepted just
  before a kill, whose "sent" mark was not yet written, is sent again after the restart.
* Button presses: the pop-up answer (answerCallbackQuery) is sent after the commit; a
  kill in between loses only the pop-up, never the decision or its notifications.
"""
from __future__ import annotations

import asyncio
import collections
import hmac
import json
import logging
import secrets
import signal
from dataclasses import replace
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy.exc import OperationalError
from telegram import BotCommand, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.config import Config
from bot.conversation.core import Conversation
from bot.conversation.messages import Outcome
from bot.conversation.split import split_message
from bot.conversation.store.inbox import FAILED, IGNORED, POISON, Inbox, update_id_of
from bot.db import unit_of_work
from bot.doctor import UNREACHABLE_ERROR
from bot.telegram.convert import GROUP_TYPES, plain_buttons, to_event
from bot.telegram.outbox import OutboxSender, cancel

log = logging.getLogger(__name__)

COMMANDS = [
    ("help", "我能做什么"), ("ask", "问规则中的问题"), ("sign", "文件由谁签发"),
    ("leave", "填写请假申请"), ("myleaves", "我的请假申请"), ("pending", "等我审批的申请"),
    ("back", "销假"), ("remind", "设置提醒"), ("reminders", "本聊天的提醒"),
    ("incident", "突发事件计时（第三十一条）"), ("article", "查看条款原文"), ("whoami", "我的身份"),
    ("cancel", "取消填写"),
]
ALLOWED_UPDATES = ["message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TYPING_RENEW_SECONDS = 4.5
# The inbox is looked at this often when nothing wakes it (updates left by a crash).
INBOX_IDLE_SECONDS = 1.0
POLL_BACKOFF_MAX = 30.0


def _file_url_for(api_base_url: str) -> str:
    """A self-hosted Bot API server serves files next to its methods: ".../bot" →
    ".../file/bot" (python-telegram-bot's base_file_url form)."""
    if not api_base_url:
        return ""
    base = api_base_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("/bot")] + "/file/bot"
    return ""


class TelegramService:
    def __init__(self, cfg: Config, token: str, conversation: Conversation, *,
                 webhook_url: str | None = None, webhook_secret: str | None = None):
        self.cfg = cfg
        self.conversation = conversation
        self.store = conversation.store
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret or secrets.token_urlsafe(32)
        tg = cfg.telegram
        builder = (ApplicationBuilder().token(token)
                   .rate_limiter(AIORateLimiter(overall_max_rate=tg.messages_per_second,
                                                group_max_rate=tg.group_messages_per_minute,
                                                max_retries=3)))
        if tg.api_base_url:
            builder = builder.base_url(tg.api_base_url)
        file_url = tg.api_file_url or _file_url_for(tg.api_base_url)
        if file_url:
            builder = builder.base_file_url(file_url)
        # Updates come through our own polling loop or web server, into the inbox.
        self.app: Application = builder.updater(None).build()
        self.db = self.store.engine
        self.inbox = Inbox(self.db)
        self.sender = OutboxSender(self.app.bot, self.store, on_result=conversation.delivered)
        self.groups = tg.served_groups
        self._web: web.AppRunner | None = None
        self.port: int | None = None
        self._tasks: list[asyncio.Task] = []
        self._inbox_wake = asyncio.Event()
        self._slots = asyncio.Semaphore(max(1, tg.concurrent_updates))
        self._queued: dict[object, collections.deque] = {}   # chat → its updates, in order
        self._workers: dict[object, asyncio.Task] = {}
        self._in_flight: set[int] = set()
        # Updates this process finished lately: an inbox read that raced their commit
        # must not hand them out again.
        self._finished: collections.deque = collections.deque(maxlen=10_000)
        self._finished_set: set[int] = set()

    # -- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        await self.app.initialize()
        me = self.app.bot  # initialize() called getMe
        self.conversation.bot_username = me.username or ""
        log.info("connected as @%s", me.username)
        try:
            await self.app.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
        except TelegramError as exc:  # cosmetic: the bot works without the menu
            log.warning("could not set the command menu: %s", exc)
        await asyncio.to_thread(self._check_owed)
        for warning in await asyncio.to_thread(self.conversation.sync_reminders):
            log.warning("%s", warning)
        from bot.doctor import Report, roster_findings

        report = Report()  # said once at start: what will keep a message from its reader
        roster_findings(self.cfg, report, self.conversation.directory.roster)
        for finding in report.problems:
            log.warning("%s (python -m bot doctor)", finding.text)
        self.sender.start()
        await self.app.start()
        await self._start_web()
        if self.webhook_url:
            await self.app.bot.set_webhook(self.webhook_url, secret_token=self.webhook_secret,
                                           allowed_updates=ALLOWED_UPDATES)
        else:
            await self.app.bot.delete_webhook()
            self._tasks.append(asyncio.create_task(self._poll_forever(), name="polling"))
        self._tasks.append(asyncio.create_task(self._dispatch_forever(), name="inbox"))
        self._tasks.append(asyncio.create_task(self._tick_forever(), name="reminders"))
        self.sender.poke()

    async def stop(self) -> None:
        for task in self._tasks + list(self._workers.values()):
            await cancel(task)
        self._tasks, self._workers = [], {}
        if self.app.running:
            await self.app.stop()
        await self.sender.stop()
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        await self.app.shutdown()

    def _check_owed(self) -> None:
        """Start-up check: every message the ledger's state owes is in the outbox. With
        one unit of work per update it finds nothing; it stays for requests changed
        outside the bot (an operator's script) and says when it repaired something."""
        repaired = self.conversation.reconcile()
        if repaired:
            log.warning("start-up check queued %d owed notification(s)", repaired)

    async def run_until_stopped(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        await self.start()
        try:
            await stop.wait()
        finally:
            log.info("stopping")
            await self.stop()

    async def _tick_forever(self) -> None:
        """Claim due reminders every few seconds; the outbox delivers them."""
        while True:
            try:
                if await asyncio.to_thread(self.conversation.remind.reminders.tick):
                    self.sender.poke()
            except asyncio.CancelledError:
                raise
            except Exception:  # a locked database now and then must not stop reminders
                log.exception("reminder pass failed")
            await asyncio.sleep(self.cfg.scheduler.tick_seconds)

    # -- web server: health, and the webhook in webhook mode --------------------------------
    async def _start_web(self) -> None:
        tg = self.cfg.telegram
        app = web.Application(client_max_size=1 << 20)
        app.router.add_get(tg.health_path, self._health)
        if self.webhook_url:
            path = urlsplit(self.webhook_url).path or tg.webhook_path
            app.router.add_post(path, self._webhook)
        self._web = web.AppRunner(app, access_log=None)
        await self._web.setup()
        site = web.TCPSite(self._web, tg.listen, tg.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1] if site._server else tg.port
        log.info("health endpoint on %s:%s%s", tg.listen, self.port, tg.health_path)

    async def _health(self, request: web.Request) -> web.Response:
        pending = len(await asyncio.to_thread(self.store.pending, 1000))
        inbox = await asyncio.to_thread(self.inbox.counts)
        status = 200 if self.app.running else 503
        return web.json_response({"ok": status == 200, "outbox_pending": pending,
                                  "inbox_pending": inbox.get("pending", 0)}, status=status)

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given, self.webhook_secret):
            log.warning("webhook call with a wrong secret token from %s", request.remote)
            return web.Response(status=403)
        try:
            data = await request.json()
        except Exception:
            return web.Response(status=400)
        if update_id_of(data) is None:
            return web.Response(status=400)
        await asyncio.to_thread(self.inbox.receive, [data])  # stored before the 200
        self._inbox_wake.set()
        return web.Response(text="ok")

    # -- polling: fetch, store, then confirm ---------------------------------------------------
    async def _poll_forever(self) -> None:
        offset = await asyncio.to_thread(self.inbox.next_offset)
        failures = 0
        timeout = self.cfg.telegram.poll_timeout
        while True:
            try:
                # The raw JSON, not parsed Updates: one update the library cannot parse
                # must not fail (and repeat) the whole batch. The offset sent here is what
                # confirms the previous batch, which is in the inbox by now.
                raw = await self.app.bot._post(
                    "getUpdates", {"offset": offset, "timeout": timeout,
                                   "allowed_updates": ALLOWED_UPDATES},
                    read_timeout=timeout + 10)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # network, 5xx, 409 while a webhook is set
                failures += 1
                wait = min(POLL_BACKOFF_MAX, 0.5 * 2 ** min(failures, 6))
                log.warning("getUpdates failed (%s); retrying in %.1f s", type(exc).__name__, wait)
                await asyncio.sleep(wait)
                continue
            batch = raw if isinstance(raw, list) else []
            ids = [i for i in map(update_id_of, batch) if i is not None]
            if ids:
                await asyncio.to_thread(self.inbox.receive, batch)
                offset = max(ids) + 1
                self._inbox_wake.set()

    # -- the inbox: each chat's updates in order, chats side by side --------------------------
    async def _dispatch_forever(self) -> None:
        passes = 0
        while True:
            try:
                for item in await asyncio.to_thread(self.inbox.pending, 500):
                    if item.update_id in self._in_flight or item.update_id in self._finished_set:
                        continue
                    self._in_flight.add(item.update_id)
                    chat = item.chat_id if item.chat_id is not None else ("update", item.update_id)
                    self._queued.setdefault(chat, collections.deque()).append(item)
                    if chat not in self._workers:
                        self._workers[chat] = asyncio.create_task(self._work_chat(chat))
                passes += 1
                if passes % 3600 == 0:
                    await asyncio.to_thread(self.inbox.forget_old)
            except asyncio.CancelledError:
                raise
            except Exception:  # a locked database now and then must not stop the bot
                log.exception("inbox pass failed")
            self._inbox_wake.clear()
            try:
                await asyncio.wait_for(self._inbox_wake.wait(), INBOX_IDLE_SECONDS)
            except asyncio.TimeoutError:
                pass

    async def _work_chat(self, chat) -> None:
        queue = self._queued[chat]
        try:
            while queue:
                item = queue[0]
                async with self._slots:
                    await self._process(item)
                queue.popleft()
                self._remember_finished(item.update_id)
                self._in_flight.discard(item.update_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The database failed us (locked, gone): leave this chat's updates pending;
            # the next inbox pass hands them out again, in order.
            log.exception("handling the updates of a chat failed; they stay in the inbox")
            await asyncio.sleep(1.0)
        finally:
            for item in self._queued.pop(chat, ()):
                self._in_flight.discard(item.update_id)
            self._workers.pop(chat, None)

    def _remember_finished(self, update_id: int) -> None:
        if len(self._finished) == self._finished.maxlen:
            self._finished_set.discard(self._finished[0])
        self._finished.append(update_id)
        self._finished_set.add(update_id)

    async def _process(self, item) -> None:
        try:
            update = Update.de_json(json.loads(item.payload), self.app.bot)
        except Exception as exc:
            if await asyncio.to_thread(self.inbox.finish, item.update_id, POISON, type(exc).__name__):
                # Reported once, without the payload: it holds what people typed.
                log.warning("update %s could not be parsed (%s); kept as poison and skipped",
                            item.update_id, type(exc).__name__)
            return
        event = self._event(update)
        if event is None:
            await asyncio.to_thread(self.inbox.finish, item.update_id, IGNORED)
            return
        if event.attachment is not None:
            event = await self._download(event)
        typing = None
        if (event.text is not None or event.attachment is not None) and event.addressed:
            typing = asyncio.create_task(self._typing(event.chat_id))
        try:
            prepared = await asyncio.to_thread(self._prepare, event)
        finally:
            if typing is not None:
                typing.cancel()
        outcome = await asyncio.to_thread(self._commit, item.update_id, event, prepared)
        if outcome is None:
            log.info("update %s was handled before; ignored", item.update_id)
            return
        if update.callback_query is not None:
            await self._answer_press(update, outcome)
        self.sender.poke()

    async def _download(self, event):
        """Fetch a sent file into memory (never to disk), within Telegram's 20 MB bot
        limit; what went wrong is left on the attachment for the conversation to say."""
        att = event.attachment
        if not (event.private or event.addressed):
            return event  # a file posted in a group for others: not ours to fetch
        if self.conversation.directory.person(event.user_id) is None:
            return event  # a stranger's file is not downloaded

        def failed(error: str):
            return replace(event, attachment=replace(att, error=error))

        limit = self.cfg.documents.max_bytes
        if att.size is not None and att.size > limit:
            return failed("too_big")
        try:
            file = await self.app.bot.get_file(att.file_id)
            if file.file_size is not None and file.file_size > limit:
                return failed("too_big")
            data = bytes(await file.download_as_bytearray())
        except BadRequest as exc:  # "file is too big": over the bot download limit
            log.warning("downloading a file failed: %s", exc.message)
            return failed("too_big" if "too big" in (exc.message or "").lower() else "download")
        except Exception as exc:  # network errors, Telegram's or not: said, never a traceback
            log.warning("downloading a file failed: %s", type(exc).__name__)
            return failed("download")
        return failed("too_big") if len(data) > limit else replace(event, attachment=replace(att, data=data))

    def _event(self, update: Update):
        chat = update.effective_chat
        if chat is not None and chat.type in GROUP_TYPES and chat.id not in self.groups:
            log.info("ignored an update from group %s, which is not in [telegram] groups", chat.id)
            return None
        try:
            return to_event(update, self.app.bot.id, self.app.bot.username or "")
        except Exception as exc:  # a shape we do not know: nothing to answer
            log.warning("update %s has no usable event (%s)", update.update_id, type(exc).__name__)
            return None

    def _prepare(self, event):
        try:
            return self.conversation.prepare(event)
        except Exception:  # handle() answers (or apologises) on its own
            log.exception("preparing an answer failed")
            return None

    def _commit(self, update_id: int, event, prepared) -> Outcome | None:
        """Handle the event in one unit of work: its changes, the messages it owes and the
        inbox row marked handled. None when the update was handled before."""
        try:
            with unit_of_work(self.db):
                if not self.inbox.finish(update_id):
                    return None
                outcome = self.conversation.handle(event, prepared)
                self._write(outcome, update_id)
                if event.private and self.conversation.directory.person(event.user_id):
                    # They have opened a chat with the bot now: what Telegram refused to
                    # deliver before ("can't initiate conversation") goes out.
                    if self.store.requeue_failed(event.chat_id, UNREACHABLE_ERROR):
                        log.info("re-sending messages to chat %s, which is reachable now", event.chat_id)
                return outcome
        except OperationalError:
            raise  # the database, not the update: it stays pending and is tried again
        except Exception:
            log.exception("handling update %s failed", update_id)
        apology = Outcome(notice=self.conversation.say("error", office=self.cfg.answer.office))
        if event.callback is None and (event.private or event.addressed):
            apology.add(event.chat_id, apology.notice)
        with unit_of_work(self.db):
            if not self.inbox.finish(update_id, FAILED, "handler error"):
                return None
            self._write(apology, update_id)
        return apology

    def _write(self, outcome: Outcome, update_id: int | None) -> None:
        """Queue an outcome's edits (of the pressed message, first) and messages, split to
        Telegram's length limit; keys derived from the update make a second write of the
        same outcome a no-op."""
        for i, edit in enumerate(outcome.edits):
            key = f"u{update_id}:e{i}" if update_id is not None else None
            self.store.enqueue(edit.chat_id, split_message(edit.text)[0], plain_buttons(edit.buttons),
                               key=key, edit_message_id=edit.message_id)
        for i, m in enumerate(outcome.messages):
            base = m.key or (f"u{update_id}:{i}" if update_id is not None else None)
            if m.document is not None:  # a file: its caption is short by construction
                self.store.enqueue(m.chat_id, m.text[:1024], plain_buttons(m.buttons), key=base,
                                   document=m.document)
                continue
            parts = split_message(m.text)
            for j, part in enumerate(parts):
                key = base if len(parts) == 1 or base is None else f"{base}:p{j}"
                buttons = plain_buttons(m.buttons) if j == len(parts) - 1 else []
                self.store.enqueue(m.chat_id, part, buttons, key=key)

    async def _answer_press(self, update: Update, outcome: Outcome) -> None:
        try:
            await update.callback_query.answer(outcome.notice, show_alert=outcome.alert)
        except TelegramError as exc:  # too old to answer: the press is handled anyway
            log.info("could not answer a button press: %s", exc)

    async def _typing(self, chat_id: int) -> None:
        """"typing…" once an answer takes noticeable time. Not for quick ones: a chat
        action counts against the same 30-per-second budget as the answers."""
        try:
            await asyncio.sleep(self.cfg.telegram.typing_after)
            while True:  # Telegram shows it for about 5 s: renew it for slow answers
                await self.app.bot.send_chat_action(chat_id, ChatAction.TYPING)
                await asyncio.sleep(TYPING_RENEW_SECONDS)
        except TelegramError:
            pass  # only a courtesy
