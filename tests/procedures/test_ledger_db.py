"""Leave ledger storage: migrations, schema vs models, SQLite settings, persistence."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from bot.config import Config
from bot.procedures.ledger import (
    ChainStep,
    LeaveLedger,
    alembic_config,
    create_ledger_engine,
    open_ledger_db,
    upgrade_ledger_db,
)
from bot.procedures.ledger.db import MIGRATIONS_DIR
from bot.procedures.ledger.models import VERSION_TABLE, Base

NOW = datetime(2025, 3, 10, 2, 0, tzinfo=timezone.utc)
TABLES = {"ledger_requests", "ledger_steps", "ledger_audit"}


def url_for(path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture
def db_url(tmp_path):
    return url_for(tmp_path / "ledger.sqlite3")


@pytest.fixture
def engine_(db_url):
    engine = open_ledger_db(db_url)
    yield engine
    engine.dispose()


def submit_one(ledger: LeaveLedger):
    return ledger.submit(
        "张三", "副县长", "休假", date(2025, 3, 12), date(2025, 3, 14), "", "探亲",
        [ChainStep(1, "approve", "县长", "李县长")],
    )


def include_ledger_tables(name, type_, parent_names):
    if type_ == "table":
        return name in TABLES
    return True


def schema_diff(engine, metadata=Base.metadata):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "version_table": VERSION_TABLE,
                "include_name": include_ledger_tables,
                "compare_type": True,
                "compare_server_default": True,
            },
        )
        return compare_metadata(context, metadata)


# --------------------------------------------------------------------------- migrations


def test_open_creates_the_folder_and_migrates(tmp_path):
    path = tmp_path / "nested" / "deeper" / "bot.sqlite3"
    engine = open_ledger_db(url_for(path))
    try:
        assert path.exists()
        names = set(inspect(engine).get_table_names())
        assert TABLES | {VERSION_TABLE} <= names
        with engine.connect() as c:
            assert c.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all() == ["0001"]
    finally:
        engine.dispose()


def test_single_head_and_database_is_at_head(engine_, db_url):
    script = ScriptDirectory.from_config(alembic_config(db_url))
    assert script.get_heads() == ["0001"]
    with engine_.connect() as c:
        context = MigrationContext.configure(c, opts={"version_table": VERSION_TABLE})
        assert context.get_current_heads() == ("0001",)


def test_migrated_schema_matches_the_models(engine_):
    assert schema_diff(engine_) == []


def test_schema_check_does_detect_drift(engine_):
    # The comparison above is only worth something if it notices differences.
    drifted = sa.MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["ledger_requests"].append_column(sa.Column("extra", sa.Integer()))
    sa.Index("ix_extra_actor", drifted.tables["ledger_audit"].c.actor)
    diff = schema_diff(engine_, drifted)
    kinds = {d[0] if isinstance(d, tuple) else d[0][0] for d in diff}
    assert {"add_column", "add_index"} <= kinds


def test_opening_twice_is_a_no_op(db_url):
    open_ledger_db(db_url).dispose()
    engine = create_ledger_engine(db_url)
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _log(conn, cursor, statement, *args):
        statements.append(statement.strip().split()[0].upper())

    with engine.connect() as c:
        before = c.execute(text("SELECT type, name, sql FROM sqlite_master ORDER BY name")).all()
    upgrade_ledger_db(engine)
    with engine.connect() as c:
        after = c.execute(text("SELECT type, name, sql FROM sqlite_master ORDER BY name")).all()
    engine.dispose()
    assert after == before
    assert not {"CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE"} & set(statements)


def test_migrations_are_found_without_an_ini_in_the_cwd(tmp_path, monkeypatch):
    # A stray alembic.ini in the working directory must not be read.
    (tmp_path / "alembic.ini").write_text(
        "[alembic]\nscript_location = /nonexistent\nsqlalchemy.url = sqlite:////nonexistent/x.db\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    engine = open_ledger_db(url_for(tmp_path / "data" / "x.sqlite3"))
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    cfg = alembic_config("sqlite:///x.db")
    assert cfg.config_file_name is None
    assert cfg.get_main_option("script_location") == str(MIGRATIONS_DIR)


def test_downgrade_and_upgrade_again(db_url):
    engine = open_ledger_db(db_url)
    engine.dispose()
    cfg = alembic_config(db_url)
    command.downgrade(cfg, "base")
    engine = create_ledger_engine(db_url)
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade_ledger_db(engine)
    assert schema_diff(engine) == []
    engine.dispose()


def test_config_database_url_is_usable(tmp_path):
    cfg = Config()
    cfg.storage.data_dir = tmp_path / "data"
    engine = open_ledger_db(cfg.database_url)
    try:
        assert (tmp_path / "data" / "bot.sqlite3").exists()
    finally:
        engine.dispose()


def test_in_memory_database_is_shared_across_sessions():
    engine = open_ledger_db("sqlite://")
    ledger = LeaveLedger(engine, clock=lambda: NOW)
    req = submit_one(ledger)
    assert ledger.get(req.id).applicant == "张三"
    engine.dispose()


def test_other_tables_in_the_same_database_are_left_alone(db_url):
    engine = create_ledger_engine(db_url)
    with engine.begin() as c:
        c.execute(text("CREATE TABLE roster_people (id INTEGER PRIMARY KEY, name TEXT)"))
        c.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        c.execute(text("INSERT INTO alembic_version VALUES ('someone_elses')"))
    upgrade_ledger_db(engine)
    with engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == "someone_elses"
        assert c.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar() == "0001"
    assert schema_diff(engine) == []
    engine.dispose()


# --------------------------------------------------------------------------- SQLite settings


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(engine_, db_url):
    for _ in range(2):  # every pooled connection, not just the first
        with engine_.connect() as c, engine_.connect() as d:
            for conn in (c, d):
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    # WAL is a property of the file: a plain connection sees it too.
    import sqlite3

    raw = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_foreign_keys_and_checks_are_enforced(engine_):
    with pytest.raises(IntegrityError):
        with engine_.begin() as c:
            c.execute(text(
                "INSERT INTO ledger_steps (request_id, step_order, action, role, person, decision) "
                "VALUES (12345, 1, 'approve', '县长', '李县长', 'pending')"
            ))
    ledger = LeaveLedger(engine_, clock=lambda: NOW)
    req = submit_one(ledger)
    for statement in (
        "UPDATE ledger_requests SET state = 'lost' WHERE id = :id",
        "UPDATE ledger_requests SET kind = '病假' WHERE id = :id",
        "UPDATE ledger_requests SET end_date = '2025-01-01' WHERE id = :id",
        "UPDATE ledger_steps SET decision = NULL WHERE request_id = :id",
        "UPDATE ledger_steps SET action = 'notify' WHERE request_id = :id",
    ):
        with pytest.raises(IntegrityError):
            with engine_.begin() as c:
                c.execute(text(statement), {"id": req.id})
    assert ledger.get(req.id) == req


def test_audit_log_is_append_only(engine_):
    ledger = LeaveLedger(engine_, clock=lambda: NOW)
    req = submit_one(ledger)
    for statement in ("UPDATE ledger_audit SET actor = 'x'", "DELETE FROM ledger_audit"):
        with pytest.raises(DatabaseError, match="append-only"):
            with engine_.begin() as c:
                c.execute(text(statement))
    assert [e.action for e in ledger.audit(req.id)] == ["submitted"]


def test_timestamps_are_stored_in_utc(engine_):
    shanghai_clock = lambda: datetime.fromisoformat("2025-03-10T10:00:00+08:00")  # noqa: E731
    ledger = LeaveLedger(engine_, clock=shanghai_clock)
    req = submit_one(ledger)
    with engine_.connect() as c:
        raw = c.execute(text("SELECT created_at FROM ledger_requests WHERE id = :id"), {"id": req.id}).scalar()
    assert str(raw).startswith("2025-03-10 02:00:00")
    assert req.created_at == NOW and req.created_at.tzinfo == timezone.utc


def test_naive_clock_is_refused(engine_):
    ledger = LeaveLedger(engine_, clock=lambda: datetime(2025, 3, 10, 10, 0))
    with pytest.raises(ValueError, match="aware"):
        submit_one(ledger)


# --------------------------------------------------------------------------- persistence


def test_data_survives_reopening(db_url):
    engine = open_ledger_db(db_url)
    ledger = LeaveLedger(engine, clock=lambda: NOW)
    req = submit_one(ledger)
    ledger.approve(req.id, "李县长", "同意")
    before = ledger.get(req.id), ledger.audit(req.id)
    engine.dispose()

    engine = open_ledger_db(db_url)  # migration is a no-op on an existing ledger
    try:
        ledger = LeaveLedger(engine, clock=lambda: NOW)
        assert (ledger.get(req.id), ledger.audit(req.id)) == before
        assert [r.id for r in ledger.list_for("张三")] == [req.id]
        assert ledger.report(req.id, "张三").state == "reported"
        nxt = submit_one(ledger)
        assert nxt.id == req.id + 1
    finally:
        engine.dispose()
