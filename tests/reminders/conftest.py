"""Reminder fixtures: a fresh database, the real calendar and a clock the test moves."""
from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.conversation.store import ChatStore, upgrade_chat_db
from bot.procedures.calendar import WorkCalendar
from bot.procedures.ledger import open_ledger_db
from bot.reminders.service import ReminderService
from tests.clock import Clock, local


@pytest.fixture(scope="session")
def calendar():
    return WorkCalendar.load(PROJECT_ROOT / "knowledge" / "holidays", timezone="Asia/Shanghai")


@pytest.fixture
def clock():
    return Clock(local(2026, 11, 28, 10, 0))  # a Saturday


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'reminders.sqlite3'}"


@pytest.fixture
def make_service(db_url, calendar, clock):
    """make_service() → a ReminderService and ChatStore on the test database; calling it
    again is a restart (same database, new objects)."""
    def make(grace_minutes: int = 60):
        engine = open_ledger_db(db_url)
        upgrade_chat_db(engine)
        return (ReminderService(engine, calendar, grace_minutes=grace_minutes, clock=clock),
                ChatStore(engine, clock=clock))
    return make
