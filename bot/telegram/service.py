"""The Telegram service: python-telegram-bot's Application around the conversation
engine, polling or webhook, with a health endpoint, the outbox sender and once-only
update handling."""
from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
import signal
from urllib.parse import urlsplit

from aiohttp import web
from telegram import BotCommand, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.config import Config
from bot.conversation.core import Conversation
from bot.conversation.messages import Outcome
from bot.conversation.split import split_message
from bot.telegram.convert import GROUP_TYPES, plain_buttons, to_event, to_markup
from bot.telegram.outbox import OutboxSender, cancel

log = logging.getLogger(__name__)

COMMANDS = [
    ("help", "我能做什么"), ("ask", "问规则中的问题"), ("sign", "文件由谁签发"),
    ("leave", "填写请假申请"), ("myleaves", "我的请假申请"), ("pending", "等我审批的申请"),
    ("back", "销假"), ("remind", "设置提醒"), ("reminders", "本聊天的提醒"),
    ("incident", "突发事件计时（第三十一条）"), ("article", "查看条款原文"), ("whoami", "我的身份"),
    ("cancel", "取消填写"),
]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TYPING_RENEW_SECONDS = 4.5


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
                                                max_retries=3))
                   .concurrent_updates(max(1, tg.concurrent_updates)))
        if tg.api_base_url:
            builder = builder.base_url(tg.api_base_url)
        if webhook_url:
            builder = builder.updater(None)  # updates arrive through our own web server
        self.app: Application = builder.build()
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self.app.add_error_handler(self._on_error)
        self.sender = OutboxSender(self.app.bot, self.store, on_result=conversation.delivered)
        self._scheduler: asyncio.Task | None = None
        self.groups = tg.served_groups
        self._web: web.AppRunner | None = None
        self._locks: dict[int, asyncio.Lock] = {}
        self.port: int | None = None

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
        await self._enqueue(await asyncio.to_thread(self.conversation.reconcile), None)
        for warning in await asyncio.to_thread(self.conversation.sync_reminders):
            log.warning("%s", warning)
        self.sender.start()
        self._scheduler = asyncio.create_task(self._tick_forever(), name="reminders")
        await self.app.start()
        await self._start_web()
        if self.webhook_url:
            await self.app.bot.set_webhook(self.webhook_url, secret_token=self.webhook_secret,
                                           allowed_updates=["message", "callback_query"])
        else:
            await self.app.updater.start_polling(allowed_updates=["message", "callback_query"],
                                                 timeout=self.cfg.telegram.poll_timeout)
        self.sender.poke()

    async def stop(self) -> None:
        if self.app.updater and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await cancel(self._scheduler)
        self._scheduler = None
        await self.sender.stop()
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        await self.app.shutdown()

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
        status = 200 if self.app.running else 503
        return web.json_response({"ok": status == 200, "outbox_pending": pending}, status=status)

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given, self.webhook_secret):
            log.warning("webhook call with a wrong secret token from %s", request.remote)
            return web.Response(status=403)
        try:
            data = await request.json()
            update = Update.de_json(data, self.app.bot)
        except Exception:
            return web.Response(status=400)
        await self.app.update_queue.put(update)
        return web.Response(text="ok")

    # -- updates -------------------------------------------------------------------------
    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None and chat.type in GROUP_TYPES and chat.id not in self.groups:
            log.info("ignored an update from group %s, which is not in [telegram] groups", chat.id)
            return
        bot = self.app.bot
        event = to_event(update, bot.id, bot.username or "")
        if event is None:
            return
        # Updates run concurrently, but one chat's are handled in the order they came, so
        # a form's answers typed quickly one after another reach their steps in order.
        # (The lock is taken before the first await: asyncio locks queue in FIFO order.)
        async with self._chat_lock(event.chat_id):
            if not await asyncio.to_thread(self.store.claim_update, update.update_id):
                log.info("update %s was handled before; ignored", update.update_id)
                return
            typing = None
            if event.text is not None and event.addressed:
                typing = asyncio.create_task(self._typing(event.chat_id))
            try:
                await self._handle(update, event)
            finally:
                if typing is not None:
                    typing.cancel()

    def _chat_lock(self, chat_id: int) -> asyncio.Lock:
        if len(self._locks) > 10_000:  # forget idle chats now and then
            self._locks = {k: v for k, v in self._locks.items() if v.locked()}
        return self._locks.setdefault(chat_id, asyncio.Lock())

    async def _handle(self, update: Update, event) -> None:
        try:
            outcome = await asyncio.to_thread(self.conversation.handle, event)
        except Exception:
            log.exception("handling update %s failed", update.update_id)
            outcome = Outcome(notice=self.conversation.say("error", office=self.cfg.answer.office))
            if event.callback is None and (event.private or event.addressed):
                outcome.add(event.chat_id, outcome.notice)
        if update.callback_query is not None:
            await self._answer_press(update, outcome)
        for edit in outcome.edits:
            await self._edit(edit)
        await self._enqueue(outcome, update.update_id)
        await self.sender.drain()

    async def _enqueue(self, outcome: Outcome, update_id: int | None) -> None:
        def write():
            for i, m in enumerate(outcome.messages):
                base = m.key or (f"u{update_id}:{i}" if update_id is not None else None)
                parts = split_message(m.text)
                for j, part in enumerate(parts):
                    key = base if len(parts) == 1 or base is None else f"{base}:p{j}"
                    buttons = plain_buttons(m.buttons) if j == len(parts) - 1 else []
                    self.store.enqueue(m.chat_id, part, buttons, key=key)
        await asyncio.to_thread(write)

    async def _answer_press(self, update: Update, outcome: Outcome) -> None:
        try:
            await update.callback_query.answer(outcome.notice, show_alert=outcome.alert)
        except TelegramError as exc:  # too old to answer: the press is handled anyway
            log.info("could not answer a button press: %s", exc)

    async def _edit(self, edit) -> None:
        try:
            await self.app.bot.edit_message_text(split_message(edit.text)[0], chat_id=edit.chat_id,
                                                 message_id=edit.message_id,
                                                 reply_markup=to_markup(edit.buttons))
        except BadRequest as exc:  # "message is not modified", or gone: nothing to lose
            log.info("edit of message %s skipped: %s", edit.message_id, exc.message)
        except TelegramError as exc:
            log.warning("edit of message %s failed: %s", edit.message_id, exc)

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

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("unhandled error: %r", context.error, exc_info=context.error)
