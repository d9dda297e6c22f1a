"""A controllable clock for tests (no test sleeps through real minutes), and local times
in the bot's zone."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    """datetime(*args) in Asia/Shanghai."""
    return datetime(*args, tzinfo=SHANGHAI)


class Clock:
    """Returns `now` until the test moves it (advance, set, or assigning `now`)."""

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
