"""Assemble the conversation engine from the configuration (one place for both channels)."""
from __future__ import annotations

from bot.config import Config
from bot.conversation.core import Conversation
from bot.conversation.directory import Directory
from bot.conversation.store import ChatStore, upgrade_chat_db


def open_conversation(cfg: Config, *, console: bool = False, bot_username: str = "",
                      clock=None, index=None) -> Conversation:
    """The engine, ledger, chat store and directory for `cfg`; `index` reuses an open
    knowledge index (tests, benchmarks)."""
    from bot.engine import Engine
    from bot.procedures.frontdesk import FrontDesk
    from bot.procedures.ledger import LeaveLedger, open_ledger_db
    from bot.retrieval.index import KnowledgeIndex

    frontdesk = FrontDesk.from_config(cfg)
    engine = Engine(cfg, index or KnowledgeIndex.open(cfg), frontdesk=frontdesk)
    db = open_ledger_db(cfg.database_url)
    upgrade_chat_db(db)
    kwargs = {"clock": clock} if clock else {}
    store = ChatStore(db, flow_minutes=cfg.telegram.flow_minutes, **kwargs)
    return Conversation(cfg, engine, LeaveLedger(db), store,
                        Directory(frontdesk.roster, console=console), bot_username=bot_username)
