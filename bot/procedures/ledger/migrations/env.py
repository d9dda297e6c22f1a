"""Alembic environment of the leave ledger.

Run through bot.procedures.ledger.db (open_ledger_db / alembic_config), never from an
alembic.ini: the URL is set in code, and normally an open connection (already inside a
transaction) is handed over in ``config.attributes["connection"]``.
"""
from alembic import context

from bot.migrate import run_env
from bot.procedures.ledger.models import TABLE_PREFIX, VERSION_TABLE, Base

run_env(context, Base.metadata, VERSION_TABLE, TABLE_PREFIX)
