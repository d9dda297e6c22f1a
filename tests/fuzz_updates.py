"""Random Telegram updates for fuzzing the bot: well-formed and malformed, of the kinds the
bot handles and of the kinds it does not. Used by tests/conversation/test_faults.py and
bench/fuzz.py. `payloads(rng, users, n)` yields update payloads without update_id, for
`BotApiStandIn.inject`."""
from __future__ import annotations

import collections
import random
import re
import string

COMMANDS = ["/start", "/help", "/ask", "/sign", "/leave", "/myleaves", "/pending", "/back",
            "/remind", "/reminders", "/incident", "/article", "/whoami", "/cancel", "/reload",
            "/nosuch"]
ALPHABETS = [string.printable, "第十二三五条请假出差谁签县长副县长批准驳回会议？！，。 ",
             "²³¹０１２３４５６７８９٣٤", "\u200b\u202e\ufeff\x00\x1b", "😀🎉👍🏻🇨🇳", "\n\t "]
BUTTON_KINDS = ["f", "ap", "rj", "bk", "wd", "rm", "dl", "", "zz"]


def _text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(rng.choice(ALPHABETS)) for _ in range(size))


def _user(rng, users):
    uid = rng.choice(users)
    return {"id": uid, "is_bot": False, "first_name": _text(rng, 5) or "x"}


def _message(rng, users, text=None, chat=None):
    user = _user(rng, users)
    chat = chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    return {"message_id": rng.randrange(1, 10**6), "date": 1764300000, "from": user,
            "chat": chat, "text": text if text is not None else _text(rng, rng.randrange(0, 80))}


def _button_data(rng: random.Random) -> str:
    kind = rng.choice(BUTTON_KINDS)
    fields = [_text(rng, rng.randrange(0, 12)) if rng.random() < 0.5 else
              str(rng.choice([0, 1, 2, -1, 10**20, 2**63])) for _ in range(rng.randrange(0, 4))]
    data = "|".join([kind, *fields])
    raw = data.encode("utf-8")[:64]
    return raw.decode("utf-8", errors="ignore")


def payload(rng: random.Random, users: list[int]) -> dict:
    pick = rng.random()
    if pick < 0.30:   # a message, often a command with a strange argument
        text = _text(rng, rng.randrange(0, 60))
        if rng.random() < 0.6:
            text = f"{rng.choice(COMMANDS)} {text}"
        return {"message": _message(rng, users, text)}
    if pick < 0.50:   # a press with noise for data, on a message the bot may never have sent
        user = _user(rng, users)
        return {"callback_query": {"id": str(rng.randrange(10**9)), "from": user,
                                   "chat_instance": "1", "data": _button_data(rng),
                                   "message": _message(rng, users, "按钮",
                                                       {"id": user["id"], "type": "private"})}}
    if pick < 0.60:   # kinds the bot does not handle
        kind = rng.choice(["edited_message", "channel_post", "edited_channel_post"])
        chat = {"id": -100 - rng.randrange(10**6), "type": "channel", "title": "频道"}
        return {kind: _message(rng, users, chat=chat if "channel" in kind else None)}
    if pick < 0.68:   # a sticker
        message = _message(rng, users)
        message.pop("text")
        message["sticker"] = {"file_id": "s", "file_unique_id": "s", "type": "regular",
                              "width": 512, "height": 512, "is_animated": False, "is_video": False}
        return {"message": message}
    if pick < 0.76:   # polls in any shape
        shapes = [{"id": "1", "question": "?", "options": [], "total_voter_count": 0,
                   "is_closed": False, "is_anonymous": True, "type": "regular",
                   "allows_multiple_answers": False},
                  {"id": 5, "options": "none"}, {}, None, [1, 2]]
        return {"poll": rng.choice(shapes)}
    if pick < 0.84:   # unknown fields, at the top and inside
        message = _message(rng, users)
        message[_text(rng, 6) or "x"] = {"nested": [1, "二"]}
        return {"message": message, "future_update_kind": {"a": 1}}
    if pick < 0.92:   # broken shapes: wrong types where objects belong
        return rng.choice([{"message": {"chat": "oops", "text": "机密"}},
                           {"message": {"message_id": "x", "date": None, "chat": {"id": "a"}}},
                           {"callback_query": {"from": 7, "data": None}},
                           {"message": None}, {"my_chat_member": {"chat": []}}])
    # a group message (addressed or not) from a chat that may not be served
    text = rng.choice(["@xiping_rules_bot ", "/help@xiping_rules_bot ", "/ask ", ""]) + _text(rng, 30)
    return {"message": _message(rng, users, text, {"id": -1001000000002 - rng.randrange(2),
                                                    "type": "supergroup", "title": "群"})}


def payloads(rng: random.Random, users: list[int], n: int):
    for _ in range(n):
        yield payload(rng, users)


def huge_command(size: int = 1 << 20) -> str:
    return "/ask " + "请" * size


_ARTICLE = re.compile(r"【原文】第(\S+?)条")


def lost_and_duplicated(sent: list[dict], asked: dict[int, list[int]]) -> tuple[int, int]:
    """Pair the stand-in's sendMessage records with the article numbers each chat asked
    for (`/article N` or "第N条说的什么"; the answer quotes 【原文】第N条): how many asked
    got no answer, and how many answers came more than once."""
    from ingest.numerals import to_numeral

    got: dict[int, collections.Counter] = {}
    for r in sent:
        if r["method"] == "sendMessage" and r["chat_id"] in asked:
            m = _ARTICLE.search(r["text"] or "")
            got.setdefault(r["chat_id"], collections.Counter())[m.group(1) if m else "?"] += 1
    lost = dup = 0
    for uid, numbers in asked.items():
        want = collections.Counter(to_numeral(n) for n in numbers)
        have = got.get(uid, collections.Counter())
        lost += sum((want - have).values())
        dup += sum((have - want).values())
    return lost, dup
