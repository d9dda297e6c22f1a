"""Open the ledger database: engine settings and migrations.

``open_ledger_db(url)`` is the one way in: it creates the SQLite folder when needed,
configures every SQLite connection (WAL, foreign keys, busy timeout) and brings the schema
to the newest migration. The migrations live in this package (``migrations/``) and are
located by path; no alembic.ini is read, whatever the working directory.

Typical use::

    from bot.config import load_config
    engine = open_ledger_db(load_config().database_url)
"""
from __future__ import annotations

from pathlib import Path

from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from bot import migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# How long a SQLite connection waits for another writer before giving up.
DEFAULT_BUSY_TIMEOUT_MS = 15_000


def _sqlite_file(url) -> Path | None:
    """The database file of a SQLite URL, or None for in-memory databases."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    if url.query.get("mode") == "memory":
        return None
    return Path(database)


def alembic_config(url: str) -> AlembicConfig:
    """An Alembic configuration for the ledger, built in code.

    Also handy for maintenance, e.g. writing the next migration::

        command.revision(alembic_config(url), message="...", autogenerate=True)
    """
    return migrate.alembic_config(url, MIGRATIONS_DIR)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            # Readers do not block the writer and vice versa. Persistent in the file;
            # an in-memory database answers "memory" and stays as it is.
            cursor.execute("PRAGMA journal_mode = WAL")
            # With WAL, NORMAL syncs at checkpoints instead of every commit: a crash of
            # the bot loses nothing; only a power cut can lose the last commits.
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()


def create_ledger_engine(url: str, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Engine:
    """An engine for the ledger without running migrations (see open_ledger_db)."""
    parsed = make_url(url)
    kwargs: dict = {}
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None:
            path.expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        else:
            # One shared connection, or every session would see its own empty database.
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
    engine = create_engine(parsed, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, busy_timeout_ms)
    return engine


def upgrade_ledger_db(engine: Engine) -> None:
    """Apply pending migrations in one transaction (a no-op when already at head)."""
    migrate.upgrade(engine, MIGRATIONS_DIR)


def open_ledger_db(url: str, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Engine:
    """Create the engine for ``url`` and migrate the ledger schema to the newest version."""
    engine = create_ledger_engine(url, busy_timeout_ms=busy_timeout_ms)
    try:
        upgrade_ledger_db(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine
