"""The durable inbox: every update is stored before Telegram is told it was received,
then handled from here, in each chat's order, and marked handled in the same unit of
work as everything its handling changed (see bot.db.unit_of_work).

Polling stores a fetched batch, and only then asks for the next one (the new offset is
what confirms the batch to Telegram); the webhook stores the update, then answers 200. A
kill at any moment therefore loses no update: one not yet marked handled is handled after
the restart, and one marked handled is never handled again, also when Telegram delivers it
a second time. An update that cannot be parsed is kept as ``poison`` and skipped, so it
never holds up the updates behind it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from sqlalchemy import Engine, delete, func, select, update

from bot.conversation.store.models import InboxUpdate
from bot.db import SessionFactory

PENDING, HANDLED, IGNORED, FAILED, POISON = "pending", "handled", "ignored", "failed", "poison"
# Finished updates are forgotten after this (Telegram keeps undelivered ones for 24 h).
UPDATE_MEMORY = timedelta(days=2)
MAX_PAYLOAD = 1 << 20
_INT64 = 2**63 - 1


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class InboxItem:
    update_id: int
    chat_id: int | None
    payload: str


def _int64(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and -_INT64 <= value <= _INT64 else None


def update_id_of(raw: Any) -> int | None:
    """The update id of a raw update, or None when it has no usable one."""
    if not isinstance(raw, dict):
        return None
    value = _int64(raw.get("update_id"))
    return value if value is not None and value >= 0 else None


def chat_id_of(raw: dict) -> int | None:
    """The chat a raw update belongs to, read without parsing it (None when unknown)."""
    try:
        for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
            if isinstance(raw.get(key), dict):
                return _int64(raw[key]["chat"]["id"])
        query = raw.get("callback_query")
        if isinstance(query, dict):
            message = query.get("message")
            if isinstance(message, dict):
                return _int64(message["chat"]["id"])
            return _int64(query["from"]["id"])
    except (KeyError, TypeError):
        return None
    return None


class Inbox:
    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = _utcnow):
        self.engine = engine
        self._clock = clock
        self._sessions = SessionFactory(engine)

    def receive(self, raws: list[Any]) -> list[int]:
        """Store a batch of raw updates in one transaction; returns the ids newly stored.
        Entries without an update id are dropped (nothing can confirm or redeliver them);
        an oversized one is kept as poison."""
        stored = []
        now = self._clock()
        with self._sessions.begin() as s:
            known = set()
            ids = [i for i in (update_id_of(r) for r in raws) if i is not None]
            if ids:
                known = set(s.scalars(select(InboxUpdate.update_id)
                                      .where(InboxUpdate.update_id.in_(ids))).all())
            for raw in raws:
                update_id = update_id_of(raw)
                if update_id is None or update_id in known:
                    continue
                payload = json.dumps(raw, ensure_ascii=False)
                too_big = len(payload) > MAX_PAYLOAD
                s.add(InboxUpdate(update_id=update_id, chat_id=chat_id_of(raw),
                                  payload="{}" if too_big else payload,
                                  state=POISON if too_big else PENDING, received_at=now,
                                  error="payload too large" if too_big else None))
                known.add(update_id)
                stored.append(update_id)
        return stored

    def next_offset(self) -> int | None:
        """The getUpdates offset that confirms everything stored so far."""
        with self._sessions() as s:
            top = s.scalar(select(func.max(InboxUpdate.update_id)))
        return None if top is None else int(top) + 1

    def pending(self, limit: int = 100) -> list[InboxItem]:
        with self._sessions() as s:
            rows = s.scalars(select(InboxUpdate).where(InboxUpdate.state == PENDING)
                             .order_by(InboxUpdate.update_id).limit(limit)).all()
            return [InboxItem(r.update_id, r.chat_id, r.payload) for r in rows]

    def finish(self, update_id: int, state: str = HANDLED, error: str | None = None) -> bool:
        """Mark a pending update finished; False when it was finished before (then the
        caller's unit of work must not do its work again)."""
        with self._sessions.begin() as s:
            result = s.execute(update(InboxUpdate)
                               .where(InboxUpdate.update_id == update_id,
                                      InboxUpdate.state == PENDING)
                               .values(state=state, handled_at=self._clock(),
                                       error=(error or None) and error[:200]))
            return result.rowcount == 1

    def state(self, update_id: int) -> str | None:
        with self._sessions() as s:
            row = s.get(InboxUpdate, update_id)
            return row.state if row else None

    def counts(self) -> dict[str, int]:
        with self._sessions() as s:
            return dict(s.execute(select(InboxUpdate.state, func.count())
                                  .group_by(InboxUpdate.state)).all())

    def forget_old(self) -> int:
        """Drop finished updates older than UPDATE_MEMORY; the newest row always stays,
        so the polling offset survives a quiet spell and a restart."""
        cutoff = self._clock() - UPDATE_MEMORY
        with self._sessions.begin() as s:
            top = s.scalar(select(func.max(InboxUpdate.update_id)))
            return s.execute(delete(InboxUpdate).where(
                InboxUpdate.state != PENDING, InboxUpdate.received_at < cutoff,
                InboxUpdate.update_id != top)).rowcount
