"""Chat store: flows, handled updates, outbox.

Revision ID: c0001
Revises:
Create Date: 2026-11-28

Written by hand and self-contained; a test checks it matches bot.conversation.store.models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.procedures.ledger.models import UTCDateTime

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_flows",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("person", sa.String(64), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("nonce", sa.String(16), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "user_id", name="pk_chat_flows"),
    )
    op.create_index("ix_chat_flows_nonce", "chat_flows", ["nonce"])
    op.create_table(
        "chat_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("handled_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name="pk_chat_updates"),
    )
    op.create_index("ix_chat_updates_handled_at", "chat_updates", ["handled_at"])
    op.create_table(
        "chat_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dedupe_key", sa.String(128), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("buttons", sa.Text(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_chat_outbox"),
        sa.UniqueConstraint("dedupe_key", name="uq_chat_outbox_dedupe_key"),
    )
    op.create_index("ix_chat_outbox_state_id", "chat_outbox", ["state", "id"])


def downgrade() -> None:
    op.drop_index("ix_chat_outbox_state_id", table_name="chat_outbox")
    op.drop_table("chat_outbox")
    op.drop_index("ix_chat_updates_handled_at", table_name="chat_updates")
    op.drop_table("chat_updates")
    op.drop_index("ix_chat_flows_nonce", table_name="chat_flows")
    op.drop_table("chat_flows")
