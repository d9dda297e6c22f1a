"""Assemble the conversation engine from the configuration (one place for both channels)."""
from __future__ import annotations

from bot.config import Config
from bot.conversation.core import Conversation
from bot.conversation.directory import Directory
from bot.conversation.store import ChatStore, upgrade_chat_db
from bot.reminders.service import ReminderService


def open_conversation(cfg: Config, *, console: bool = False, bot_username: str = "",
                      clock=None, index=None) -> Conversation:
    """The engine, ledger, chat store and directory for `cfg`; `index` reuses an open
    knowledge index (tests, benchmarks)."""
    from bot.engine import Engine
    from bot.procedures.frontdesk import FrontDesk
    from bot.procedures.ledger import LeaveLedger, open_ledger_db
    from bot.retrieval.index import KnowledgeIndex

    frontdesk = FrontDesk.from_config(cfg, clock=clock)
    engine = Engine(cfg, index or KnowledgeIndex.open(cfg), frontdesk=frontdesk)
    db = open_ledger_db(cfg.database_url)
    upgrade_chat_db(db)
    kwargs = {"clock": clock} if clock else {}
    store = ChatStore(db, flow_minutes=cfg.telegram.flow_minutes, **kwargs)
    reminders = ReminderService(db, frontdesk.calendar, grace_minutes=cfg.scheduler.grace_minutes,
                                timezone_name=cfg.calendar.timezone, **kwargs)
    from bot.agent.assistant import Assistant

    assistant = Assistant.from_config(cfg, engine, clock=clock) if cfg.llm.enabled else None
    return Conversation(cfg, engine, LeaveLedger(db, **kwargs), store,
                        Directory(frontdesk.roster, console=console), reminders,
                        bot_username=bot_username, assistant=assistant)


def open_reminders(cfg: Config, clock=None) -> ReminderService:
    """The reminder service alone (operators' CLI): database and calendar, no index."""
    from bot.procedures.calendar import WorkCalendar
    from bot.procedures.ledger import open_ledger_db

    db = open_ledger_db(cfg.database_url)
    upgrade_chat_db(db)
    calendar = WorkCalendar.load(cfg.calendar.holidays_dir, timezone=cfg.calendar.timezone)
    kwargs = {"clock": clock} if clock else {}
    return ReminderService(db, calendar, grace_minutes=cfg.scheduler.grace_minutes,
                           timezone_name=cfg.calendar.timezone, **kwargs)
