"""Documents in the outbox: a file the bot sends (the filled 发文稿纸), with its caption
in `text`.

Revision ID: c0004
Revises: c0003
Create Date: 2026-12-02

Written by hand; a test checks it matches bot.conversation.store.models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chat_outbox") as batch:
        batch.add_column(sa.Column("document_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("document", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chat_outbox") as batch:
        batch.drop_column("document")
        batch.drop_column("document_name")
