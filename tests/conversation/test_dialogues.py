"""Scripted multi-turn dialogues (tests/conversation/dialogues.toml) run through the
conversation engine on a fresh database each, asserting on outcomes: the ledger (state,
audit actions), the outbox (who was sent what), reminders, the person's form — and on the
reply only where the reply is the outcome (a refusal, the fact asked for).

A dialogue: `clock` (Shanghai local, optional: the real time otherwise), `office_chat`
(default true), and turns. A turn acts as `as` (a roster name, or an alias below), either
`say` (text) or `press` (a button label on the newest message that person received), in a
`group` chat when asked — after a restart of the bot (new objects, same database) when it
says `restart = true` — then checks any of:
  reply_has / reply_lacks      substrings of the replies to the actor
  first_line_has              substring of the first line of the first reply
  to      {who = contains}    a message newly queued for someone else
  not_to  [who, ...]          nobody of these was sent anything new
  ledger  {state, count, applicant}   the newest request (count: all requests)
  audit   [actions]           the newest request's audit actions, in order
  reminders  N                active reminders in the actor's chat
  flow    "name:step" | "none"  the actor's form afterwards
  popup_has                   the pop-up answering a press
"""
from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

import pytest

from bot.conversation.messages import Event
from tests.clock import Clock, SHANGHAI
from tests.conversation.conftest import GROUP_CHAT, OFFICE_CHAT, observed
from bot.conversation.build import open_conversation

DIALOGUES = tomllib.loads((Path(__file__).parent / "dialogues.toml").read_text(encoding="utf-8"))["dialogue"]
ALIASES = {"county_head": "示例·县长", "exec_deputy": "示例·常务副县长", "deputy_a": "示例·副县长甲",
           "deputy_b": "示例·副县长乙", "director": "示例·办公室主任", "agri": "示例·农业农村局局长",
           "edu": "示例·教育局局长", "town": "示例·出山镇镇长", "staff": "示例·办公室工作人员",
           "office": "office"}


def _chat_of(who: str, ids: dict) -> int:
    name = ALIASES.get(who, who)
    return OFFICE_CHAT if name == "office" else ids[name]


class Run:
    def __init__(self, conv, ids):
        self.conv, self.ids = conv, ids
        self.latest: dict[int, object] = {}   # chat → newest message with buttons
        self.next_message_id = 100

    def act(self, turn: dict):
        uid = _chat_of(turn["as"], self.ids)
        chat = GROUP_CHAT if turn.get("group") else uid
        seen = {m["id"] for m in self.conv.store.outbox()}
        if "press" in turn:
            message = self.latest[chat]
            data = {b.label: b.data for row in message.buttons for b in row}
            assert turn["press"] in data, f"no button {turn['press']!r}; have {list(data)}"
            event = Event(uid, chat, chat == uid, callback=data[turn["press"]],
                          message_id=self.next_message_id)
        else:
            event = Event(uid, chat, chat == uid, text=turn["say"], message_id=self.next_message_id,
                          addressed=True)
        self.next_message_id += 1
        out = self.conv.handle(event)
        for m in out.messages:
            if m.buttons:
                self.latest[m.chat_id] = m
        new = [r for r in self.conv.store.outbox() if r["id"] not in seen]
        return uid, chat, out, new


def _newest_request(conv):
    views = conv.leave.ledger.all()
    return views[0] if views else None


@pytest.mark.parametrize("dialogue", DIALOGUES, ids=[d["name"] for d in DIALOGUES])
def test_dialogue(dialogue, chat_config, seed_index, ids):
    if not dialogue.get("office_chat", True):
        chat_config.telegram.office_chat_id = 0
    clock = None
    if dialogue.get("clock"):
        clock = Clock(datetime.fromisoformat(dialogue["clock"]).replace(tzinfo=SHANGHAI))
    conv = observed(open_conversation(chat_config, index=seed_index, bot_username="xiping_rules_bot",
                                      clock=clock))
    run = Run(conv, ids)
    for number, turn in enumerate(dialogue["turn"], 1):
        where = f"{dialogue['name']}, turn {number} ({turn.get('say') or turn.get('press')})"
        if turn.get("restart"):
            conv = run.conv = observed(open_conversation(chat_config, index=seed_index,
                                                         bot_username="xiping_rules_bot", clock=clock))
        uid, chat, out, new = run.act(turn)
        replies = [m.text for m in out.messages if m.chat_id == chat]
        text = "\n".join(replies + [e.text for e in out.edits])
        for part in turn.get("reply_has", []):
            assert part in text, f"{where}: {part!r} not in reply:\n{text}"
        for part in turn.get("reply_lacks", []):
            assert part not in text, f"{where}: {part!r} in reply:\n{text}"
        if "first_line_has" in turn:
            first = replies[0].splitlines()[0] if replies else ""
            assert turn["first_line_has"] in first, f"{where}: first line is {first!r}"
        if "popup_has" in turn:
            assert out.notice and turn["popup_has"] in out.notice, f"{where}: pop-up {out.notice!r}"
        for who, part in turn.get("to", {}).items():
            target = _chat_of(who, ids)
            got = [r["text"] for r in new if r["chat_id"] == target]
            assert any(part in t for t in got), f"{where}: nothing with {part!r} queued to {who}: {got}"
        for who in turn.get("not_to", []):
            target = _chat_of(who, ids)
            assert not [r for r in new if r["chat_id"] == target], f"{where}: {who} was sent something"
        if "ledger" in turn:
            expect = turn["ledger"]
            view = _newest_request(conv)
            if "count" in expect:
                assert len(conv.leave.ledger.all()) == expect["count"], where
            if "state" in expect:
                assert view is not None and view.state == expect["state"], f"{where}: {view and view.state}"
            if "applicant" in expect:
                assert view.applicant == ALIASES.get(expect["applicant"], expect["applicant"]), where
        if "audit" in turn:
            view = _newest_request(conv)
            actions = [a.action for a in conv.leave.ledger.audit(view.id)]
            assert actions == turn["audit"], f"{where}: audit {actions}"
        if "reminders" in turn:
            assert len(conv.remind.reminders.list(chat)) == turn["reminders"], where
        if "flow" in turn:
            flow, _ = conv.store.flow(chat, uid)
            got = "none" if flow is None else f"{flow.name}:{flow.step}"
            assert got == turn["flow"], f"{where}: flow {got}"


def test_there_are_enough_dialogues_and_each_checks_an_outcome():
    outcome_keys = {"to", "not_to", "ledger", "audit", "reminders", "flow", "popup_has"}
    assert len(DIALOGUES) >= 60
    for d in DIALOGUES:
        assert any(outcome_keys & set(t) for t in d["turn"]), f"{d['name']} checks no outcome"


# -- a subset through the real Telegram adapter and the strict Bot API stand-in -------------
THROUGH_TELEGRAM = ["leave-through-the-whole-chain", "reject-with-a-reason",
                    "withdraw-tells-the-waiting-approver",
                    "a-deputys-absence-is-reported-to-the-county-head-and-the-partner",
                    "a-question-mid-form-is-answered-and-the-form-waits", "back-with-a-superscript",
                    "thanks", "ask-in-a-group-asks-for-a-reply", "a-reminder-in-free-text-is-offered"]


@pytest.mark.parametrize("name", THROUGH_TELEGRAM)
def test_dialogue_through_telegram(name, api, tg_config, seed_index, ids):
    import asyncio

    from bot.telegram.service import TelegramService
    from tests.conversation.test_telegram import TOKEN

    dialogue = next(d for d in DIALOGUES if d["name"] == name)
    clock = None
    if dialogue.get("clock"):
        clock = Clock(datetime.fromisoformat(dialogue["clock"]).replace(tzinfo=SHANGHAI))
    api.started.update(ids[n] for n in ALIASES.values() if n in ids)   # all of them use the bot

    def latest_with_buttons(chat):
        for record in reversed(api.sent):
            if record["chat_id"] == chat and api.buttons(record):
                return record
        return None

    async def settled(service):
        for _ in range(400):
            await asyncio.sleep(0.05)
            inbox = await asyncio.to_thread(service.inbox.counts)
            outbox = await asyncio.to_thread(service.store.pending, 10)
            if api.pending_updates() == 0 and not inbox.get("pending") and not outbox:
                return
        raise AssertionError("the bot did not settle")

    async def scenario():
        service = TelegramService(tg_config, TOKEN, open_conversation(tg_config, index=seed_index,
                                                                      clock=clock))
        await service.start()
        try:
            for number, turn in enumerate(dialogue["turn"], 1):
                where = f"{name}, turn {number}"
                uid = _chat_of(turn["as"], ids)
                chat = GROUP_CHAT if turn.get("group") else uid
                sent_before = len(api.sent)
                seen = {m["id"] for m in service.store.outbox()}
                if "press" in turn:
                    record = latest_with_buttons(chat)
                    data = dict(api.buttons(record))[turn["press"]]
                    api.press(uid, record["message_id"], data, chat_id=chat if chat != uid else None)
                elif chat != uid and turn["say"].startswith("/"):
                    api.send_text(uid, turn["say"], chat_id=chat)
                elif chat != uid:   # in a group, answer the bot's prompt as a reply (privacy mode)
                    last = next(r for r in reversed(api.sent) if r["chat_id"] == chat)
                    api.send_text(uid, turn["say"], chat_id=chat, reply_to_message_id=last["message_id"])
                else:
                    api.send_text(uid, turn["say"])
                await settled(service)
                replies = "\n".join(r["text"] or "" for r in api.sent[sent_before:] if r["chat_id"] == chat)
                for part in turn.get("reply_has", []):
                    assert part in replies, f"{where}: {part!r} not in {replies!r}"
                for part in turn.get("reply_lacks", []):
                    assert part not in replies, f"{where}: {part!r} in {replies!r}"
                new = [r for r in service.store.outbox() if r["id"] not in seen]
                for who, part in turn.get("to", {}).items():
                    target = _chat_of(who, ids)
                    delivered = [r["text"] for r in api.sent[sent_before:] if r["chat_id"] == target]
                    assert any(part in t for t in delivered), f"{where}: {who} got {delivered}"
                for who in turn.get("not_to", []):
                    assert not [r for r in new if r["chat_id"] == _chat_of(who, ids)], where
                if "ledger" in turn and "state" in turn["ledger"]:
                    view = _newest_request(service.conversation)
                    assert view is not None and view.state == turn["ledger"]["state"], where
                if "flow" in turn:
                    flow, _ = service.store.flow(chat, uid)
                    got = "none" if flow is None else f"{flow.name}:{flow.step}"
                    assert got == turn["flow"], f"{where}: flow {got}"
                if "reminders" in turn:
                    assert len(service.conversation.remind.reminders.list(chat)) == turn["reminders"], where
        finally:
            await service.stop()
    asyncio.run(asyncio.wait_for(scenario(), 180))
