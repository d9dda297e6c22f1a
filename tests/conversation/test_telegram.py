"""The real python-telegram-bot application against the Bot API stand-in over HTTP on
127.0.0.1: answers, buttons, the leave chain across people and chats, access control,
groups, faults (500, 429), restarts, webhook mode."""
from __future__ import annotations

import asyncio
import json
import re
import urllib.request
from contextlib import asynccontextmanager

from botapi import BotApiStandIn
from bot.conversation.build import open_conversation
from bot.telegram.service import TelegramService
from tests.conversation.conftest import GROUP_CHAT, OFFICE_CHAT, STRANGER, UNLISTED_GROUP

TOKEN = "123456789:AAH-test-token-never-logged-0123456789"


@asynccontextmanager
async def running(cfg, seed_index, **kwargs):
    service = TelegramService(cfg, TOKEN, open_conversation(cfg, index=seed_index), **kwargs)
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 120))


def to_chat(chat_id, pattern=""):
    return lambda r: r["method"] == "sendMessage" and r["chat_id"] == chat_id and \
        re.search(pattern, r["text"] or "") is not None


def button(record, label) -> str:
    return dict(BotApiStandIn.buttons(record))[label]


async def file_leave(api, uid, dates="下周一到周三"):
    api.send_text(uid, "/leave")
    kinds = await api.async_wait_for(to_chat(uid, "请假类型"))
    api.press(uid, kinds["message_id"], button(kinds, "出差"))
    await api.async_wait_for(to_chat(uid, "请输入日期"))
    for text, prompt in ((dates, "外出地点"), ("郑州", "事由"), ("参加全省培训", "请核对")):
        api.send_text(uid, text)
        confirm = await api.async_wait_for(to_chat(uid, prompt))
    api.press(uid, confirm["message_id"], button(confirm, "提交"))
    done = await api.async_wait_for(to_chat(uid, r"已提交，编号 \d+"))
    return int(re.search(r"编号 (\d+)", done["text"]).group(1))


def test_a_member_asks_and_gets_a_cited_answer(api, tg_config, seed_index, ids):
    async def scenario():
        async with running(tg_config, seed_index):
            api.send_text(ids["agri"], "人事任免文件谁签发？")
            reply = await api.async_wait_for(to_chat(ids["agri"]))
            assert "县长" in reply["text"] and "第五十条" in reply["text"]
            assert any(a["params"].get("action") == "typing" for a in api.chat_actions)
            assert {c["command"] for c in api.commands} >= {"leave", "sign", "pending", "help"}
    run(scenario())
    assert api.tokens_seen == {TOKEN}


def test_sign_with_buttons_to_the_end(api, tg_config, seed_index, ids):
    uid = ids["agri"]

    async def scenario():
        async with running(tg_config, seed_index):
            api.send_text(uid, "/sign")
            ask = await api.async_wait_for(to_chat(uid, "请点选"))
            api.press(uid, ask["message_id"], button(ask, "人事任免"))
            answer = await api.async_wait_for(to_chat(uid, "第五十条"))
            assert "县长" in answer["text"]
            edited = api.message(uid, ask["message_id"])
            assert "人事任免" in edited["text"] and not edited.get("reply_markup")
            assert api.callback_answers  # the press was acknowledged
    run(scenario())


def test_leave_end_to_end_across_approvers_and_the_office_group(api, tg_config, seed_index, ids):
    agri, head, deputy = ids["agri"], ids["county_head"], ids["deputy_b"]
    api.started.update({head, deputy})  # the approvers have started the bot before

    async def scenario():
        async with running(tg_config, seed_index):
            rid = await file_leave(api, agri, dates="今天起3天")
            ask = await api.async_wait_for(to_chat(head, f"请假审批】编号 {rid}"))
            # A non-approver presses the county head's button (e.g. a forwarded message).
            api.press(deputy, ask["message_id"], button(ask, "批准"), chat_id=head)
            alert = await api.async_wait_for(lambda r: r["params"].get("show_alert") is True,
                                             source="callback_answers")
            assert "示例·县长" in alert["params"]["text"]
            api.press(head, ask["message_id"], button(ask, "批准"))
            await api.async_wait_for(to_chat(agri, "已由县长"))
            second = await api.async_wait_for(to_chat(deputy, f"编号 {rid}"))
            api.press(deputy, second["message_id"], button(second, "批准"))
            office = await api.async_wait_for(to_chat(OFFICE_CHAT, "请假报备"))
            assert "示例·农业农村局局长" in office["text"] and "2026" in office["text"]
            await api.async_wait_for(to_chat(agri, "全部批准"))
            api.send_text(agri, f"/back {rid}")
            await api.async_wait_for(to_chat(OFFICE_CHAT, "销假"))
            assert "已批准" in api.message(head, ask["message_id"])["text"]
    run(scenario())


def test_a_stranger_is_refused_without_regulation_content(api, tg_config, seed_index):
    async def scenario():
        async with running(tg_config, seed_index):
            api.send_text(STRANGER, "人事任免文件谁签发？")
            reply = await api.async_wait_for(to_chat(STRANGER))
            assert str(STRANGER) in reply["text"] and "第五十条" not in reply["text"]
            await asyncio.sleep(0.5)
            assert len(api.messages_to(STRANGER)) == 1
    run(scenario())


def test_groups_only_when_addressed_and_only_listed_ones(api, tg_config, seed_index, ids):
    uid = ids["agri"]

    async def scenario():
        async with running(tg_config, seed_index):
            api.send_text(uid, "人事任免文件谁签发？", chat_id=GROUP_CHAT)
            api.send_text(uid, "@xiping_rules_bot 人事任免文件谁签发？", chat_id=UNLISTED_GROUP)
            api.send_text(uid, "@xiping_rules_bot 会签文件几天内回复？", chat_id=GROUP_CHAT)
            reply = await api.async_wait_for(to_chat(GROUP_CHAT))
            assert "第四十八条" in reply["text"]
            # A reply to the bot's own message counts as addressed too.
            api.send_text(uid, "人事任免文件谁签发？", chat_id=GROUP_CHAT,
                          reply_to_message_id=reply["message_id"])
            await api.async_wait_for(to_chat(GROUP_CHAT, "第五十条"))
            api.send_text(uid, "/leave", chat_id=GROUP_CHAT)
            await api.async_wait_for(to_chat(GROUP_CHAT, "私聊"))
            await asyncio.sleep(0.5)
            assert len(api.messages_to(GROUP_CHAT)) == 3
            assert api.messages_to(UNLISTED_GROUP) == []
    run(scenario())


def test_500s_and_429s_delay_but_lose_nothing(api, tg_config, seed_index, ids):
    uid = ids["agri"]

    async def scenario():
        async with running(tg_config, seed_index):
            api.fail_next("sendMessage", count=3, status=500)
            api.rate_limit_next("sendMessage", count=1, retry_after=1)
            api.fail_next("getUpdates", count=2, status=502)
            api.send_text(uid, "人事任免文件谁签发？")
            api.send_text(uid, "会签文件几天内回复？")
            first = await api.async_wait_for(to_chat(uid, "第五十条"), timeout=30)
            second = await api.async_wait_for(to_chat(uid, "第四十八条"), timeout=30)
            assert first["message_id"] < second["message_id"]  # order kept
            statuses = [c["status"] for c in api.calls if c["method"] == "sendMessage"]
            assert 500 in statuses and 429 in statuses
            await asyncio.sleep(0.5)
            assert len(api.messages_to(uid)) == 2
    run(scenario())


def test_a_restart_between_submit_and_approval_loses_nothing_and_repeats_nothing(
        api, tg_config, seed_index, ids):
    agri, head = ids["agri"], ids["county_head"]
    api.started.add(head)

    async def scenario():
        async with running(tg_config, seed_index):
            rid = await file_leave(api, agri)
            ask = await api.async_wait_for(to_chat(head, f"编号 {rid}"))
        sent_before = len(api.sent)
        async with running(tg_config, seed_index):  # a new process on the same database
            await asyncio.sleep(1.0)
            assert len(api.sent) == sent_before, [(r["method"], r["chat_id"], (r.get("text") or "")[:30]) for r in api.sent]  # reconciliation re-sent nothing
            api.press(head, ask["message_id"], button(ask, "批准"))
            await api.async_wait_for(to_chat(agri, "已由县长"))
            await asyncio.sleep(0.5)
            asks = [t for t in api.messages_to(head) if f"编号 {rid}" in t]
            assert len(asks) == 1
    run(scenario())


def test_a_crash_before_the_notification_is_repaired_on_start(api, tg_config, seed_index, ids):
    """The ledger committed but the process died before queuing the approver's message."""
    from bot.procedures.leave import leave_chain

    api.started.add(ids["county_head"])
    conv = open_conversation(tg_config, index=seed_index)
    fd = conv.engine.frontdesk
    chain = leave_chain(fd.rules, fd.roster, applicant="示例·农业农村局局长", kind="出差")
    from datetime import timedelta
    today = fd.calendar.today()
    view = conv.leave.ledger.submit(chain.applicant, chain.applicant_role, "出差", today,
                                    today + timedelta(days=1), "郑州", "培训", chain.steps)

    async def scenario():
        async with running(tg_config, seed_index):
            await api.async_wait_for(to_chat(ids["county_head"], f"编号 {view.id}"))
    run(scenario())


def test_an_update_delivered_twice_is_handled_once(api, tg_config, seed_index, ids):
    uid = ids["agri"]

    async def scenario():
        async with running(tg_config, seed_index) as service:
            update = api.send_text(uid, "会签文件几天内回复？")
            await api.async_wait_for(to_chat(uid))
            assert service.inbox.receive([update]) == []  # Telegram sends it again: known
            service._inbox_wake.set()
            await asyncio.sleep(1.0)
            assert len(api.messages_to(uid)) == 1
    run(scenario())


def test_a_handler_error_apologises_and_the_bot_keeps_serving(api, tg_config, seed_index, ids):
    uid = ids["agri"]

    async def scenario():
        async with running(tg_config, seed_index) as service:
            real = service.conversation.handle
            calls = []

            def broken_once(event, prepared=None):
                calls.append(event)
                if len(calls) == 1:
                    raise RuntimeError("boom")
                return real(event, prepared)

            service.conversation.handle = broken_once
            api.send_text(uid, "会签文件几天内回复？")
            sorry = await api.async_wait_for(to_chat(uid, "抱歉"))
            assert "boom" not in sorry["text"] and "Traceback" not in sorry["text"]
            api.send_text(uid, "会签文件几天内回复？")
            await api.async_wait_for(to_chat(uid, "第四十八条"))
    run(scenario())


def test_a_chat_that_blocked_the_bot_does_not_hold_up_the_others(api, tg_config, seed_index, ids):
    agri, head = ids["agri"], ids["county_head"]
    api.blocked_chats.add(head)

    async def scenario():
        async with running(tg_config, seed_index) as service:
            await file_leave(api, agri)
            api.send_text(agri, "会签文件几天内回复？")
            await api.async_wait_for(to_chat(agri, "第四十八条"))
            failed = service.store.outbox("failed")
            assert [m["chat_id"] for m in failed] == [head]
    run(scenario())


def test_webhook_mode_checks_the_secret_and_serves_health(api, tg_config, seed_index, ids):
    uid = ids["agri"]
    secret = "s3cret-token_for-webhook"
    api.started.add(uid)  # the update below reaches the bot directly, not through the stand-in

    async def scenario():
        async with running(tg_config, seed_index, webhook_url="https://bot.example.gov.cn/telegram",
                           webhook_secret=secret) as service:
            assert api.webhook["url"] == "https://bot.example.gov.cn/telegram"
            assert api.webhook.get("secret_token") == secret
            base = f"http://127.0.0.1:{service.port}"
            health = await asyncio.to_thread(_get, base + "/healthz")
            assert health[0] == 200 and json.loads(health[1])["ok"] is True
            update = {"update_id": 900001, "message": {
                "message_id": 1, "date": 1764300000, "text": "会签文件几天内回复？",
                "chat": {"id": uid, "type": "private", "first_name": "x"},
                "from": {"id": uid, "is_bot": False, "first_name": "x"}}}
            wrong = await asyncio.to_thread(_post, base + "/telegram", update, "wrong")
            assert wrong == 403
            assert await asyncio.to_thread(_post, base + "/telegram", update, secret) == 200
            await api.async_wait_for(to_chat(uid, "第四十八条"))
            assert await asyncio.to_thread(_post, base + "/telegram", update, secret) == 200
            await asyncio.sleep(0.5)
            assert len(api.messages_to(uid)) == 1  # the redelivery was ignored
    run(scenario())


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status, r.read().decode()


def _post(url, body, secret):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json",
                                          "X-Telegram-Bot-Api-Secret-Token": secret})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_an_approver_who_never_started_the_bot_is_reported_and_served_once_they_write(
        api, tg_config, seed_index, ids):
    """Telegram refuses a private chat nobody opened: the applicant and the office hear of
    it at once, with the fix; the request reaches the approver as soon as they write."""
    agri, head = ids["agri"], ids["county_head"]
    assert head not in api.started

    async def scenario():
        async with running(tg_config, seed_index) as service:
            rid = await file_leave(api, agri)
            told = await api.async_wait_for(to_chat(agri, "未能送达"), timeout=20)
            assert "/start" in told["text"] and "示例·县长" in told["text"]
            await api.async_wait_for(to_chat(OFFICE_CHAT, "未能送达"), timeout=20)
            assert service.conversation.unreachable_people().count("示例·县长") == 1
            api.send_text(head, "/start")
            ask = await api.async_wait_for(to_chat(head, f"请假审批】编号 {rid}"), timeout=20)
            api.press(head, ask["message_id"], button(ask, "批准"))
            await api.async_wait_for(to_chat(agri, "已由县长"), timeout=20)
            asks = [t for t in api.messages_to(head) if f"请假审批】编号 {rid}" in t]
            assert len(asks) == 1
    run(scenario())


def test_ask_in_a_group_works_under_privacy_mode(api, tg_config, seed_index, ids):
    """Telegram delivers to a bot in a group only commands, mentions and replies to it:
    /ask asks for a reply, and the reply is answered."""
    uid = ids["agri"]

    async def scenario():
        async with running(tg_config, seed_index):
            api.send_text(uid, "/ask", chat_id=GROUP_CHAT)
            prompt = await api.async_wait_for(to_chat(GROUP_CHAT, "回复"))
            plain = api.send_text(uid, "会签文件几天内回复？", chat_id=GROUP_CHAT)
            assert plain["delivered"] is False            # as on Telegram: never reaches the bot
            api.send_text(uid, "会签文件几天内回复？", chat_id=GROUP_CHAT,
                          reply_to_message_id=prompt["message_id"])
            await api.async_wait_for(to_chat(GROUP_CHAT, "第四十八条"))
    run(scenario())
