"""Small parts of the chat channels: message splitting, token redaction, the chat store
schema and outbox ordering."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.conversation.split import TELEGRAM_LIMIT, split_message, units
from bot.conversation.store import ChatStore, upgrade_chat_db
from bot.conversation.store.models import VERSION_TABLE, ChatBase
from bot.procedures.ledger import open_ledger_db
from bot.telegram.redact import MASK, TokenFilter

TOKEN = "123:AAE-secret"


# -- splitting ----------------------------------------------------------------------------
def test_short_text_is_one_message():
    assert split_message("第五十条。") == ["第五十条。"]


def test_long_text_splits_on_sentence_boundaries_within_the_limit():
    sentence = "县政府制定的政府规章由县长签署或签发。"
    text = "\n".join(sentence * 20 for _ in range(30))
    parts = split_message(text)
    assert len(parts) > 1
    assert all(units(p) <= TELEGRAM_LIMIT for p in parts)
    assert all(p.endswith("。") for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_emoji_count_twice_as_telegram_counts_them():
    parts = split_message("😀" * 3000)
    assert [units(p) for p in parts] == [4096, 1904]


def test_one_huge_sentence_is_cut_hard():
    parts = split_message("甲" * 10000, limit=4096)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


# -- token redaction ----------------------------------------------------------------------
def _record(msg, *args, exc_info=None):
    return logging.LogRecord("httpx", logging.INFO, __file__, 1, msg, args, exc_info)


def test_the_token_is_masked_in_messages_args_and_tracebacks():
    f = TokenFilter(TOKEN)
    r = _record("HTTP Request: POST %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
    f.filter(r)
    assert TOKEN not in r.getMessage() and MASK in r.getMessage()
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage")
    except RuntimeError:
        import sys
        r = _record("boom", exc_info=sys.exc_info())
    f.filter(r)
    assert TOKEN not in r.exc_text and MASK in r.exc_text


def test_records_without_the_token_are_left_alone():
    r = _record("answered %d messages", 3)
    TokenFilter(TOKEN).filter(r)
    assert r.getMessage() == "answered 3 messages" and r.args == (3,)


# -- the chat store -----------------------------------------------------------------------
@pytest.fixture
def db(tmp_path):
    engine = open_ledger_db(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    upgrade_chat_db(engine)
    return engine


def test_migrated_schema_matches_the_models(db):
    with db.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "version_table": VERSION_TABLE, "compare_type": True,
            "include_name": lambda name, type_, parents:
                type_ != "table" or (name.startswith("chat_") and name != VERSION_TABLE)})
        assert compare_metadata(context, ChatBase.metadata) == []


def test_the_ledger_and_the_chat_store_share_a_database_independently(db):
    from sqlalchemy import inspect
    tables = set(inspect(db).get_table_names())
    assert {"ledger_requests", "chat_flows", "chat_outbox", "chat_inbox"} <= tables
    upgrade_chat_db(db)  # a second upgrade is a no-op


def test_the_same_key_is_queued_once(db):
    store = ChatStore(db)
    assert store.enqueue(1, "a", key="leave:1:ask:1") is not None
    assert store.enqueue(1, "a again", key="leave:1:ask:1") is None
    assert [m.text for m in store.pending()] == ["a"]


def test_a_message_waiting_for_a_retry_holds_back_its_chat_only(db):
    now = [datetime(2026, 11, 28, tzinfo=timezone.utc)]
    store = ChatStore(db, clock=lambda: now[0])
    first = store.enqueue(1, "first")
    store.enqueue(1, "second")
    store.enqueue(2, "other chat")
    store.retry_later(first, 5, "500")
    assert [m.text for m in store.pending()] == ["other chat"]
    now[0] += timedelta(seconds=6)
    assert [m.text for m in store.pending()] == ["first", "second", "other chat"]


def test_the_inbox_keeps_each_update_once_and_finishes_it_once(db):
    from bot.conversation.store.inbox import HANDLED, Inbox
    inbox = Inbox(db)
    raw = {"update_id": 42, "message": {"message_id": 1, "date": 0, "text": "在吗",
                                        "chat": {"id": 7, "type": "private"}}}
    assert inbox.receive([raw, {"no": "id"}, {"update_id": "43"}]) == [42]
    assert inbox.receive([raw]) == []                      # redelivered: known
    assert [(i.update_id, i.chat_id) for i in inbox.pending()] == [(42, 7)]
    assert inbox.next_offset() == 43
    assert inbox.finish(42) and not inbox.finish(42)
    assert inbox.state(42) == HANDLED and inbox.pending() == []


def test_a_unit_of_work_commits_the_flow_the_outbox_and_the_inbox_together(db):
    from bot.conversation.store.inbox import Inbox
    from bot.db import unit_of_work
    store, inbox = ChatStore(db), Inbox(db)
    inbox.receive([{"update_id": 5}])
    with pytest.raises(RuntimeError):
        with unit_of_work(db):
            assert inbox.finish(5)
            store.save_flow(1, 1, "x", "leave", "kind", {})
            store.enqueue(1, "reply", key="u5:0")
            raise RuntimeError("killed before the commit")
    assert [i.update_id for i in inbox.pending()] == [5]   # handled again after restart
    assert store.flow(1, 1)[0] is None and store.outbox() == []
    with unit_of_work(db):
        assert inbox.finish(5)
        store.save_flow(1, 1, "x", "leave", "kind", {})
        assert store.enqueue(1, "reply", key="u5:0") is not None
        assert store.enqueue(1, "reply", key="u5:0") is None  # a duplicate key inside the unit
    assert inbox.pending() == [] and store.flow(1, 1)[0] is not None
    assert [m["text"] for m in store.outbox()] == ["reply"]


def test_a_poison_row_and_an_oversized_update_do_not_block_the_rest(db):
    from bot.conversation.store.inbox import MAX_PAYLOAD, POISON, Inbox
    inbox = Inbox(db)
    inbox.receive([{"update_id": 1, "message": "x" * (MAX_PAYLOAD + 1)}, {"update_id": 2}])
    assert inbox.state(1) == POISON and [i.update_id for i in inbox.pending()] == [2]
