"""Reminders end to end through the Bot API stand-in: "/remind 2分钟后 交材料" is delivered
once, across a restart in between; a group that removed the bot fails that reminder only
and its creator is told."""
from __future__ import annotations

import asyncio
import copy
from datetime import timedelta

import pytest

from bot.conversation.build import open_conversation
from bot.telegram.service import TelegramService
from tests.clock import Clock, local
from tests.conversation.conftest import GROUP_CHAT
from tests.conversation.test_telegram import TOKEN, button, run, to_chat


@pytest.fixture
def fast_config(tg_config):
    cfg = copy.deepcopy(tg_config)
    cfg.scheduler.tick_seconds = 0.05
    return cfg


async def start(cfg, seed_index, clock) -> TelegramService:
    service = TelegramService(cfg, TOKEN, open_conversation(cfg, index=seed_index, clock=clock))
    await service.start()
    return service


async def set_reminder(api, uid, text, chat_id=GROUP_CHAT):
    """/remind in `chat_id`, confirmed; returns once the bot says it is set."""
    api.send_text(uid, f"/remind {text}", chat_id=chat_id)
    echo = await api.async_wait_for(to_chat(chat_id, "确认设置吗"))
    api.press(uid, echo["message_id"], button(echo, "确认"), chat_id=chat_id)
    await api.async_wait_for(lambda r: r["method"] == "editMessageText" and r["chat_id"] == chat_id
                             and "已设置提醒" in r["text"])


def test_remind_in_two_minutes_is_delivered_once_across_a_restart(api, fast_config, seed_index, ids):
    clock = Clock(local(2026, 11, 30, 10, 0))
    uid = ids["director"]

    async def scenario():
        service = await start(fast_config, seed_index, clock)
        try:
            await set_reminder(api, uid, "2分钟后 交材料")
        finally:
            await service.stop()
        clock.now += timedelta(minutes=2, seconds=5)       # due while the bot is down
        service = await start(fast_config, seed_index, clock)
        try:
            await api.async_wait_for(to_chat(GROUP_CHAT, "⏰ 提醒：交材料"), timeout=15)
            clock.now += timedelta(minutes=5)
            await asyncio.sleep(0.5)
        finally:
            await service.stop()
        service = await start(fast_config, seed_index, clock)   # and once more
        await asyncio.sleep(0.5)
        await service.stop()
        delivered = [t for t in api.messages_to(GROUP_CHAT) if "⏰ 提醒：交材料" in t]
        assert len(delivered) == 1
        assert "补发" not in delivered[0]          # 5 s late is on time
    run(scenario())


def test_a_group_that_removed_the_bot_fails_that_reminder_and_tells_the_creator(
        api, fast_config, seed_index, ids):
    clock = Clock(local(2026, 11, 30, 10, 0))
    uid = ids["director"]

    async def scenario():
        service = await start(fast_config, seed_index, clock)
        try:
            await set_reminder(api, uid, "2分钟后 交材料")
            await set_reminder(api, uid, "3分钟后 私聊提醒", chat_id=uid)
            api.blocked_chats.add(GROUP_CHAT)
            clock.now += timedelta(minutes=3, seconds=1)
            told = await api.async_wait_for(to_chat(uid, "发送失败"), timeout=15)
            assert "交材料" in told["text"]
            await api.async_wait_for(to_chat(uid, "⏰ 提醒：私聊提醒"), timeout=15)
            views = service.conversation.remind.reminders.list(active_only=False)
            assert {v.text: v.state for v in views if v.source == "user"} == \
                {"交材料": "failed", "私聊提醒": "done"}
        finally:
            await service.stop()
    run(scenario())
