"""Tables of the reminders (in the chat store's schema: prefix ``chat_``, migrated with it).

``chat_reminders`` holds what to say, where, on which schedule and working-day policy, and
the next occurrence; ``chat_reminder_log`` holds one row per occurrence (queued, sent,
missed, failed). The unique (reminder, due time) pair is what makes delivery exactly-once:
an occurrence can be claimed by one transaction only."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.conversation.store.models import ChatBase
from bot.procedures.ledger.models import UTCDateTime


class Reminder(ChatBase):
    __tablename__ = "chat_reminders"
    __table_args__ = (Index("ix_chat_reminders_state_next_at", "state", "next_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    creator: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    schedule: Mapped[str] = mapped_column(Text)            # JSON of bot.reminders.when.Schedule
    workdays: Mapped[str] = mapped_column(String(8))       # none | skip | shift
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    state: Mapped[str] = mapped_column(String(12))         # active | done | cancelled | failed
    source: Mapped[str] = mapped_column(String(32))        # user | config | signing | leave | incident
    key: Mapped[str | None] = mapped_column(String(128), unique=True)
    grace_minutes: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class ReminderLog(ChatBase):
    __tablename__ = "chat_reminder_log"
    __table_args__ = (UniqueConstraint("reminder_id", "due_at",
                                       name="uq_chat_reminder_log_reminder_id_due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("chat_reminders.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(12))         # queued | sent | missed | failed
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    outbox_key: Mapped[str | None] = mapped_column(String(128), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
