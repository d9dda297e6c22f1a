"""The reminder service: exactly-once delivery through the outbox, grace and missed
occurrences, working-day policies across 调休, permissions and bad input."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.reminders.service import ReminderError
from bot.reminders.when import parse_reminder
from tests.clock import local

GROUP = -1001000000002


def schedule(text, clock):
    return parse_reminder(text, clock())[0]


def test_a_one_off_reminder_is_delivered_once(make_service, clock):
    service, store = make_service()
    view = service.create(GROUP, "交材料", "示例·办公室主任", schedule("2分钟后 交材料", clock))
    clock.advance(minutes=1)
    assert service.tick() == 0 and store.pending() == []
    clock.advance(minutes=1, seconds=1)
    assert service.tick() == 1
    assert service.tick() == 0
    pending = store.pending()
    assert len(pending) == 1 and "交材料" in pending[0].text and pending[0].chat_id == GROUP
    assert "补发" not in pending[0].text
    assert service.get(view.id).state == "done"
    assert [h["state"] for h in service.history(view.id)] == ["queued"]


def test_a_crash_between_claim_and_send_is_sent_once_after_restart(make_service, clock):
    service, store = make_service()
    service.create(GROUP, "交材料", "示例·办公室主任", schedule("2分钟后 交材料", clock))
    clock.advance(minutes=3)
    assert service.tick() == 1   # claimed and queued, then the process dies before sending
    restarted, store2 = make_service()
    assert restarted.tick() == 0  # the occurrence is not claimed again
    assert [m.text for m in store2.pending()] == [m.text for m in store.pending()]
    assert len(store2.pending()) == 1


def test_late_within_grace_is_sent_with_a_note_after_grace_is_missed(make_service, clock):
    service, store = make_service(grace_minutes=60)
    soon = service.create(GROUP, "甲", "示例·办公室主任", schedule("10分钟后 甲", clock))
    later = service.create(GROUP, "乙", "示例·办公室主任", schedule("20分钟后 乙", clock))
    clock.advance(minutes=10 + 90)   # down for a long while: 甲 is 90 min late, 乙 80
    service.tick()
    assert store.pending() == []
    assert [h["state"] for h in service.history(soon.id)] == ["missed"]
    assert [h["state"] for h in service.history(later.id)] == ["missed"]
    again = service.create(GROUP, "丙", "示例·办公室主任", schedule("10分钟后 丙", clock))
    clock.advance(minutes=40)          # 30 minutes late: within the grace period
    assert service.tick() == 1
    text = store.pending()[0].text
    assert "丙" in text and "补发" in text
    assert [h["state"] for h in service.history(again.id)] == ["queued"]


def test_a_weekly_reminder_moves_to_the_next_week(make_service, clock):
    service, store = make_service()
    view = service.create(GROUP, "报送议题", "示例·办公室主任", schedule("每周一9:00 报送议题", clock))
    assert service.get(view.id).next_at == local(2026, 11, 30, 9, 0)
    clock.set(local(2026, 11, 30, 9, 0, 5))
    assert service.tick() == 1
    assert service.get(view.id).next_at == local(2026, 12, 7, 9, 0)
    assert service.get(view.id).state == "active"


def test_workdays_only_follows_the_official_calendar_across_a_tiaoxiu_weekend(make_service, clock, calendar):
    service, _ = make_service()
    clock.set(local(2026, 9, 28, 10, 0))
    s = schedule("工作日每天8:30 打卡", clock)
    days, moment = [], clock()
    for _ in range(10):
        moment = service.next_occurrence(s, "none", moment)  # workdays_only implies skip
        days.append(moment.date())
    assert all(calendar.is_workday(d) for d in days)
    assert date(2026, 10, 1) not in days and date(2026, 10, 5) not in days
    assert date(2026, 10, 10) in days          # the 调休 Saturday is a working day
    assert date(2026, 10, 10).weekday() == 5


def test_shift_moves_a_holiday_occurrence_to_the_next_working_day(make_service, clock, calendar):
    service, _ = make_service()
    clock.set(local(2026, 9, 15, 10, 0))
    s = schedule("每月1日9:00 报送月报", clock)
    shifted = service.next_occurrence(s, "shift", clock())
    first_workday = date(2026, 10, 1)
    while not calendar.is_workday(first_workday):
        first_workday += timedelta(days=1)
    assert shifted == local(first_workday.year, first_workday.month, first_workday.day, 9, 0)
    assert shifted.date() > date(2026, 10, 1)
    skipped = service.next_occurrence(s, "skip", clock())
    # "skip": the next 1st of a month that is itself a working day, by the same calendar.
    month_first = date(2026, 10, 1)
    while not calendar.is_workday(month_first):
        month_first = (month_first + timedelta(days=32)).replace(day=1)
    assert skipped == local(month_first.year, month_first.month, 1, 9, 0)
    assert month_first != date(2026, 10, 1)  # 国庆: the case is really exercised


def test_a_year_without_holiday_data_is_flagged_in_the_reminder(make_service, clock):
    service, store = make_service()
    clock.set(local(2027, 1, 3, 20, 0))   # a Sunday; chinese_calendar knows nothing of 2027
    view = service.create(GROUP, "打卡", "示例·办公室主任", schedule("每天9点 打卡", clock),
                          workdays="skip")
    assert view.next_at == local(2027, 1, 4, 9, 0)
    clock.set(local(2027, 1, 4, 9, 0, 30))
    assert service.tick() == 1
    text = store.pending()[-1].text
    assert "2027年" in text and "周一至周五" in text


def test_only_the_creator_or_an_admin_cancels(make_service, clock):
    service, _ = make_service()
    view = service.create(GROUP, "交材料", "示例·副县长甲", schedule("明天9点 交材料", clock))
    with pytest.raises(ReminderError, match="示例·副县长甲"):
        service.cancel(view.id, "示例·农业农村局局长")
    assert service.cancel(view.id, "示例·办公室主任", admin=True).state == "cancelled"
    with pytest.raises(ReminderError, match="不能取消"):
        service.cancel(view.id, "示例·副县长甲")
    clock.advance(days=2)
    assert service.tick() == 0


def test_a_failed_delivery_stops_that_reminder_only(make_service, clock):
    service, store = make_service()
    gone = service.create(-100999, "甲", "示例·办公室主任", schedule("每天9点 甲", clock))
    kept = service.create(GROUP, "乙", "示例·办公室主任", schedule("每天9点 乙", clock))
    clock.set(local(2026, 11, 29, 9, 0, 10))
    assert service.tick() == 2
    key = next(m.dedupe_key for m in store.pending() if m.chat_id == -100999)
    view, reason = service.delivered(key, False, "Forbidden: bot was kicked from the group chat")
    assert view.id == gone.id and "kicked" in reason
    assert service.get(gone.id).state == "failed" and service.get(kept.id).state == "active"
    clock.set(local(2026, 11, 30, 9, 0, 10))
    service.tick()
    assert {m.chat_id for m in store.pending()} == {GROUP, -100999}  # only the old one to -100999
    assert sum(1 for m in store.pending() if m.chat_id == -100999) == 1


@pytest.mark.parametrize("text, message", [("", "不能为空"), ("长" * 2000, "2000 字")])
def test_bad_text_is_refused(make_service, clock, text, message):
    service, _ = make_service()
    with pytest.raises(ReminderError, match=message):
        service.create(GROUP, text, "示例·办公室主任", schedule("明天9点 x", clock))


def test_times_are_shanghai_whatever_the_server_zone(make_service, clock, monkeypatch):
    import time
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        service, _ = make_service()
        view = service.create(GROUP, "x", "示例·办公室主任", schedule("明天上午9点 x", clock))
        assert view.next_at == local(2026, 11, 29, 9, 0)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
