"""One transaction for everything a use case does, across components.

Each component (the leave ledger, the chat store, reminders) opens its sessions through a
`SessionFactory` and commits its own small transactions. Inside ``unit_of_work(engine)``
those sessions join one connection and one database transaction instead: a component's
commit becomes a SAVEPOINT release and its rollback a rollback to that savepoint, and only
the unit's end commits. So handling one update — the ledger change, the flow, reminders,
every outbox message it owes and the inbox row marked handled — is committed together or
not at all, and a kill at any moment leaves either nothing done or everything owed.

    with unit_of_work(engine):
        ledger.approve(...)          # joins the unit
        store.enqueue(...)           # joins the unit
    # committed here; an exception rolls everything back

Units nest: an inner ``unit_of_work`` on the same engine joins the outer one. The unit is
per thread of control (a ContextVar), so other threads keep their own transactions.

SQLite: the unit starts with BEGIN IMMEDIATE (the write lock up front, so two units never
deadlock upgrading a read lock); pysqlite's own transaction handling would otherwise
commit at the first RELEASE. Keep units short: slow work (answering a question, calling a
language model) is done before the unit starts.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker


@dataclass
class _Unit:
    engine: Engine
    connection: Connection


_current: ContextVar[_Unit | None] = ContextVar("bot_unit_of_work", default=None)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Connection]:
    """Run the block in one transaction shared by every SessionFactory on `engine`."""
    outer = _current.get()
    if outer is not None and outer.engine is engine:
        yield outer.connection
        return
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.begin()
        token = _current.set(_Unit(engine, connection))
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        else:
            connection.commit()
        finally:
            _current.reset(token)


def in_unit_of_work(engine: Engine) -> bool:
    unit = _current.get()
    return unit is not None and unit.engine is engine


class SessionFactory:
    """Like ``sessionmaker(engine, expire_on_commit=False)``: ``factory()`` gives a session
    and ``with factory.begin() as s:`` a session in a transaction — joined to the current
    unit of work when there is one on the same engine."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._plain = sessionmaker(engine, expire_on_commit=False)

    def __call__(self) -> Session:
        unit = _current.get()
        if unit is not None and unit.engine is self.engine:
            return Session(bind=unit.connection, expire_on_commit=False,
                           join_transaction_mode="create_savepoint")
        return self._plain()

    @contextmanager
    def begin(self) -> Iterator[Session]:
        with self() as session, session.begin():
            yield session
