"""Tests of the Bot API stand-in (tests/botapi.py) with plain httpx and a real PTB Bot."""
from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import time

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyParameters,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from botapi import BOT_ID, BotApiStandIn, auto_entities, parse_html, utf16_len

TOKEN = "7000000001:AAstand-in-token_for_tests"
USER = 424242
GROUP = -1001234567890


@pytest.fixture
def api():
    with BotApiStandIn() as standin:
        standin.started.add(USER)  # USER has written to the bot before
        yield standin


def test_a_bot_cannot_open_a_private_chat_nobody_started(api):
    from telegram.error import Forbidden
    stranger = USER + 1
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        run(lambda bot: bot.send_message(stranger, "你好"), api)
    api.send_text(stranger, "/start")
    assert run(lambda bot: bot.send_message(stranger, "你好"), api).chat.id == stranger


def test_privacy_mode_delivers_only_commands_mentions_and_replies_in_groups(api):
    plain = api.send_text(USER, "大家好", chat_id=GROUP)
    assert plain["delivered"] is False
    api.send_text(USER, "/help", chat_id=GROUP)
    api.send_text(USER, "/help@other_bot", chat_id=GROUP + 1)
    api.send_text(USER, f"@{api.username} 在吗", chat_id=GROUP)
    bot_message = run(lambda bot: bot.send_message(GROUP, "请回复"), api)
    api.send_text(USER, "回复内容", chat_id=GROUP, reply_to_message_id=bot_message.message_id)
    texts = [u["message"]["text"] for u in api.injected]
    assert texts == ["/help", f"@{api.username} 在吗", "回复内容"]


def run(coro_fn, api: BotApiStandIn, token: str = TOKEN):
    """Run ``coro_fn(bot)`` inside ``async with Bot(...)`` in a fresh event loop."""

    async def main():
        async with Bot(token, base_url=api.base_url) as bot:
            return await coro_fn(bot)

    return asyncio.run(main())


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data)]
                                 for text, data in pairs])


def post(api: BotApiStandIn, method: str, token: str = TOKEN, **kwargs) -> httpx.Response:
    return httpx.post(f"{api.base_url}{token}/{method}", timeout=5, **kwargs)


# ---------------------------------------------------------------------------- basics

def test_get_me_through_ptb_and_token_recorded(api):
    me = run(lambda bot: bot.get_me(), api)
    assert me.id == BOT_ID and me.is_bot
    assert me.first_name == "西平规则助手"
    assert me.username == "xiping_rules_bot"
    assert me.can_join_groups is True
    assert api.base_url == f"http://127.0.0.1:{api.port}/bot"
    assert api.tokens_seen == {TOKEN}
    # Bot.initialize() calls getMe as well, so there are two calls.
    assert [c["method"] for c in api.calls] == ["getMe", "getMe"]
    assert all(c["status"] == 200 and c["token"] == TOKEN for c in api.calls)


def test_custom_username_and_token_check():
    with BotApiStandIn(username="other_test_bot", token=TOKEN) as api:
        assert run(lambda bot: bot.get_me(), api).username == "other_test_bot"
        with pytest.raises(InvalidToken):
            run(lambda bot: bot.get_me(), api, token="1:wrong")
        assert api.tokens_seen == {TOKEN, "1:wrong"}
        assert api.calls[-1]["status"] == 401


def test_unknown_method_is_404_and_method_names_are_case_insensitive(api):
    response = post(api, "noSuchMethod", json={"x": 1})
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404,
                               "description": "Not Found: method not found"}
    response = post(api, "GETME")
    assert response.status_code == 200 and response.json()["result"]["id"] == BOT_ID
    assert [(c["method"], c["status"]) for c in api.calls] == [("noSuchMethod", 404),
                                                               ("getMe", 200)]
    assert httpx.get(f"http://127.0.0.1:{api.port}/elsewhere").status_code == 404

    async def unknown(bot):
        return await bot.do_api_request("no_such_method")

    with pytest.raises(EndPointNotFound):
        run(unknown, api)


# ---------------------------------------------------------------------------- parameter parsing

def test_parameters_from_json_urlencoded_and_multipart(api):
    markup = {"inline_keyboard": [[{"text": "是", "callback_data": "yes"}]]}
    # JSON body: values already typed.
    r1 = post(api, "sendMessage", json={"chat_id": USER, "text": "一", "reply_markup": markup})
    # url-encoded form as PTB sends it: non-strings JSON-dumped; text "42" must stay a string.
    r2 = post(api, "sendMessage", data={"chat_id": str(USER), "text": "42",
                                        "reply_markup": json.dumps(markup),
                                        "disable_notification": "true"})
    # multipart form with a file.
    r3 = post(api, "sendDocument", data={"chat_id": str(USER), "caption": "附件"},
              files={"document": ("rules.pdf", b"%PDF-1.4 tiny", "application/pdf")})
    assert [r.status_code for r in (r1, r2, r3)] == [200, 200, 200]
    first, second, third = api.sent
    assert first["params"]["reply_markup"] == markup
    assert second["text"] == "42" and second["params"]["chat_id"] == USER
    assert second["params"]["disable_notification"] is True
    assert second["reply_markup"] == markup
    assert third["method"] == "sendDocument" and third["text"] == "附件"
    assert third["document"]["filename"] == "rules.pdf"
    assert third["document"]["data"] == b"%PDF-1.4 tiny"
    assert r3.json()["result"]["document"]["file_name"] == "rules.pdf"
    assert [r.json()["result"]["message_id"] for r in (r1, r2, r3)] == [1, 2, 3]


def test_ptb_nested_objects_arrive_decoded(api):
    async def scenario(bot):
        await bot.send_message(USER, "看这里", entities=[MessageEntity("bold", 0, 2)],
                               reply_markup=keyboard(("一", "a")))
        await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("help", "帮助")])
        await bot.get_updates(timeout=0, allowed_updates=["message", "callback_query"])

    run(scenario, api)
    params = api.sent[0]["params"]
    assert params["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    assert params["reply_markup"] == {"inline_keyboard": [[{"text": "一", "callback_data": "a"}]]}
    assert api.commands == [{"command": "start", "description": "开始"},
                            {"command": "help", "description": "帮助"}]
    assert api.allowed_updates == ["message", "callback_query"]
    (updates_call,) = [c for c in api.calls if c["method"] == "getUpdates"]
    assert updates_call["params"]["allowed_updates"] == ["message", "callback_query"]
    assert updates_call["params"]["timeout"] == 0


# ---------------------------------------------------------------------------- sending

def test_send_message_returns_full_message_with_increasing_ids(api):
    api.send_text(USER, "你好", first_name="张三")
    markup = keyboard(("同意", "ok"), ("驳回", "no"))

    async def scenario(bot):
        first = await bot.send_message(USER, "第一条", reply_markup=markup)
        second = await bot.send_message(USER, "第二条")
        group = await bot.send_message(GROUP, "群消息")
        return first, second, group

    first, second, group = run(scenario, api)
    # The user's message took id 1 in the private chat; ids are per chat.
    assert (first.message_id, second.message_id, group.message_id) == (2, 3, 1)
    assert first.from_user.id == BOT_ID and first.from_user.is_bot
    assert first.chat.id == USER and first.chat.type == "private"
    assert first.chat.first_name == "张三"
    assert group.chat.type == "supergroup" and group.chat.title
    assert isinstance(first.date, dtm.datetime)
    assert abs(first.date.timestamp() - time.time()) < 60
    assert isinstance(first.reply_markup, InlineKeyboardMarkup)
    assert first.reply_markup == markup
    assert second.reply_markup is None
    assert api.messages_to(USER) == ["第一条", "第二条"]
    assert api.buttons(api.sent[0]) == [("同意", "ok"), ("驳回", "no")]
    assert api.buttons(first) == [("同意", "ok"), ("驳回", "no")]
    assert [(r["method"], r["chat_id"], r["message_id"]) for r in api.sent] == [
        ("sendMessage", USER, 2), ("sendMessage", USER, 3), ("sendMessage", GROUP, 1)]


def test_reply_parameters_embed_the_replied_message(api):
    update = api.send_text(USER, "请问年假几天？")
    asked = update["message"]["message_id"]

    async def scenario(bot):
        return await bot.send_message(USER, "五天",
                                      reply_parameters=ReplyParameters(asked))

    reply = run(scenario, api)
    assert reply.reply_to_message.message_id == asked
    assert reply.reply_to_message.text == "请问年假几天？"

    async def missing(bot):
        return await bot.send_message(USER, "x", reply_parameters=ReplyParameters(999))

    with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
        run(missing, api)


def test_html_parse_mode_and_text_validation(api):
    text, entities = parse_html('<b>粗</b> &lt;i&gt; <a href="https://x.cn/?a=1&amp;b=2">链</a>')
    assert text == "粗 <i> 链"
    assert entities == [{"type": "bold", "offset": 0, "length": 1},
                        {"type": "text_link", "offset": 6, "length": 1,
                         "url": "https://x.cn/?a=1&b=2"}]

    async def html(bot, text):
        return await bot.send_message(USER, text, parse_mode="HTML")

    sent = run(lambda bot: html(bot, "  <b>第五十五条</b> 请假\n"), api)
    assert sent.text == "第五十五条 请假"  # Telegram strips surrounding whitespace
    assert sent.entities == (MessageEntity("bold", 0, 5),)
    for bad, fragment in (("a < b", 'Unsupported start tag ""'),
                          ("<b>x", 'start tag "b"'),
                          ("<b>x</i>", "Unmatched end tag"),
                          ("x<br/>y", 'Unsupported start tag "br/"')):
        with pytest.raises(BadRequest, match="(?i)can't parse entities") as info:
            run(lambda bot, bad=bad: html(bot, bad), api)
        assert fragment.lower() in str(info.value).lower()
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        run(lambda bot: bot.send_message(USER, "   "), api)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        run(lambda bot: bot.send_message(USER, "字" * 4097), api)
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        run(lambda bot: bot.send_message(USER, "x", reply_markup=keyboard(("a", "d" * 65))), api)
    assert api.messages_to(USER) == ["第五十五条 请假"]


def test_blocked_chats_give_forbidden(api):
    api.blocked_chats.add(USER)
    api.blocked_chats.add(GROUP)
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        run(lambda bot: bot.send_message(USER, "hi"), api)
    with pytest.raises(Forbidden, match="(?i)bot was kicked from the supergroup chat"):
        run(lambda bot: bot.send_message(GROUP, "hi"), api)
    with pytest.raises(Forbidden):
        run(lambda bot: bot.send_chat_action(USER, "typing"), api)
    assert api.sent == []
    assert [c["status"] for c in api.calls if c["method"] == "sendMessage"] == [403, 403]
    api.blocked_chats.discard(USER)
    assert run(lambda bot: bot.send_message(USER, "hi"), api).text == "hi"


def test_strict_chats_reject_unknown_chats():
    with BotApiStandIn(strict_chats=True) as api:
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            run(lambda bot: bot.send_message(USER, "hi"), api)
        api.send_text(USER, "hello")
        assert run(lambda bot: bot.send_message(USER, "hi"), api).chat.id == USER


# ---------------------------------------------------------------------------- updates

def test_long_poll_wakes_on_injected_update_with_utf16_entities(api):
    texts = ["/start@xiping_rules_bot", "👍 请问 @xiping_rules_bot 年假",
             "/help 第二 /lookup"]

    def inject():
        for text in texts:
            api.send_text(USER, text, first_name="李四", username="lisi")

    async def scenario(bot):
        timer = threading.Timer(0.3, inject)
        started = time.monotonic()
        timer.start()
        updates = await bot.get_updates(timeout=8)
        waited = time.monotonic() - started
        while len(updates) < len(texts):  # the poll may wake before all three are queued
            await asyncio.sleep(0.02)
            updates = await bot.get_updates(timeout=2)  # unconfirmed ones come again
        return waited, updates

    waited, updates = run(scenario, api)
    assert 0.2 < waited < 3
    assert [u.message.text for u in updates] == texts
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == 3

    command = updates[0].message
    assert command.entities == (MessageEntity("bot_command", 0, 23),)
    assert command.parse_entities() == {command.entities[0]: "/start@xiping_rules_bot"}
    assert command.from_user.username == "lisi" and command.chat.first_name == "李四"

    mention = updates[1].message
    # "👍" is two UTF-16 units: the mention starts at 2 + len(" 请问 ") = 6.
    assert mention.entities == (MessageEntity("mention", 6, 17),)
    assert mention.parse_entity(mention.entities[0]) == "@xiping_rules_bot"

    several = updates[2].message
    assert [several.parse_entity(e) for e in several.entities] == ["/help", "/lookup"]

    # Not confirmed yet: a new poll returns them again; offset confirms and drops them.
    async def repoll(bot):
        again = await bot.get_updates(timeout=0, limit=2)
        confirmed = await bot.get_updates(offset=ids[-1] + 1, timeout=0)
        return again, confirmed

    assert api.pending_updates() == 3
    again, confirmed = run(repoll, api)
    assert [u.update_id for u in again] == ids[:2]
    assert confirmed == ()
    assert api.pending_updates() == 0


def test_auto_entities_helper_offsets():
    assert utf16_len("👍a") == 3
    assert auto_entities("邮件 a@b.cn 和 @xiping_rules_bot") == [
        {"type": "mention", "offset": 12, "length": 17}]
    assert auto_entities("/start") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert auto_entities("路径 a/b 不是命令") == []


def test_group_message_and_reply_to_bot_message(api):
    bot_message = run(lambda bot: bot.send_message(GROUP, "请选择", reply_markup=keyboard(
        ("是", "y"))), api)
    api.send_text(USER, "@xiping_rules_bot 年假", GROUP, chat_type="group", title="办公室")
    api.send_text(USER, "这条是回复", GROUP, reply_to_message_id=bot_message.message_id)

    updates = run(lambda bot: bot.get_updates(timeout=1), api)
    first, second = (u.message for u in updates)
    assert first.chat.type == "group" and first.chat.title == "办公室"
    assert first.chat.id == GROUP and first.from_user.id == USER
    assert first.entities[0].type == "mention" and first.entities[0].offset == 0
    assert second.reply_to_message.from_user.id == BOT_ID
    assert second.reply_to_message.text == "请选择"
    with pytest.raises(KeyError):
        api.send_text(USER, "x", GROUP, reply_to_message_id=999)


def test_press_yields_callback_query_on_the_bot_message(api):
    async def scenario(bot):
        sent = await bot.send_message(USER, "批准吗？",
                                      reply_markup=keyboard(("批准", "approve:7")))
        update = api.press(USER, sent.message_id, "approve:7")
        (received,) = await bot.get_updates(timeout=2)
        query = received.callback_query
        assert received.update_id == update["update_id"]
        assert query.id == update["callback_query"]["id"] and query.chat_instance
        assert query.data == "approve:7" and query.from_user.id == USER
        assert query.message.message_id == sent.message_id
        assert query.message.from_user.id == BOT_ID
        assert query.message.reply_markup == sent.reply_markup
        assert await query.answer("已批准", show_alert=True) is True
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await bot.answer_callback_query(query.id)  # a query is answered once
        with pytest.raises(BadRequest, match="(?i)query ID is invalid"):
            await bot.answer_callback_query("made-up")
        return query

    query = run(scenario, api)
    assert api.callback_answers[0]["callback_query_id"] == query.id
    assert api.callback_answers[0]["text"] == "已批准"
    assert api.callback_answers[0]["show_alert"] is True
    with pytest.raises(ValueError, match="(?i)no button"):
        api.press(USER, query.message.message_id, "approve:8")
    with pytest.raises(KeyError):
        api.press(USER, 999, "approve:7")
    second = api.press(USER, query.message.message_id, "approve:7")
    assert second["callback_query"]["id"] != query.id


def test_edit_message_text_and_markup(api):
    async def scenario(bot):
        sent = await bot.send_message(USER, "待审批", reply_markup=keyboard(("批准", "a")))
        edited = await bot.edit_message_text("已批准", chat_id=USER, message_id=sent.message_id,
                                             reply_markup=keyboard(("撤销", "u")))
        assert edited.text == "已批准" and edited.edit_date is not None
        assert api.buttons(edited) == [("撤销", "u")]
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("已批准", chat_id=USER, message_id=sent.message_id,
                                        reply_markup=keyboard(("撤销", "u")))
        # Without reply_markup, Telegram drops the keyboard.
        plain = await bot.edit_message_text("已完成", chat_id=USER, message_id=sent.message_id)
        assert plain.reply_markup is None
        marked = await bot.edit_message_reply_markup(chat_id=USER, message_id=sent.message_id,
                                                     reply_markup=keyboard(("重开", "r")))
        assert marked.text == "已完成"
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await bot.edit_message_text("x", chat_id=USER, message_id=999)
        return sent

    sent = run(scenario, api)
    assert api.messages_to(USER) == ["已完成"]
    assert api.message(USER, sent.message_id)["reply_markup"] == {
        "inline_keyboard": [[{"text": "重开", "callback_data": "r"}]]}
    assert [(r["method"], r["text"]) for r in api.sent] == [
        ("sendMessage", "待审批"), ("editMessageText", "已批准"),
        ("editMessageText", "已完成"),
        ("editMessageReplyMarkup", "已完成")]


# ---------------------------------------------------------------------------- other methods

def test_chat_action_commands_webhook_chat_and_lifecycle(api):
    async def scenario(bot):
        assert await bot.send_chat_action(USER, "typing") is True
        with pytest.raises(BadRequest, match="(?i)wrong parameter action"):
            await bot.send_chat_action(USER, "dancing")
        await bot.set_my_commands([BotCommand("lookup", "查询")])
        await bot.set_my_commands([BotCommand("admin", "管理")],
                                  scope={"type": "all_private_chats"})
        assert [c.command for c in await bot.get_my_commands()] == ["lookup"]
        with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("Lookup", "大写不行")])
        assert await bot.delete_my_commands() is True
        assert await bot.get_my_commands() == ()

        assert await bot.set_webhook("https://example.invalid/hook", secret_token="s3") is True
        info = await bot.get_webhook_info()
        assert info.url == "https://example.invalid/hook"
        with pytest.raises(Conflict, match="(?i)webhook is active"):
            await bot.get_updates(timeout=0)
        assert await bot.delete_webhook() is True
        assert (await bot.get_webhook_info()).url == ""

        chat = await bot.get_chat(GROUP)
        assert chat.id == GROUP and chat.type == "supergroup"
        assert await bot.log_out() is True
        assert await bot.close() is True

    run(scenario, api)
    assert api.chat_actions == [{"chat_id": USER, "action": "typing",
                                 "params": {"chat_id": USER, "action": "typing"},
                                 "time": api.chat_actions[0]["time"]}]
    assert api.commands == []
    assert api.commands_for({"type": "all_private_chats"}) == [
        {"command": "admin", "description": "管理"}]
    assert api.webhook is None
    assert {"logOut", "close"} <= {c["method"] for c in api.calls}


# ---------------------------------------------------------------------------- faults

def test_fail_next_raises_network_error_once(api):
    api.fail_next("sendMessage", 1, status=500)

    async def scenario(bot):
        with pytest.raises(NetworkError) as info:
            await bot.send_message(USER, "一")
        assert not isinstance(info.value, (Forbidden, BadRequest))
        return await bot.send_message(USER, "二")

    assert run(scenario, api).text == "二"
    sends = [c for c in api.calls if c["method"] == "sendMessage"]
    assert [(c["status"], c["fault"]) for c in sends] == [(500, "fail"), (200, None)]
    assert [r["text"] for r in api.sent] == ["二"]
    response = httpx.post(f"{api.base_url}{TOKEN}/getMe")
    assert response.status_code == 200


def test_fail_next_wildcard_and_custom_status(api):
    api.fail_next("*", 2, status=502)
    first = post(api, "getMe")
    second = post(api, "whatever")
    third = post(api, "getMe")
    assert (first.status_code, second.status_code, third.status_code) == (502, 502, 200)
    assert first.json() == {"ok": False, "error_code": 502, "description": "Bad Gateway"}


def test_rate_limit_next_raises_retry_after(api):
    api.rate_limit_next("sendMessage", 1, retry_after=3)

    async def scenario(bot):
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(USER, "一")
        return info.value

    error = run(scenario, api)
    seconds = error._retry_after.total_seconds()  # avoids PTB's int/timedelta deprecation
    assert seconds == 3
    raw = post(api, "sendMessage", json={"chat_id": USER, "text": "x"})
    assert raw.status_code == 200
    sends = [c for c in api.calls if c["method"] == "sendMessage"]
    assert [(c["status"], c["fault"]) for c in sends] == [(429, "rate_limit"), (200, None)]

    api.rate_limit_next("sendMessage", 1, retry_after=5)
    body = post(api, "sendMessage", json={"chat_id": USER, "text": "x"}).json()
    assert body == {"ok": False, "error_code": 429,
                    "description": "Too Many Requests: retry after 5",
                    "parameters": {"retry_after": 5}}


def test_delay_next_holds_the_answer(api):
    api.delay_next("getMe", 0.4)
    started = time.monotonic()
    assert post(api, "getMe").status_code == 200
    assert time.monotonic() - started >= 0.35
    started = time.monotonic()
    assert post(api, "getMe").status_code == 200
    assert time.monotonic() - started < 0.3
    assert api.calls[0]["delay"] == 0.4 and api.calls[1]["delay"] is None


# ---------------------------------------------------------------------------- waiting, lifecycle

def test_wait_for_blocks_until_the_bot_acts_and_dumps_on_timeout(api):
    def later():
        time.sleep(0.2)
        post(api, "sendMessage", json={"chat_id": USER, "text": "迟到的回复"})

    threading.Thread(target=later).start()
    record = api.wait_for(lambda r: r["chat_id"] == USER, timeout=5)
    assert record["text"] == "迟到的回复"

    with pytest.raises(AssertionError) as info:
        api.wait_for(lambda r: r["text"] == "永远不会", timeout=0.2)
    assert "迟到的回复" in str(info.value) and "sendMessage -> 200" in str(info.value)

    since = len(api.sent)
    with pytest.raises(AssertionError):
        api.wait_for(timeout=0.1, since=since)

    async def in_loop():
        with pytest.raises(RuntimeError, match="(?i)async_wait_for"):
            api.wait_for(timeout=0.1)
        threading.Timer(0.1, lambda: post(api, "sendChatAction",
                                          json={"chat_id": USER, "action": "typing"})).start()
        return await api.async_wait_for(source="chat_actions", timeout=5)

    assert asyncio.run(in_loop())["action"] == "typing"

    api.reset_records()
    assert api.sent == [] and api.calls == [] and api.chat_actions == []
    assert api.messages_to(USER) == ["迟到的回复"]  # stored messages survive a reset


def test_stop_releases_a_pending_long_poll():
    api = BotApiStandIn().start()
    result: dict = {}

    def poll():
        try:
            result["response"] = post(api, "getUpdates", json={"timeout": 30})
        except httpx.HTTPError as exc:  # the server went away: also acceptable
            result["error"] = exc

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.3)
    started = time.monotonic()
    api.stop()
    poller.join(5)
    assert time.monotonic() - started < 4
    assert not poller.is_alive()
    if "response" in result:
        assert result["response"].json() == {"ok": True, "result": []}
    api.stop()  # idempotent
