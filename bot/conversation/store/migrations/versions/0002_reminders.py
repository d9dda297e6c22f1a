"""Reminders and their delivery log.

Revision ID: c0002
Revises: c0001
Create Date: 2026-11-28

Written by hand; a test checks it matches bot.reminders.models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.procedures.ledger.models import UTCDateTime

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("creator", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("schedule", sa.Text(), nullable=False),
        sa.Column("workdays", sa.String(8), nullable=False),
        sa.Column("next_at", UTCDateTime(), nullable=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("key", sa.String(128), nullable=True),
        sa.Column("grace_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_chat_reminders"),
        sa.UniqueConstraint("key", name="uq_chat_reminders_key"),
    )
    op.create_index("ix_chat_reminders_state_next_at", "chat_reminders", ["state", "next_at"])
    op.create_table(
        "chat_reminder_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("outbox_key", sa.String(128), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["reminder_id"], ["chat_reminders.id"],
                                name="fk_chat_reminder_log_reminder_id_chat_reminders"),
        sa.PrimaryKeyConstraint("id", name="pk_chat_reminder_log"),
        sa.UniqueConstraint("reminder_id", "due_at", name="uq_chat_reminder_log_reminder_id_due_at"),
    )


def downgrade() -> None:
    op.drop_table("chat_reminder_log")
    op.drop_index("ix_chat_reminders_state_next_at", table_name="chat_reminders")
    op.drop_table("chat_reminders")
