"""Input that cannot trip the bot: the strict parsers, regressions found by fuzzing the
Telegram service, and property tests over `Conversation.handle` with arbitrary text and
button data — no exception escapes, a typed command always gets a reply, and rejected
button data changes nothing in the database."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import text

from bot.conversation.inputs import MAX_ID, Press, parse_choice, parse_id, parse_iso_date, parse_press
from bot.conversation.messages import Event
from tests.conversation.test_conversation import buttons, file_leave, press, private, request_id

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# -- the parsers ----------------------------------------------------------------------------
@given(st.text(max_size=40))
def test_parse_id_accepts_only_ascii_decimal_in_column_range(s):
    value = parse_id(s)
    if value is not None:
        assert s.isascii() and s.isdigit() and 0 < value <= MAX_ID and str(value) == s.lstrip("0")


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_parse_id_round_trips_every_valid_id(n):
    assert parse_id(str(n)) == n


@pytest.mark.parametrize("s", ["²", "１２", "0", "-3", "9" * 20, str(MAX_ID + 1), "12\n", " 12", "1_0"])
def test_parse_id_refuses(s):
    assert parse_id(s) is None


@given(st.text(max_size=16))
def test_parse_iso_date_is_a_real_date_or_none(s):
    d = parse_iso_date(s)
    assert d is None or d.isoformat() == s


@pytest.mark.parametrize("s", ["2026-02-29", "2025-01-01\n", "2025-13-01", "２０２５-01-01", "2025-1-1"])
def test_parse_iso_date_refuses(s):
    assert parse_iso_date(s) is None


def test_parse_iso_date_accepts_a_leap_day():
    assert parse_iso_date("2028-02-29") == date(2028, 2, 29)


@given(st.text(max_size=8), st.integers(min_value=0, max_value=12))
def test_parse_choice_is_an_index_into_the_options(s, n):
    i = parse_choice(s, n)
    assert i is None or 0 <= i < n


@given(st.text(max_size=64))
def test_parse_press_never_raises_and_returns_fields_it_checked(s):
    p = parse_press(s)
    if p is None:
        return
    assert isinstance(p, Press)
    if p.kind in ("ap", "rj", "bk", "wd", "rm"):
        assert p.id is not None and 0 < p.id <= MAX_ID
    if p.kind == "dl":
        assert isinstance(p.day, date)


@pytest.mark.parametrize("data", ["ap|²|1", "ap|1|²", "dl|2026-02-29", "dl|2025-01-01\n",
                                  "rm|99999999999999999999", "f|zz|0", "f|0123abcd|", "ap", "",
                                  "bk|1|2|3", "wd|-1"])
def test_parse_press_refuses_forged_data(data):
    assert parse_press(data) is None


# -- regressions -----------------------------------------------------------------------------
def _db_state(conv) -> dict:
    """Every row the bot keeps, per table (the outbox excluded: replies are queued by the
    adapter, not by handle)."""
    with conv.store.engine.connect() as c:
        tables = [r[0] for r in c.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '%alembic%'"))]
        return {t: sorted(map(tuple, c.execute(text(f'SELECT * FROM "{t}"')).all()), key=repr)
                for t in tables}


@pytest.mark.parametrize("command", ["/back ²", "/back 99999999999999999999", "/back 12abc",
                                     "/back 424242", "/article ²", "/article 10²"])
def test_a_bad_typed_argument_gets_a_chinese_reply_and_changes_nothing(make_conversation, ids, command):
    conv = make_conversation()
    before = _db_state(conv)
    out = conv.handle(private(ids["agri"], command))
    assert out.messages, "a typed command is never answered with silence"
    assert all(m.text.strip() for m in out.messages)
    after = _db_state(conv)
    assert before == after


def test_back_with_someone_elses_request_is_refused_in_a_reply(make_conversation, ids):
    conv = make_conversation()
    rid = request_id(file_leave(conv, ids["agri"]))
    before = conv.leave.ledger.get(rid)
    out = conv.handle(private(ids["staff"], f"/back {rid}"))
    assert len(out.messages) == 1 and out.messages[0].chat_id == ids["staff"]
    assert out.messages[0].text.strip()
    assert conv.leave.ledger.get(rid).state == before.state


def test_meeting_leave_for_a_deputy_chaired_meeting_can_be_filed(make_conversation, ids):
    """会议请假 → 副县长召开的会议 crashed with "'list' object is not callable"."""
    conv = make_conversation()
    uid = ids["agri"]
    out = conv.handle(private(uid, "/leave"))
    out = press(conv, uid, out.messages[-1], "会议请假")
    out = press(conv, uid, out.messages[-1], "副县长召开的会议")
    deputies = [label for label, _ in buttons(out.messages[-1]) if "副县长" in label]
    assert deputies, out.messages[-1].text
    out = press(conv, uid, out.messages[-1], deputies[0])
    assert out.messages[-1].text == conv.say("leave_dates")
    flow, _ = conv.store.flow(uid, uid)
    assert flow.step == "dates" and flow.data["meeting_chair"] == deputies[0]


@pytest.mark.parametrize("data", ["ap|²|1", "dl|2026-02-29", "dl|2025-01-01\n", "rm|99999999999999999999",
                                  "bk|1|2|3", "\x00" * 64])
def test_forged_button_data_gets_a_popup_and_changes_nothing(make_conversation, ids, data):
    conv = make_conversation()
    file_leave(conv, ids["agri"])
    before = _db_state(conv)
    out = conv.handle(Event(ids["county_head"], ids["county_head"], True, callback=data, message_id=5))
    assert out.notice and out.alert and not out.messages
    assert _db_state(conv) == before


# -- properties over handle ------------------------------------------------------------------
@pytest.fixture
def conv_with_a_request(make_conversation, ids):
    conv = make_conversation()
    file_leave(conv, ids["agri"])
    return conv


@FUZZ
@given(st.text(max_size=300))
def test_handle_survives_any_text(conv_with_a_request, ids, s):
    for uid in (ids["agri"], ids["county_head"]):
        out = conv_with_a_request.handle(private(uid, s))
        assert all(isinstance(m.text, str) for m in out.messages)


@FUZZ
@given(st.sampled_from(["/back", "/article", "/ask", "/remind", "/sign", "/leave", "/pending",
                        "/myleaves", "/incident", "/reload", "/whoami"]),
       st.text(max_size=80))
def test_every_typed_command_with_any_argument_gets_a_reply(conv_with_a_request, ids, command, arg):
    out = conv_with_a_request.handle(private(ids["agri"], f"{command} {arg}"))
    assert out.messages and all(m.text.strip() for m in out.messages)


@FUZZ
@given(st.one_of(st.text(max_size=64),
                 st.builds(lambda k, a, b: f"{k}|{a}|{b}",
                           st.sampled_from(["f", "ap", "rj", "bk", "wd", "rm", "dl"]),
                           st.text(max_size=20), st.text(max_size=20))))
def test_rejected_button_data_changes_nothing(conv_with_a_request, ids, data):
    conv = conv_with_a_request
    if parse_press(data) is not None:
        return  # well-formed presses are tested by the flows themselves
    before = _db_state(conv)
    out = conv.handle(Event(ids["county_head"], ids["county_head"], True, callback=data, message_id=9))
    assert out.notice and not out.messages
    assert _db_state(conv) == before
