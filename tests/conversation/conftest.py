"""Fixtures for the conversation engine and the Telegram adapter: the example roster
with Telegram ids, and a conversation on a fresh database per test."""
from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.conversation.build import open_conversation

EXAMPLE = PROJECT_ROOT / "knowledge" / "roster.example.toml"
OFFICE_CHAT = -1001000000001
GROUP_CHAT = -1001000000002
UNLISTED_GROUP = -1001000000003
STRANGER = 555000111
BOT_USERNAME = "xiping_rules_bot"


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_roster(path: Path) -> dict[str, int]:
    """The example roster with Telegram ids 1001, 1002, … in file order."""
    people = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))["person"]
    ids, blocks = {}, []
    for i, person in enumerate(people):
        person = dict(person, telegram_id=1001 + i)
        ids[person["name"]] = person["telegram_id"]
        blocks.append("[[person]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in person.items()))
    path.write_text("\n".join(blocks), encoding="utf-8")
    return ids


@pytest.fixture(scope="session")
def roster_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("roster") / "roster.toml"
    return path, write_roster(path)


@pytest.fixture(scope="session")
def ids(roster_file) -> dict[str, int]:
    """Roster name → Telegram id. Short aliases for the people the tests use."""
    by_name = roster_file[1]
    return {**by_name,
            "county_head": by_name["示例·县长"], "deputy_b": by_name["示例·副县长乙"],
            "deputy_a": by_name["示例·副县长甲"], "director": by_name["示例·办公室主任"],
            "agri": by_name["示例·农业农村局局长"], "staff": by_name["示例·办公室工作人员"]}


@pytest.fixture
def chat_config(seed_config, roster_file, tmp_path):
    cfg = copy.deepcopy(seed_config)
    cfg.roster.path = roster_file[0]
    cfg.database.url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    cfg.telegram.office_chat_id = OFFICE_CHAT
    cfg.telegram.groups = [GROUP_CHAT]
    return cfg


@pytest.fixture
def api():
    """The Bot API stand-in (tests/botapi.py) on 127.0.0.1."""
    from botapi import BotApiStandIn

    with BotApiStandIn() as server:
        yield server


@pytest.fixture
def tg_config(chat_config, api):
    """chat_config pointed at the stand-in, with quick polling and an ephemeral port."""
    cfg = copy.deepcopy(chat_config)
    cfg.telegram.api_base_url = api.base_url
    cfg.telegram.listen = "127.0.0.1"
    cfg.telegram.port = 0
    cfg.telegram.poll_timeout = 1
    cfg.telegram.typing_after = 0.0  # always show "typing…", so the tests can see it
    return cfg


def observed(conv):
    """Run each `handle` in a unit of work, as the adapters do, and return with its outcome
    what the call queued in the outbox (notifications to others, owed by the services),
    as Messages after the replies: what the actor and the people notified would see."""
    from bot.conversation.messages import Button, Message
    from bot.db import unit_of_work

    real = conv.handle

    def handle(event, prepared=None):
        seen = {m["id"] for m in conv.store.outbox()}
        with unit_of_work(conv.store.engine):
            out = real(event, prepared)
        for row in conv.store.outbox():
            if row["id"] not in seen and row["edit_message_id"] is None:
                rows = tuple(tuple(Button(label, data) for label, data in r) for r in row["buttons"])
                out.messages.append(Message(row["chat_id"], row["text"], rows, row["key"]))
        return out

    conv.handle = handle
    return conv


@pytest.fixture
def make_conversation(chat_config, seed_index):
    """make_conversation(**overrides) -> a Conversation on this test's database; calling
    it again is a restart (same database, fresh objects). See `observed`."""
    def make(clock=None):
        return observed(open_conversation(chat_config, index=seed_index, bot_username=BOT_USERNAME,
                                          clock=clock))
    return make
