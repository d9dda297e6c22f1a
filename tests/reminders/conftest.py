"""Reminder fixtures: a fresh database, the real calendar and a clock the test moves."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.config import PROJECT_ROOT
from bot.conversation.store import ChatStore, upgrade_chat_db
from bot.procedures.calendar import WorkCalendar
from bot.procedures.ledger import open_ledger_db
from bot.reminders.service import ReminderService

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    """A controllable clock: no test sleeps through real minutes."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        return moment


@pytest.fixture(scope="session")
def calendar():
    return WorkCalendar.load(PROJECT_ROOT / "knowledge" / "holidays", timezone="Asia/Shanghai")


@pytest.fixture
def clock():
    return Clock(datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI))  # a Saturday


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


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)
