"""The bot's database plumbing shared by every component (ledger, chat store, reminders)."""
from bot.db.unit_of_work import SessionFactory, in_unit_of_work, unit_of_work

__all__ = ["SessionFactory", "in_unit_of_work", "unit_of_work"]
