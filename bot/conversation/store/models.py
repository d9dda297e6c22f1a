"""Tables of the chat store (prefix ``chat_``): half-filled forms, the inbox of updates and
the outbox of messages still to deliver. Created by the hand-written migrations in
``migrations/``; a test checks that they match these models. Change both together."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.procedures.ledger.models import NAMING_CONVENTION, UTCDateTime

TABLE_PREFIX = "chat_"
VERSION_TABLE = "chat_alembic_version"


class ChatBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Flow(ChatBase):
    """A multi-step dialogue (leave form, signing question, rejection reason) of one
    person in one chat; survives restarts and expires after a while."""
    __tablename__ = "chat_flows"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    person: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    # Buttons carry the nonce: a press on an older form's button is recognised as stale.
    nonce: Mapped[str] = mapped_column(String(16), index=True)
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboxUpdate(ChatBase):
    """An update as received, stored before its batch is confirmed to Telegram and
    handled from here. ``state``: pending → handled | ignored | failed | poison (could not
    be parsed). A redelivered update id is already here and is not handled again."""
    __tablename__ = "chat_inbox"
    __table_args__ = (Index("ix_chat_inbox_state_update_id", "state", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The chat it belongs to (read from the raw update), so each chat's updates are
    # handled in order; None when it names no chat.
    chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    error: Mapped[str | None] = mapped_column(String(200), nullable=True)


class OutboxMessage(ChatBase):
    """A message to deliver — or, with ``edit_message_id``, an edit of a message the bot
    sent before. ``dedupe_key`` makes enqueueing the same notification twice (a retry, a
    restart, a reconciliation pass) a no-op."""
    __tablename__ = "chat_outbox"
    __table_args__ = (Index("ix_chat_outbox_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[str] = mapped_column(Text, default="[]")
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    edit_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # A file to send (sendDocument), `text` being its caption.
    document_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    document: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


# The reminders' tables live in this schema too (same migrations); registering them here
# keeps ChatBase.metadata complete for Alembic and the schema test.
import bot.reminders.models  # noqa: E402,F401
