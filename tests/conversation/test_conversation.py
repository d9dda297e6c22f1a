"""The conversation engine, channel-free: access, questions, buttons, the leave form,
approvals and their notifications, restarts and expiry."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.conversation.messages import Button, Event
from tests.conversation.conftest import GROUP_CHAT, OFFICE_CHAT, STRANGER


def private(uid, text=None, callback=None, message_id=None):
    return Event(uid, uid, True, text=text, callback=callback, message_id=message_id)


def in_group(uid, text=None, callback=None, addressed=True, message_id=None):
    return Event(uid, GROUP_CHAT, False, text=text, callback=callback, addressed=addressed,
                 message_id=message_id)


def buttons(message):
    return [(b.label, b.data) for row in message.buttons for b in row]


def press(conv, uid, message, label, chat=None, message_id=77):
    data = dict(buttons(message))[label]
    chat = uid if chat is None else chat
    return conv.handle(Event(uid, chat, chat == uid, callback=data, message_id=message_id))


def file_leave(conv, uid, kind="出差", dates="下周一到周三", place="郑州", reason="参加全省培训"):
    out = conv.handle(private(uid, "/leave"))
    out = press(conv, uid, out.messages[-1], kind)
    for text in (dates, place, reason):
        out = conv.handle(private(uid, text))
    assert "提交" in dict(buttons(out.messages[-1])), out.messages[-1].text
    return press(conv, uid, out.messages[-1], "提交")


def request_id(outcome) -> int:
    import re
    return int(re.search(r"编号 (\d+)", outcome.messages[0].text).group(1))


# -- access -------------------------------------------------------------------------------
def test_a_stranger_gets_one_short_refusal_with_their_id_and_no_regulation(make_conversation, caplog):
    conv = make_conversation()
    out = conv.handle(private(STRANGER, "人事任免文件谁签？"))
    assert len(out.messages) == 1
    text = out.messages[0].text
    assert "县政府办公室" in text and str(STRANGER) in text
    assert "第五十条" not in text and "县长" not in text.replace("县政府办公室", "")
    assert any("not on the roster" in r.message for r in caplog.records)
    caplog.clear()
    assert conv.handle(private(STRANGER, "在吗")).messages == []   # refused once, not again
    assert any("not on the roster" in r.message for r in caplog.records)  # still logged


def test_a_stranger_pressing_a_button_gets_an_alert(make_conversation):
    out = make_conversation().handle(private(STRANGER, callback="ap|1|1", message_id=3))
    assert out.alert and not out.messages


# -- questions ----------------------------------------------------------------------------
def test_a_member_gets_a_cited_answer(make_conversation, ids):
    out = make_conversation().handle(private(ids["agri"], "人事任免文件谁签发？"))
    text = out.messages[0].text
    assert "县长" in text and "第五十条" in text


def test_article_command(make_conversation, ids):
    conv = make_conversation()
    assert "五十、" in conv.handle(private(ids["agri"], "/article 50")).messages[0].text
    assert "五十、" in conv.handle(private(ids["agri"], "/article 第五十条")).messages[0].text
    assert "/article 50" in conv.handle(private(ids["agri"], "/article")).messages[0].text
    assert "没有第九十九条" in conv.handle(private(ids["agri"], "/article 99")).messages[0].text
    assert "五十、" in conv.handle(private(ids["agri"], "/article 工作规则 50")).messages[0].text
    assert "/article 50" in conv.handle(private(ids["agri"], "/article 督查条例")).messages[0].text


def test_whoami_and_help(make_conversation, ids):
    conv = make_conversation()
    who = conv.handle(private(ids["director"], "/whoami")).messages[0].text
    assert "示例·办公室主任" in who and str(ids["director"]) in who and "管理员" in who
    assert "/reload" in conv.handle(private(ids["director"], "/help")).messages[0].text
    assert "/reload" not in conv.handle(private(ids["agri"], "/help")).messages[0].text


def test_unknown_command_and_bad_text_get_clear_messages(make_conversation, ids):
    conv = make_conversation()
    assert "/help" in conv.handle(private(ids["agri"], "/frobnicate")).messages[0].text
    for text in ("", "😀😀😀", "x" * 5000, "<script>alert(1)</script>"):
        out = conv.handle(private(ids["agri"], text))
        assert len(out.messages) == 1 and out.messages[0].text


# -- groups -------------------------------------------------------------------------------
def test_group_messages_are_answered_only_when_addressed(make_conversation, ids):
    conv = make_conversation()
    assert conv.handle(in_group(ids["agri"], "人事任免文件谁签发？", addressed=False)).messages == []
    out = conv.handle(in_group(ids["agri"], "@xiping_rules_bot 人事任免文件谁签发？"))
    assert out.messages[0].chat_id == GROUP_CHAT and "第五十条" in out.messages[0].text


def test_personal_commands_are_refused_in_groups(make_conversation, ids):
    conv = make_conversation()
    for command in ("/leave", "/myleaves", "/pending", "/back"):
        text = conv.handle(in_group(ids["agri"], command)).messages[0].text
        assert "私聊" in text, command


def test_someone_elses_form_button_in_a_group_is_refused(make_conversation, ids):
    conv = make_conversation()
    out = conv.handle(in_group(ids["agri"], "/sign"))
    first = buttons(out.messages[-1])[0][1]
    refused = conv.handle(in_group(ids["deputy_a"], callback=first, message_id=5))
    assert refused.alert and "别人" in refused.notice
    own = conv.handle(in_group(ids["agri"], callback=first, message_id=5))
    assert not own.alert and own.messages


# -- signing with buttons -------------------------------------------------------------------
def test_sign_is_guided_with_buttons_to_the_end(make_conversation, ids):
    conv = make_conversation()
    uid = ids["agri"]
    out = conv.handle(private(uid, "/sign"))
    assert "人事任免" in dict(buttons(out.messages[-1]))
    out = press(conv, uid, out.messages[-1], "人事任免")
    assert out.edits and "人事任免" in out.edits[0].text  # the choice stays visible
    text = out.messages[-1].text
    assert "县长" in text and "第五十条" in text


def test_free_text_question_missing_a_slot_offers_the_options(make_conversation, ids):
    conv = make_conversation()
    uid = ids["agri"]
    out = conv.handle(private(uid, "这个文件谁签？"))
    options = dict(buttons(out.messages[-1]))
    assert {"县政府", "县政府办公室", "部门", "乡镇"} <= set(options)
    out = press(conv, uid, out.messages[-1], "县政府办公室")
    assert "签发" in out.messages[-1].text and "依据" in out.messages[-1].text


def test_a_pressed_option_cannot_be_pressed_twice(make_conversation, ids):
    conv = make_conversation()
    uid = ids["agri"]
    out = conv.handle(private(uid, "/sign"))
    data = dict(buttons(out.messages[-1]))["人事任免"]
    conv.handle(private(uid, callback=data, message_id=9))
    again = conv.handle(private(uid, callback=data, message_id=9))
    assert again.alert and "失效" in again.notice


def test_every_button_fits_telegrams_callback_limit():
    with pytest.raises(ValueError):
        Button("x", "f|" + "9" * 70)


# -- the leave form -----------------------------------------------------------------------
def test_leave_end_to_end_with_notifications(make_conversation, ids):
    conv = make_conversation()
    agri, head, deputy = ids["agri"], ids["county_head"], ids["deputy_b"]
    out = file_leave(conv, agri, dates="今天起3天")   # away from today: 销假 is possible
    rid = request_id(out)
    by_chat = {m.chat_id: m for m in out.messages}
    assert "县长" in by_chat[agri].text
    ask = by_chat[head]
    assert ask.key == f"leave:{rid}:ask:{ask.buttons[0][0].data.split('|')[2]}"
    assert [b for b, _ in buttons(ask)] == ["批准", "驳回"]

    # Someone else presses the county head's button: refused, audited, nothing changes.
    wrong = press(conv, deputy, ask, "批准")
    assert wrong.alert and "示例·县长" in wrong.notice
    audit = conv.leave.ledger.audit(rid)
    assert audit[-1].action == "denied" and audit[-1].actor == "示例·副县长乙"

    out = press(conv, head, ask, "批准")
    assert "您已批准" in out.edits[0].text
    nxt = {m.chat_id: m for m in out.messages}
    assert "批准" in nxt[agri].text and deputy in nxt
    out = press(conv, deputy, nxt[deputy], "批准")
    office = [m for m in out.messages if m.chat_id == OFFICE_CHAT]
    assert len(office) == 1 and "报备" in office[0].text and "示例·农业农村局局长" in office[0].text
    assert conv.leave.ledger.get(rid).state == "reported"
    assert any(m.chat_id == agri and "/back" in m.text for m in out.messages)

    out = conv.handle(private(agri, "/back"))
    back = press(conv, agri, out.messages[-1], f"销假 {rid}")
    assert conv.leave.ledger.get(rid).state == "returned"
    assert any(m.chat_id == OFFICE_CHAT and "销假" in m.text for m in back.messages)


def test_reject_asks_for_a_reason_and_tells_the_applicant(make_conversation, ids):
    conv = make_conversation()
    agri, head = ids["agri"], ids["county_head"]
    out = file_leave(conv, agri)
    rid = request_id(out)
    ask = next(m for m in out.messages if m.chat_id == head)
    prompt = press(conv, head, ask, "驳回", message_id=41)
    assert "理由" in prompt.messages[0].text
    assert conv.leave.ledger.get(rid).state == "submitted"
    out = conv.handle(private(head, "时间冲突，请改期"))
    assert conv.leave.ledger.get(rid).state == "rejected"
    assert out.edits and out.edits[0].message_id == 41
    told = [m for m in out.messages if m.chat_id == agri]
    assert told and "时间冲突" in told[0].text


def test_bad_dates_keep_the_form_open(make_conversation, ids):
    conv = make_conversation()
    uid = ids["agri"]
    out = conv.handle(private(uid, "/leave"))
    press(conv, uid, out.messages[-1], "休假")
    for bad in ("2月30日", "下下下个月", "12月5日到12月3日"):
        reply = conv.handle(private(uid, bad)).messages[0].text
        assert "例如" in reply or "早于" in reply, reply
    assert "地点" in conv.handle(private(uid, "明天")).messages[0].text


def test_roles_the_regulation_does_not_cover_are_told_so(make_conversation, ids):
    conv = make_conversation()
    uid = ids["staff"]
    out = conv.handle(private(uid, "/leave"))
    out = press(conv, uid, out.messages[-1], "出差")
    assert "本单位" in out.messages[-1].text
    assert conv.store.flow(uid, uid) == (None, False)


def test_a_form_survives_a_restart(make_conversation, ids):
    uid = ids["agri"]
    conv = make_conversation()
    out = conv.handle(private(uid, "/leave"))
    press(conv, uid, out.messages[-1], "出差")
    conv.handle(private(uid, "下周一到周三"))
    restarted = make_conversation()
    assert "事由" in restarted.handle(private(uid, "郑州")).messages[0].text


def test_a_stale_form_expires_with_a_note(make_conversation, ids):
    now = [datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)]
    conv = make_conversation(clock=lambda: now[0])
    uid = ids["agri"]
    out = conv.handle(private(uid, "/leave"))
    press(conv, uid, out.messages[-1], "出差")
    now[0] += timedelta(minutes=31)
    out = conv.handle(private(uid, "会签文件几天内回复？"))
    assert "已自动取消" in out.messages[0].text and "第四十八条" in out.messages[1].text


def test_cancel_ends_the_form(make_conversation, ids):
    conv = make_conversation()
    uid = ids["agri"]
    out = conv.handle(private(uid, "/leave"))
    out = press(conv, uid, out.messages[-1], "取消")
    assert "已取消" in out.edits[0].text
    assert conv.store.flow(uid, uid) == (None, False)


def test_withdraw_tells_the_waiting_approver(make_conversation, ids):
    conv = make_conversation()
    agri, head = ids["agri"], ids["county_head"]
    rid = request_id(file_leave(conv, agri))
    mine = conv.handle(private(agri, "/myleaves"))
    assert f"编号 {rid}" in mine.messages[0].text
    out = press(conv, agri, mine.messages[0], f"撤回 {rid}")
    assert conv.leave.ledger.get(rid).state == "withdrawn"
    assert any(m.chat_id == head and "撤回" in m.text for m in out.messages)


def test_pending_lists_what_waits_for_me_with_buttons(make_conversation, ids):
    conv = make_conversation()
    rid = request_id(file_leave(conv, ids["agri"]))
    out = conv.handle(private(ids["county_head"], "/pending"))
    assert f"编号 {rid}" in out.messages[0].text and buttons(out.messages[0])
    assert "没有" in conv.handle(private(ids["deputy_b"], "/pending")).messages[0].text


def test_report_only_absence_goes_straight_to_the_office_group(make_conversation, ids):
    conv = make_conversation()
    out = file_leave(conv, ids["deputy_a"])
    rid = request_id(out)
    assert conv.leave.ledger.get(rid).state == "reported"
    assert any(m.chat_id == OFFICE_CHAT and "外出报告" in m.text for m in out.messages)


def test_the_start_up_check_finds_nothing_owed_after_handled_updates(make_conversation, ids):
    conv = make_conversation()
    file_leave(conv, ids["agri"])
    before = conv.store.outbox()
    assert make_conversation().reconcile() == 0
    assert conv.store.outbox() == before


def test_the_start_up_check_queues_what_a_change_outside_the_bot_owes(make_conversation, ids):
    from bot.procedures.leave import leave_chain

    conv = make_conversation()
    fd = conv.engine.frontdesk
    chain = leave_chain(fd.rules, fd.roster, applicant="示例·农业农村局局长", kind="出差")
    today = fd.calendar.today()
    view = conv.leave.ledger.submit(chain.applicant, chain.applicant_role, "出差", today,
                                    today + timedelta(days=1), "郑州", "培训", chain.steps)
    assert make_conversation().reconcile() == 1
    [row] = conv.store.outbox()
    assert row["chat_id"] == ids["county_head"] and row["key"].startswith(f"leave:{view.id}:ask:")


def test_reload_is_for_admins(make_conversation, ids):
    conv = make_conversation()
    assert "管理员" in conv.handle(private(ids["agri"], "/reload")).messages[0].text
    assert "已重新加载" in conv.handle(private(ids["director"], "/reload")).messages[0].text


def test_an_unnamed_deputy_in_charge_is_settled_by_choosing_the_area(make_conversation, ids):
    conv = make_conversation()
    uid = ids["agri"]
    out = conv.handle(private(uid, "/sign 以县政府名义发的一般文件"))
    assert "分管副县长" in out.messages[0].text
    areas = dict(buttons(out.messages[-1]))
    assert "教育" in areas and "农业农村" in areas
    out = press(conv, uid, out.messages[-1], "教育")
    assert "示例·副县长甲" in out.messages[-1].text
    assert not buttons(out.messages[-1])   # settled: nothing more to ask


# -- identity first (issue 12) ------------------------------------------------------------
def test_the_askers_roster_role_answers_who_approves_without_a_question(make_conversation, ids):
    conv = make_conversation()
    out = conv.handle(private(ids["agri"], "请假要谁批"))
    text = out.messages[0].text
    assert not buttons(out.messages[0]) and conv.store.flow(ids["agri"], ids["agri"]) == (None, False)
    assert "部门主要负责人（示例·农业农村局局长）" in text and "第五十五条" in text


def test_a_typed_option_label_is_understood_and_a_chosen_one_is_not_asked_again(make_conversation, ids):
    conv = make_conversation()
    typed = conv.handle(private(ids["agri"], "部门主要负责人请假要谁批")).messages[0]
    assert typed.text.startswith("部门主要负责人") and not buttons(typed)
    # "我是…" with a role the rules do not name: asked once; the pressed choice settles it.
    asked = conv.handle(private(ids["agri"], "我是科员，请假找谁批")).messages[-1]
    assert "哪类人员" in asked.text
    out = press(conv, ids["agri"], asked, "乡镇主要负责人")
    assert all("哪类人员" not in m.text for m in out.messages)
    assert any("乡镇主要负责人" in m.text and "第五十五条" in m.text for m in out.messages)


# -- only true statements (issue 12) ---------------------------------------------------------
def _outbox_by_chat(conv):
    rows = {}
    for row in conv.store.outbox():
        rows.setdefault(row["chat_id"], []).append(row)
    return rows


def test_a_report_only_absence_reaches_the_county_head_and_the_partner(make_conversation, ids):
    conv = make_conversation()
    out = file_leave(conv, ids["deputy_a"])
    rid = request_id(out)
    rows = _outbox_by_chat(conv)
    head = [r for r in rows.get(ids["county_head"], []) if r["key"] == f"leave:{rid}:report:1"]
    partner = [r for r in rows.get(ids["deputy_b"], []) if r["key"].startswith(f"leave:{rid}:act:")]
    assert head and "外出报告" in head[0]["text"]
    assert partner and "代行职责" in partner[0]["text"]
    assert any(r["key"] == f"leave:{rid}:office:reported" for r in rows[OFFICE_CHAT])
    reply = next(m.text for m in out.messages if m.chat_id == ids["deputy_a"] and "已提交" in m.text)
    assert "县长（示例·县长）" in reply and "县政府办公室群" in reply and "未能通知" not in reply


def test_without_an_office_chat_nobody_is_said_to_be_notified(make_conversation, chat_config, ids):
    chat_config.telegram.office_chat_id = 0
    conv = make_conversation()
    out = file_leave(conv, ids["deputy_a"])
    reply = next(m.text for m in out.messages if m.chat_id == ids["deputy_a"] and "已提交" in m.text)
    assert "未能通知：县政府办公室群" in reply and "office_chat_id" in reply
    assert not any(r["chat_id"] == OFFICE_CHAT for r in conv.store.outbox())

    agri, head, deputy = ids["agri"], ids["county_head"], ids["deputy_b"]
    rid = request_id(file_leave(conv, agri))
    ask = next(m for m in conv.handle(private(head, "/pending")).messages if f"编号 {rid}" in m.text)
    nxt = press(conv, head, ask, "批准")
    second = next(m for m in nxt.messages if m.chat_id == deputy)
    done = press(conv, deputy, second, "批准")
    told = next(m.text for m in done.messages if m.chat_id == agri and "全部批准" in m.text)
    assert "未能通知：县政府办公室群" in told and "已向县政府办公室报备" not in told



def test_no_back_before_departure(make_conversation, ids):
    conv = make_conversation()
    rid = request_id(file_leave(conv, ids["deputy_a"]))       # report-only, starts next week
    before = conv.leave.ledger.get(rid)
    out = conv.handle(private(ids["deputy_a"], f"/back {rid}"))
    assert "还没有出发" in out.messages[0].text
    assert conv.leave.ledger.get(rid).state == before.state == "reported"


def test_a_past_start_date_is_refused_in_the_form(make_conversation, ids):
    conv = make_conversation()
    uid = ids["agri"]
    out = conv.handle(private(uid, "/leave"))
    press(conv, uid, out.messages[-1], "出差")
    reply = conv.handle(private(uid, "昨天到明天")).messages[0].text
    assert "已经过去" in reply and "第五十五条" in reply
    assert conv.store.flow(uid, uid)[0].step == "dates"


def test_a_question_typed_mid_form_is_answered_and_the_form_waits(make_conversation, ids):
    conv = make_conversation()
    uid = ids["agri"]
    out = conv.handle(private(uid, "/leave"))
    press(conv, uid, out.messages[-1], "出差")
    conv.handle(private(uid, "下周一到周三"))
    out = conv.handle(private(uid, "会签文件几天内回复？"))
    assert "第四十八条" in out.messages[0].text and "外出地点" in out.messages[-1].text
    flow, _ = conv.store.flow(uid, uid)
    assert flow.name == "leave" and flow.step == "destination" and "destination" not in flow.data
    conv.handle(private(uid, "郑州"))
    confirm = conv.handle(private(uid, "参加培训")).messages[-1]
    again = conv.handle(private(uid, "随便说点什么")).messages[-1]   # free text at confirm
    assert dict(buttons(again)).keys() == dict(buttons(confirm)).keys()
    assert {"提交", "取消", "改日期", "改地点", "改事由"} == set(dict(buttons(again)))
    assert "其中工作日" in again.text
