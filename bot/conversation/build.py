"""Assemble the conversation engine from the configuration (one place for both channels)."""
from __future__ import annotations

from sqlalchemy import Engine as Database

from bot.config import Config
from bot.conversation.core import Conversation
from bot.conversation.directory import Directory
from bot.conversation.store import ChatStore, upgrade_chat_db
from bot.reminders.service import ReminderService
from bot.services.leave import LeaveService


def open_database(cfg: Config) -> Database:
    """The bot's database with the ledger's and the chat store's schemas at their newest."""
    from bot.procedures.ledger import open_ledger_db

    db = open_ledger_db(cfg.database_url)
    upgrade_chat_db(db)
    return db


def _clocked(clock) -> dict:
    return {"clock": clock} if clock else {}


def _reminder_service(cfg: Config, db: Database, calendar, clock) -> ReminderService:
    return ReminderService(db, calendar, grace_minutes=cfg.scheduler.grace_minutes,
                           timezone_name=cfg.calendar.timezone, **_clocked(clock))


def open_conversation(cfg: Config, *, console: bool = False, bot_username: str = "",
                      clock=None, index=None) -> Conversation:
    """The engine, ledger, chat store and directory for `cfg`; `index` reuses an open
    knowledge index (tests, benchmarks)."""
    from bot.agent.assistant import Assistant
    from bot.engine import Engine
    from bot.procedures.frontdesk import FrontDesk
    from bot.retrieval.index import KnowledgeIndex

    frontdesk = FrontDesk.from_config(cfg, clock=clock)
    engine = Engine(cfg, index or KnowledgeIndex.open(cfg), frontdesk=frontdesk)
    db = open_database(cfg)
    store = ChatStore(db, flow_minutes=cfg.telegram.flow_minutes, **_clocked(clock))
    assistant = Assistant.from_config(cfg, engine, clock=clock) if cfg.llm.enabled else None
    directory = Directory(frontdesk.roster, console=console)
    reminders = _reminder_service(cfg, db, frontdesk.calendar, clock)
    leave = leave_service(cfg, db, store, directory, reminders, frontdesk.calendar, clock)
    from bot.services.documents import DocumentService

    documents = DocumentService.from_config(cfg, frontdesk, engine.index)
    return Conversation(cfg, engine, leave, store, directory, reminders,
                        bot_username=bot_username, assistant=assistant, documents=documents)


def leave_service(cfg: Config, db: Database, store: ChatStore, directory: Directory,
                  reminders: ReminderService, calendar, clock=None) -> LeaveService:
    """The leave use cases over the bot's database (chat, CLI and web share this)."""
    from bot.procedures.ledger import LeaveLedger
    from bot.replies import load_replies

    return LeaveService(LeaveLedger(db, **_clocked(clock)), store, directory, reminders,
                        load_replies(cfg.prompts.dir, "chat.toml"),
                        office_chat_id=cfg.telegram.office_chat_id,
                        timezone=cfg.calendar.timezone, today=calendar.today, calendar=calendar)


def open_leave_service(cfg: Config, clock=None) -> LeaveService:
    """The leave service alone (operators' CLI): database, roster and calendar, no index."""
    from bot.procedures.calendar import WorkCalendar
    from bot.procedures.roster import Roster

    calendar = WorkCalendar.load(cfg.calendar.holidays_dir, timezone=cfg.calendar.timezone)
    db = open_database(cfg)
    store = ChatStore(db, flow_minutes=cfg.telegram.flow_minutes, **_clocked(clock))
    return leave_service(cfg, db, store, Directory(Roster.load(cfg.roster.path)),
                         _reminder_service(cfg, db, calendar, clock), calendar, clock)


def open_reminders(cfg: Config, clock=None) -> ReminderService:
    """The reminder service alone (operators' CLI): database and calendar, no index."""
    from bot.procedures.calendar import WorkCalendar

    calendar = WorkCalendar.load(cfg.calendar.holidays_dir, timezone=cfg.calendar.timezone)
    return _reminder_service(cfg, open_database(cfg), calendar, clock)
