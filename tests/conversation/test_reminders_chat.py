"""Reminders in chat: /remind with echo and confirmation, /reminders with cancel buttons,
/incident (article 31), the 会签 deadline (article 48) and the 销假 reminder."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.conversation.messages import Event
from tests.clock import SHANGHAI, Clock, local
from tests.conversation.conftest import GROUP_CHAT
from tests.conversation.test_conversation import buttons, file_leave, private, request_id



@pytest.fixture
def clock():
    return Clock(local(2026, 11, 30, 10, 0))  # a Monday


def group(uid, text=None, callback=None, message_id=None):
    return Event(uid, GROUP_CHAT, False, text=text, callback=callback, message_id=message_id)


def press_in_group(conv, uid, message, label):
    return conv.handle(group(uid, callback=dict(buttons(message))[label], message_id=50))


def test_remind_echoes_asks_to_confirm_and_lists_with_cancel(make_conversation, ids, clock):
    conv = make_conversation(clock=clock)
    uid = ids["director"]
    out = conv.handle(group(uid, "/remind 2分钟后 交材料"))
    echo = out.messages[0]
    assert "交材料" in echo.text and "本群" in echo.text and "2026-11-30（周一）10:02" in echo.text
    assert conv.remind.reminders.list(GROUP_CHAT) == []          # nothing saved before confirming
    saved = press_in_group(conv, uid, echo, "确认")
    assert "已设置提醒" in saved.edits[0].text
    [view] = conv.remind.reminders.list(GROUP_CHAT)
    assert view.text == "交材料" and view.creator == "示例·办公室主任"
    listing = conv.handle(group(ids["agri"], "/reminders")).messages[0]
    assert f"编号 {view.id}" in listing.text
    refused = press_in_group(conv, ids["agri"], listing, f"取消 {view.id}")
    assert refused.alert and "示例·办公室主任" in refused.notice
    done = press_in_group(conv, uid, listing, f"取消 {view.id}")
    assert not done.alert and conv.remind.reminders.list(GROUP_CHAT) == []


def test_recurring_reminders_offer_the_working_day_policy(make_conversation, ids, clock):
    conv = make_conversation(clock=clock)
    out = conv.handle(group(ids["director"], "/remind 每月1日9:00 报送月报"))
    labels = [b for b, _ in buttons(out.messages[0])]
    assert "确认（非工作日顺延）" in labels and "确认（非工作日跳过）" in labels
    press_in_group(conv, ids["director"], out.messages[0], "确认（非工作日顺延）")
    [view] = conv.remind.reminders.list(GROUP_CHAT)
    assert view.workdays == "shift"


@pytest.mark.parametrize("args, expected", [
    ("", "用法"),
    ("交材料", "例如"),
    ("2月30日 交材料", "2月没有30日"),
    ("每分钟 喝水", "1小时"),
    ("今天上午8点 交材料", "已经过去"),
    ("明天9点 " + "长" * 2000, "500"),
])
def test_bad_reminders_get_clear_messages(make_conversation, ids, clock, args, expected):
    conv = make_conversation(clock=clock)
    text = conv.handle(group(ids["director"], f"/remind {args}".strip())).messages[0].text
    assert expected in text
    assert conv.remind.reminders.list() == []


def test_sign_schedules_the_joint_reply_deadline(make_conversation, ids, clock):
    conv = make_conversation(clock=clock)
    out = conv.handle(private(ids["agri"], "/sign 我们局的请示要会签"))
    text = out.messages[0].text
    assert "3个工作日" in text and "已设置会签回复提醒" in text
    views = conv.remind.reminders.list(ids["agri"])
    # Monday 11-30 + 3 working days = Thursday 12-03; the eve is Wednesday 12-02.
    assert [v.next_at for v in views] == [local(2026, 12, 2, 9, 0), local(2026, 12, 3, 9, 0)]
    assert all("第四十八条“" in v.text and "逾期不回复视为无不同意见" in v.text for v in views)


def test_a_joint_question_offers_the_reminder_with_a_button(make_conversation, ids, clock):
    conv = make_conversation(clock=clock)
    out = conv.handle(private(ids["agri"], "会签文件几天内回复？"))
    assert "设置会签回复提醒" in dict(buttons(out.messages[-1]))
    assert conv.remind.reminders.list() == []
    data = dict(buttons(out.messages[-1]))["设置会签回复提醒"]
    conv.handle(private(ids["agri"], callback=data, message_id=3))
    assert len(conv.remind.reminders.list(ids["agri"])) == 2


def test_incident_starts_the_article_31_clock(make_conversation, ids, clock, seed_index):
    conv = make_conversation(clock=clock)
    out = conv.handle(group(ids["director"], "/incident 某镇发生较大交通事故"))
    text = out.messages[0].text
    assert "15:00" in text and "2026-12-01（周二）10:00" in text
    article = seed_index.documents[seed_index.default_doc_id].article(31)
    views = conv.remind.reminders.list(GROUP_CHAT)
    assert [v.next_at for v in views] == [clock.now + timedelta(hours=4), clock.now + timedelta(hours=23)]
    quote = views[0].text.split("“")[1].split("”")[0]
    assert quote in article.text and "5小时" in quote
    assert "/incident" in conv.handle(group(ids["director"], "/incident")).messages[0].text


def test_an_approved_leave_reminds_the_applicant_to_come_back(make_conversation, ids):
    conv = make_conversation()
    deputy = ids["deputy_a"]                        # report-only: reported at once
    rid = request_id(file_leave(conv, deputy, dates="今天起3天"))
    view = conv.remind.reminders.by_key(f"leave:{rid}:back")
    assert view is not None and view.chat_id == deputy and f"/back {rid}" in view.text
    assert view.next_at.astimezone(SHANGHAI).hour == 17
    assert view.next_at.date() == conv.leave.ledger.get(rid).end_date
    conv.handle(private(deputy, f"/back {rid}"))
    assert conv.remind.reminders.by_key(f"leave:{rid}:back").state == "cancelled"


def test_a_joint_deadline_after_a_weekend_is_not_called_tomorrow_and_names_the_document(
        make_conversation, ids):
    # Wednesday 12-02 + 3 working days = Monday 12-07; the eve is Friday 12-04.
    conv = make_conversation(clock=Clock(local(2026, 12, 2, 10, 0)))
    out = conv.handle(private(ids["agri"], "/sign 我们局关于春耕备耕的请示要会签"))
    assert "已设置会签回复提醒" in out.messages[0].text
    eve, day = conv.remind.reminders.list(ids["agri"])
    assert (eve.next_at, day.next_at) == (local(2026, 12, 4, 9, 0), local(2026, 12, 7, 9, 0))
    assert "明天" not in eve.text and "下一个工作日周一" in eve.text and "2026-12-07，周一" in eve.text
    assert "关于春耕备耕的请示" in eve.text and "今天" in day.text


def test_how_long_questions_get_the_deadline_first(make_conversation, ids):
    conv = make_conversation(clock=Clock(local(2026, 12, 2, 10, 0)))
    first_line = conv.handle(private(ids["agri"], "会签文件几天内回复？")).messages[0].text.splitlines()[0]
    assert first_line.startswith("3个工作日内回复") and "2026-12-07（周一）当天" in first_line


@pytest.mark.parametrize("text, when, what", [
    ("明天下午3点提醒我去财政局对账", local(2026, 12, 1, 15, 0), "去财政局对账"),
    ("提醒我明天上午9点交材料", local(2026, 12, 1, 9, 0), "交材料"),
])
def test_a_reminder_asked_for_in_free_text_is_offered_not_refused(make_conversation, ids, clock,
                                                                  text, when, what):
    conv = make_conversation(clock=clock)
    out = conv.handle(private(ids["agri"], text))
    offer = out.messages[-1]
    assert "确认设置吗" in offer.text and what in offer.text
    assert conv.remind.reminders.list() == []                 # nothing set before 确认
    conv.handle(private(ids["agri"], callback=dict(buttons(offer))["确认"], message_id=4))
    [view] = conv.remind.reminders.list(ids["agri"])
    assert view.next_at == when and view.text == what


def test_a_question_that_mentions_reminding_is_still_answered(make_conversation, ids, clock):
    conv = make_conversation(clock=clock)
    out = conv.handle(private(ids["agri"], "逾期不回复要提醒吗"))
    assert "第四十八条" in out.messages[0].text and conv.remind.reminders.list() == []


def test_a_recurring_reminder_discloses_a_year_without_holiday_data(chat_config, seed_index, ids):
    """On a calendar that knows 2026 only (whatever chinese_calendar learns later)."""
    from bot.conversation.build import open_conversation
    from bot.procedures.calendar import WorkCalendar
    from tests.conversation.conftest import observed

    conv = observed(open_conversation(chat_config, index=seed_index,
                                      clock=Clock(local(2026, 12, 2, 10, 0))))
    conv.remind.reminders.calendar = WorkCalendar(library_until=2026)
    offer = conv.handle(private(ids["director"], "/remind 每季度第一个月1日 9:00 安排集中学法")).messages[-1]
    assert "2027年" in offer.text and "周一至周五" in offer.text
    once = conv.handle(private(ids["director"], "/remind 明天上午9点 交材料")).messages[-1]
    assert "2027年" not in once.text
