"""Alembic plumbing shared by every component that keeps tables in the bot's database.

Each component (the leave ledger, the chat store) owns a table prefix, its own Alembic
version table and its own migrations folder, so they can share one database and migrate
independently. Their ``env.py`` files are one call to ``run_env``.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, MetaData, create_engine


def alembic_config(url: str, migrations_dir: Path) -> AlembicConfig:
    cfg = AlembicConfig()  # no file: nothing is read from the working directory
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("path_separator", "os")
    # ConfigParser interpolation: a literal '%' (e.g. in a password) must be doubled.
    cfg.set_main_option("sqlalchemy.url", str(url).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, migrations_dir: Path) -> None:
    """Apply pending migrations of one component in one transaction (no-op at head)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False), migrations_dir)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # SQLite's driver would otherwise run the DDL outside any transaction.
            # IMMEDIATE takes the write lock up front, so two processes opening the
            # same new file migrate one after the other instead of colliding.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.begin()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
        connection.commit()


def run_env(context, metadata: MetaData, version_table: str, table_prefix: str) -> None:
    """The body of a component's Alembic env.py."""
    config = context.config

    def include_name(name, type_, parent_names) -> bool:
        # Only this component's tables: the database holds other components' tables too.
        if type_ == "table":
            return bool(name) and name.startswith(table_prefix) and name != version_table
        return True

    options = dict(target_metadata=metadata, version_table=version_table,
                   include_name=include_name, compare_type=True,
                   render_as_batch=True)  # SQLite cannot ALTER most things in place

    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True,
                          dialect_opts={"paramstyle": "named"}, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, **options)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
