"""Alembic migrations of the leave ledger (run by bot.procedures.ledger.db.open_ledger_db).

A package only so that the migrations ship with the code; Alembic itself loads env.py and
versions/*.py by path.
"""
