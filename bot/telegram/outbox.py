"""Deliver the outbox: send each pending message (or edit), mark it sent, retry what failed.

A rate limit (429) waits retry_after; a network error or a 5xx backs off and retries;
a chat that refuses the bot (kicked, blocked, not found) marks the message failed so
the rest keep going. A message waiting for a retry holds back its chat's later ones."""
from __future__ import annotations

import asyncio
import logging

from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.conversation.store import ChatStore, Outgoing
from bot.telegram.convert import to_markup

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0
# Polling period when nothing wakes the sender (messages due after a back-off).
IDLE_SECONDS = 1.0


def backoff(attempts: int) -> float:
    return min(MAX_BACKOFF, 0.5 * 2 ** attempts)


class OutboxSender:
    def __init__(self, bot: Bot, store: ChatStore, on_result=None):
        self.bot = bot
        self.store = store
        # Called in a worker thread as on_result(message, ok, error) after each final
        # outcome (sent, or failed for good): reminders record their delivery.
        self.on_result = on_result
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def poke(self) -> None:
        self._wake.set()

    async def drain(self) -> int:
        """Send everything due now; returns how many went out."""
        sent = 0
        async with self._lock:
            while True:
                batch = await asyncio.to_thread(self.store.pending, 30)
                if not batch:
                    return sent
                progressed = await asyncio.gather(*(self._send_chat(msgs) for msgs in _by_chat(batch)))
                if not any(progressed):  # everything left waits for a retry
                    return sent
                sent += sum(progressed)

    async def _send_chat(self, messages: list[Outgoing]) -> int:
        """One chat's messages in order; stops at the first that must wait."""
        done = 0
        for m in messages:
            if not await self._send(m):
                break
            done += 1
        return done

    async def _send(self, m: Outgoing) -> bool:
        try:
            if m.document_name is not None:
                result = await self.bot.send_document(
                    m.chat_id, InputFile(m.document or b"", filename=m.document_name),
                    caption=m.text or None, reply_markup=to_markup(m.buttons))
            elif m.edit_message_id is not None:
                result = await self.bot.edit_message_text(
                    m.text, chat_id=m.chat_id, message_id=m.edit_message_id,
                    reply_markup=to_markup(m.buttons))
            else:
                result = await self.bot.send_message(m.chat_id, m.text,
                                                     reply_markup=to_markup(m.buttons))
        except RetryAfter as exc:
            seconds = _seconds(exc.retry_after)
            log.warning("rate limited by Telegram: retrying message %s in %.0f s", m.id, seconds)
            await asyncio.to_thread(self.store.retry_later, m.id, seconds, "429 retry_after")
            return False
        except (Forbidden, BadRequest) as exc:
            if m.edit_message_id is not None and isinstance(exc, BadRequest):
                # "message is not modified", or the message is gone: nothing to retry.
                log.info("edit of message %s skipped: %s", m.edit_message_id, exc.message)
                await asyncio.to_thread(self.store.mark_failed, m.id, exc.message)
                return True
            # Kicked from the group, blocked by the user, chat not found: it will not
            # get better by retrying. Recorded, and the rest keep going.
            log.error("message %s to chat %s failed: %s", m.id, m.chat_id, exc.message)
            await asyncio.to_thread(self.store.mark_failed, m.id, exc.message)
            await self._report(m, False, exc.message)
            return True
        except (NetworkError, TelegramError) as exc:  # timeouts and 5xx are NetworkErrors
            seconds = backoff(m.attempts)
            log.warning("sending message %s failed (%s); retrying in %.1f s", m.id, exc, seconds)
            await asyncio.to_thread(self.store.retry_later, m.id, seconds, str(exc))
            return False
        message_id = getattr(result, "message_id", m.edit_message_id)
        await asyncio.to_thread(self.store.mark_sent, m.id, message_id)
        await self._report(m, True, None)
        return True

    async def _report(self, m: Outgoing, ok: bool, error: str | None) -> None:
        if self.on_result is None:
            return
        try:
            await asyncio.to_thread(self.on_result, m, ok, error)
        except Exception:  # bookkeeping must never stop delivery
            log.exception("recording the outcome of message %s failed", m.id)

    # -- background loop -----------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        await cancel(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.drain()
            except asyncio.CancelledError:
                raise
            except Exception:  # the loop must survive anything, e.g. a locked database
                log.exception("outbox pass failed")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), IDLE_SECONDS)
            except asyncio.TimeoutError:
                pass


async def cancel(task: asyncio.Task | None) -> None:
    """Cancel a background task and wait until it has ended."""
    if task is None:
        return
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


def _by_chat(batch: list[Outgoing]) -> list[list[Outgoing]]:
    chats: dict[int, list[Outgoing]] = {}
    for m in batch:
        chats.setdefault(m.chat_id, []).append(m)
    return list(chats.values())


def _seconds(value) -> float:
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)
