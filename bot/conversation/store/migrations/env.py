"""Alembic environment of the chat store (run through bot.conversation.store.db)."""
from alembic import context

from bot.conversation.store.models import TABLE_PREFIX, VERSION_TABLE, ChatBase
from bot.migrate import run_env

run_env(context, ChatBase.metadata, VERSION_TABLE, TABLE_PREFIX)
