"""The durable inbox (replaces the handled-update ids) and edits in the outbox.

Revision ID: c0003
Revises: c0002
Create Date: 2026-12-02

Written by hand; a test checks it matches bot.conversation.store.models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.procedures.ledger.models import UTCDateTime

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("handled_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name="pk_chat_inbox"),
    )
    op.create_index("ix_chat_inbox_state_update_id", "chat_inbox", ["state", "update_id"])
    op.create_index("ix_chat_inbox_received_at", "chat_inbox", ["received_at"])
    # Updates handled before the upgrade stay handled if Telegram delivers them again.
    op.execute("INSERT INTO chat_inbox (update_id, payload, state, received_at, handled_at) "
               "SELECT update_id, '{}', 'handled', handled_at, handled_at FROM chat_updates")
    op.drop_index("ix_chat_updates_handled_at", table_name="chat_updates")
    op.drop_table("chat_updates")
    with op.batch_alter_table("chat_outbox") as batch:
        batch.add_column(sa.Column("edit_message_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chat_outbox") as batch:
        batch.drop_column("edit_message_id")
    op.create_table(
        "chat_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("handled_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name="pk_chat_updates"),
    )
    op.create_index("ix_chat_updates_handled_at", "chat_updates", ["handled_at"])
    op.execute("INSERT INTO chat_updates (update_id, handled_at) SELECT update_id, received_at "
               "FROM chat_inbox WHERE state != 'pending'")
    op.drop_index("ix_chat_inbox_received_at", table_name="chat_inbox")
    op.drop_index("ix_chat_inbox_state_update_id", table_name="chat_inbox")
    op.drop_table("chat_inbox")
