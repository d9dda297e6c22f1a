"""The chat store: what the conversation engine keeps between messages, in the bot's
database (SQLAlchemy, migrated with Alembic like the ledger).

* flows: a person's half-filled form in a chat, resumed after a restart, expired after
  ``flow_minutes``;
* the inbox (`inbox.Inbox`): each update stored before it is confirmed, handled once;
* outbox: every message the bot sends is written here first and marked sent after
  delivery, so a network failure or a restart delays a message but never loses it, and
  a dedupe key stops the same notification from going out twice.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError

from bot import migrate
from bot.db import SessionFactory
from bot.conversation.store.models import Flow, OutboxMessage

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
PENDING, SENT, FAILED = "pending", "sent", "failed"


def upgrade_chat_db(engine: Engine) -> None:
    migrate.upgrade(engine, MIGRATIONS_DIR)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class FlowState:
    chat_id: int
    user_id: int
    person: str
    name: str
    step: str
    nonce: str
    data: dict
    updated_at: datetime


@dataclass(frozen=True)
class Outgoing:
    id: int
    chat_id: int
    text: str
    buttons: list  # [[(label, data), ...], ...]
    attempts: int
    dedupe_key: str | None
    edit_message_id: int | None = None  # set: replace that message instead of sending
    document_name: str | None = None    # set: send this file, `text` being its caption
    document: bytes | None = None


class ChatStore:
    def __init__(self, engine: Engine, *, flow_minutes: int = 30,
                 clock: Callable[[], datetime] = _utcnow):
        self.engine = engine
        self.flow_ttl = timedelta(minutes=flow_minutes)
        self._clock = clock
        self._sessions = SessionFactory(engine)  # joins the unit of work, when one is open

    # -- flows ---------------------------------------------------------------------------
    def flow(self, chat_id: int, user_id: int, *, read_only: bool = False) -> tuple[FlowState | None, bool]:
        """The person's flow in this chat, and whether an older one just expired
        (it is then deleted, unless `read_only`)."""
        with self._sessions.begin() as s:
            row = s.get(Flow, (chat_id, user_id))
            if row is None:
                return None, False
            if self._clock() - row.updated_at > self.flow_ttl:
                if not read_only:
                    s.delete(row)
                return None, True
            return _flow_state(row), False

    def flow_by_nonce(self, chat_id: int, nonce: str) -> FlowState | None:
        with self._sessions() as s:
            row = s.scalars(select(Flow).where(Flow.chat_id == chat_id, Flow.nonce == nonce)).first()
            return _flow_state(row) if row else None

    def save_flow(self, chat_id: int, user_id: int, person: str, name: str, step: str,
                  data: dict, *, new: bool = False) -> FlowState:
        """Create or advance a flow. ``new`` (or a new name) gets a fresh nonce, so the
        buttons of an earlier form stop working."""
        with self._sessions.begin() as s:
            row = s.get(Flow, (chat_id, user_id))
            if row is None:
                row = Flow(chat_id=chat_id, user_id=user_id)
                s.add(row)
                new = True
            if new or row.name != name:
                row.nonce = secrets.token_hex(4)
            row.person, row.name, row.step = person, name, step
            row.data = json.dumps(data, ensure_ascii=False, default=str)
            row.updated_at = self._clock()
            s.flush()
            return _flow_state(row)

    def clear_flow(self, chat_id: int, user_id: int) -> bool:
        with self._sessions.begin() as s:
            if s.get(Flow, (chat_id, user_id)) is None:
                return False  # no DELETE: it would take SQLite's write lock for nothing
            return s.execute(delete(Flow).where(Flow.chat_id == chat_id,
                                                Flow.user_id == user_id)).rowcount > 0

    # -- outbox --------------------------------------------------------------------------
    def enqueue(self, chat_id: int, text: str, buttons: list | None = None,
                key: str | None = None, *, edit_message_id: int | None = None,
                document: tuple[str, bytes] | None = None) -> int | None:
        """Queue a message (or an edit of message `edit_message_id`, or a file
        `document` = (name, bytes) captioned `text`); returns its id, or None when
        ``key`` was queued before."""
        row = OutboxMessage(dedupe_key=key, chat_id=int(chat_id), text=text,
                            edit_message_id=edit_message_id,
                            document_name=document[0] if document else None,
                            document=document[1] if document else None,
                            buttons=json.dumps(buttons or [], ensure_ascii=False),
                            state=PENDING, attempts=0, created_at=self._clock())
        try:
            with self._sessions.begin() as s:
                s.add(row)
                s.flush()
                return row.id
        except IntegrityError:
            return None

    def pending(self, limit: int = 50) -> list[Outgoing]:
        """Messages due for delivery, oldest first. A message waiting for a retry holds
        back the later messages of its chat, so each chat reads them in order."""
        now = self._clock()
        held: set[int] = set()
        due: list[Outgoing] = []
        with self._sessions() as s:
            rows = s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.state == PENDING)
                .order_by(OutboxMessage.id).limit(limit * 4)).all()
            for r in rows:
                if r.chat_id in held:
                    continue
                if r.not_before is not None and r.not_before > now:
                    held.add(r.chat_id)
                    continue
                due.append(_outgoing(r))
        return due[:limit]

    def mark_sent(self, message_id: int, telegram_message_id: int | None) -> None:
        # A sent file's bytes are not kept: Telegram has it, and the chat has the text.
        self._set(message_id, state=SENT, sent_at=self._clock(), message_id=telegram_message_id,
                  error=None, document=None)

    def mark_failed(self, message_id: int, error: str) -> None:
        self._set(message_id, state=FAILED, error=error[:500])

    def retry_later(self, message_id: int, seconds: float, error: str) -> None:
        with self._sessions.begin() as s:
            s.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
                attempts=OutboxMessage.attempts + 1, error=error[:500],
                not_before=self._clock() + timedelta(seconds=seconds)))

    def requeue_failed(self, chat_id: int, error_part: str) -> int:
        """Send again the failed messages of a chat whose error contains `error_part`
        (e.g. the person had never opened a chat with the bot, and now has)."""
        with self._sessions.begin() as s:
            return s.execute(update(OutboxMessage).where(
                OutboxMessage.chat_id == chat_id, OutboxMessage.state == FAILED,
                OutboxMessage.error.contains(error_part, autoescape=True)).values(
                state=PENDING, attempts=0, not_before=None)).rowcount

    def outbox(self, state: str | None = None) -> list[dict[str, Any]]:
        """Everything in the outbox (for operators and tests), oldest first."""
        with self._sessions() as s:
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if state:
                query = query.where(OutboxMessage.state == state)
            return [{"id": r.id, "chat_id": r.chat_id, "text": r.text, "state": r.state,
                     "key": r.dedupe_key, "attempts": r.attempts, "error": r.error,
                     "edit_message_id": r.edit_message_id, "document_name": r.document_name,
                     "buttons": json.loads(r.buttons or "[]")}
                    for r in s.scalars(query).all()]

    def _set(self, outbox_id: int, **values) -> None:
        with self._sessions.begin() as s:
            s.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(**values))


def _flow_state(row: Flow) -> FlowState:
    return FlowState(row.chat_id, row.user_id, row.person, row.name, row.step, row.nonce,
                     json.loads(row.data or "{}"), row.updated_at)


def _outgoing(row: OutboxMessage) -> Outgoing:
    return Outgoing(row.id, row.chat_id, row.text, json.loads(row.buttons or "[]"),
                    row.attempts, row.dedupe_key, row.edit_message_id, row.document_name,
                    row.document)
