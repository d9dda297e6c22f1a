"""/remind time expressions typed in Chinese: one-off, recurring, text, errors, schedules."""
from __future__ import annotations

import json
import time as clock
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.when import Schedule, WhenError, parse_reminder

SH = ZoneInfo("Asia/Shanghai")
SAT = datetime(2026, 11, 28, 10, 0, tzinfo=SH)       # Saturday; the week runs Mon 11-23 .. Sun 11-29
FRI = datetime(2026, 11, 27, 14, 0, tzinfo=SH)       # Friday afternoon
YEAR_END = datetime(2026, 12, 31, 23, 50, tzinfo=SH)  # Thursday, ten minutes before 2027


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def parse(text: str, now: datetime = SAT) -> tuple[Schedule, str]:
    return parse_reminder(text, now)


def error(text: str, now: datetime = SAT) -> str:
    with pytest.raises(WhenError) as info:
        parse_reminder(text, now)
    return info.value.message


# --- one-off ---------------------------------------------------------------------------------

@pytest.mark.parametrize("when, expected", [
    # relative
    ("30分钟后", at(2026, 11, 28, 10, 30)),
    ("2分钟后", at(2026, 11, 28, 10, 2)),
    ("十分钟以后", at(2026, 11, 28, 10, 10)),
    ("半小时后", at(2026, 11, 28, 10, 30)),
    ("1小时后", at(2026, 11, 28, 11, 0)),
    ("两个小时后", at(2026, 11, 28, 12, 0)),
    ("一个半小时后", at(2026, 11, 28, 11, 30)),
    ("1小时30分钟后", at(2026, 11, 28, 11, 30)),
    ("3天后", at(2026, 12, 1, 10, 0)),
    ("3天后上午9点", at(2026, 12, 1, 9, 0)),
    ("1周后", at(2026, 12, 5, 10, 0)),
    # day words and periods
    ("今天下午5点", at(2026, 11, 28, 17, 0)),
    ("明天上午9点", at(2026, 11, 29, 9, 0)),
    ("明早8点", at(2026, 11, 29, 8, 0)),
    ("明天早上8点", at(2026, 11, 29, 8, 0)),
    ("明天中午12点", at(2026, 11, 29, 12, 0)),
    ("明天中午1点", at(2026, 11, 29, 13, 0)),
    ("明天下午3点", at(2026, 11, 29, 15, 0)),
    ("明天晚上8点", at(2026, 11, 29, 20, 0)),
    ("明晚8点半", at(2026, 11, 29, 20, 30)),
    ("明天傍晚6点", at(2026, 11, 29, 18, 0)),
    ("明天凌晨5点", at(2026, 11, 29, 5, 0)),
    ("明天下午15:30", at(2026, 11, 29, 15, 30)),
    ("后天9:30", at(2026, 11, 30, 9, 30)),
    ("后天 9 : 30", at(2026, 11, 30, 9, 30)),
    ("后天9.30", at(2026, 11, 30, 9, 30)),
    ("大后天9点", at(2026, 12, 1, 9, 0)),
    ("明天9时30分", at(2026, 11, 29, 9, 30)),
    ("明天9点钟", at(2026, 11, 29, 9, 0)),
    ("明天九点三十", at(2026, 11, 29, 9, 30)),
    ("明天九点零五分", at(2026, 11, 29, 9, 5)),
    ("明天十点一刻", at(2026, 11, 29, 10, 15)),
    ("明天十点三刻", at(2026, 11, 29, 10, 45)),
    ("明天两点", at(2026, 11, 29, 14, 0)),  # 1-6点 without 上午/下午 are office-hours pm
    ("明天05:00", at(2026, 11, 29, 5, 0)),  # a clock time is literal
    ("明天8点", at(2026, 11, 29, 8, 0)),
    # weekdays: bare = the next one still ahead, 本/这 = this week, 下 = next week
    ("周五下午3点", at(2026, 12, 4, 15, 0)),
    ("星期五下午3点", at(2026, 12, 4, 15, 0)),
    ("周五5点", at(2026, 12, 4, 17, 0)),
    ("周六上午11点", at(2026, 11, 28, 11, 0)),
    ("周六上午8点", at(2026, 12, 5, 8, 0)),
    ("本周日", at(2026, 11, 29, 9, 0)),
    ("下周一上午10点半", at(2026, 11, 30, 10, 30)),
    ("下个礼拜三", at(2026, 12, 2, 9, 0)),
    ("週五下午3點", at(2026, 12, 4, 15, 0)),
    # calendar dates
    ("12月1日 15:00", at(2026, 12, 1, 15, 0)),
    ("12月1号下午3点", at(2026, 12, 1, 15, 0)),
    ("十二月一日下午三点", at(2026, 12, 1, 15, 0)),
    ("2026-12-01 15:00", at(2026, 12, 1, 15, 0)),
    ("2026年12月1日15:00", at(2026, 12, 1, 15, 0)),
    ("12/1 15:00", at(2026, 12, 1, 15, 0)),
    ("１２月１日　下午３点", at(2026, 12, 1, 15, 0)),
    ("5号", at(2026, 12, 5, 9, 0)),         # a passed day of the month is next month's
    ("30号下午3点", at(2026, 11, 30, 15, 0)),
    ("下个月1号", at(2026, 12, 1, 9, 0)),
    ("1月5日", at(2027, 1, 5, 9, 0)),       # more than 180 days past: next year
    # a day alone is 09:00; a time alone is today, or tomorrow once passed
    ("明天", at(2026, 11, 29, 9, 0)),
    ("周五", at(2026, 12, 4, 9, 0)),
    ("12月1日", at(2026, 12, 1, 9, 0)),
    ("下午3点", at(2026, 11, 28, 15, 0)),
    ("8:30", at(2026, 11, 29, 8, 30)),
    ("晚上12点", at(2026, 11, 29, 0, 0)),
])
def test_once(when, expected):
    schedule, text = parse(f"{when} 交材料")
    assert (schedule.kind, schedule.at, text) == ("once", expected, "交材料")
    assert schedule.at.tzinfo == SH and schedule.time is None and not schedule.workdays_only


@pytest.mark.parametrize("when, now, expected", [
    ("周五下午3点", FRI, at(2026, 11, 27, 15, 0)),  # today, still ahead
    ("周五下午1点", FRI, at(2026, 12, 4, 13, 0)),   # passed today: next week
    ("周五", FRI, at(2026, 12, 4, 9, 0)),
    ("本周五下午3点", FRI, at(2026, 11, 27, 15, 0)),
    ("10分钟后", YEAR_END, at(2027, 1, 1, 0, 0)),
    ("明天", YEAR_END, at(2027, 1, 1, 9, 0)),
    ("1月2日", YEAR_END, at(2027, 1, 2, 9, 0)),
    ("5号", YEAR_END, at(2027, 1, 5, 9, 0)),
])
def test_once_other_days(when, now, expected):
    assert parse(f"{when} 开会", now)[0].at == expected


def test_now_in_another_zone_is_read_in_shanghai():
    utc = SAT.astimezone(timezone.utc)
    schedule, _ = parse("明天上午9点 开会", utc)
    assert schedule.at == at(2026, 11, 29, 9, 0) and schedule.tz == "Asia/Shanghai"


def test_naive_now_is_a_programming_error():
    with pytest.raises(TypeError):
        parse_reminder("明天 开会", datetime(2026, 11, 28, 10, 0))


# --- recurring -------------------------------------------------------------------------------

@pytest.mark.parametrize("when, kind, fields", [
    ("每天8点", "daily", {"time": time(8, 0)}),
    ("每天早上8:30", "daily", {"time": time(8, 30)}),
    ("每天8.30", "daily", {"time": time(8, 30)}),
    ("每天", "daily", {"time": time(9, 0)}),
    ("每晚8点", "daily", {"time": time(20, 0)}),
    ("工作日每天8:30", "daily", {"time": time(8, 30), "workdays_only": True}),
    ("每个工作日8:30", "daily", {"time": time(8, 30), "workdays_only": True}),
    ("每周一9:00", "weekly", {"time": time(9, 0), "weekday": 0}),
    ("每周一上午9点", "weekly", {"time": time(9, 0), "weekday": 0}),
    ("每个星期一", "weekly", {"time": time(9, 0), "weekday": 0}),
    ("每周五下午4点", "weekly", {"time": time(16, 0), "weekday": 4}),
    ("每礼拜天", "weekly", {"time": time(9, 0), "weekday": 6}),
    ("每月1日", "monthly", {"time": time(9, 0), "day": 1}),
    ("每月1号9点", "monthly", {"time": time(9, 0), "day": 1}),
    ("每月15日下午3点", "monthly", {"time": time(15, 0), "day": 15}),
    ("每月最后一天", "monthly", {"time": time(9, 0), "day": 31}),
    ("每季度第一个月1日", "quarterly", {"time": time(9, 0), "day": 1, "month_in_quarter": 1}),
    ("每季度", "quarterly", {"time": time(9, 0), "day": 1, "month_in_quarter": 1}),
    ("每季度第一个月1日 9:00", "quarterly", {"time": time(9, 0), "day": 1, "month_in_quarter": 1}),
    ("每季度第2个月15日下午3点", "quarterly", {"time": time(15, 0), "day": 15, "month_in_quarter": 2}),
    ("每2小时", "interval", {"minutes": 120, "at": SAT}),
    ("每隔3小时", "interval", {"minutes": 180, "at": SAT}),
    ("每小时", "interval", {"minutes": 60, "at": SAT}),
    ("每90分钟", "interval", {"minutes": 90, "at": SAT}),
])
def test_recurring(when, kind, fields):
    schedule, text = parse(f"{when} 报送材料")
    expected = {"at": None, "time": None, "weekday": None, "day": None, "month_in_quarter": None,
                "minutes": None, "workdays_only": False, **fields}
    assert schedule.kind == kind and text == "报送材料"
    assert {name: getattr(schedule, name) for name in expected} == expected


# --- the reminder text -----------------------------------------------------------------------

@pytest.mark.parametrize("typed, text", [
    ("明天上午9点提醒大家交材料", "交材料"),
    ("明天上午9点 交材料", "交材料"),
    ("明天上午9点，提醒我：交材料", "交材料"),
    ("明天上午9点：交材料 ", "交材料"),
    ("/remind 明天上午9点 交材料", "交材料"),
    ("明天9点 3楼会议室开会", "3楼会议室开会"),
    ("明天9点提醒函盖章", "提醒函盖章"),
    ("明天9点 交材料🙏，记得签字", "交材料🙏，记得签字"),
    ("每周一9:00 提醒", "提醒"),  # nothing but the word: kept (config entries use it)
])
def test_reminder_text(typed, text):
    assert parse(typed)[1] == text


# --- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, now, fragments", [
    ("", SAT, ["请在 /remind 后面", "/remind 明天上午9点 交材料"]),
    ("   ", SAT, ["请在 /remind 后面"]),
    ("/remind", SAT, ["请在 /remind 后面"]),
    ("交材料", SAT, ["没有看懂", "时间要写在最前面", "/remind 30分钟后 开会"]),
    ("asdf 1234", SAT, ["没有看懂"]),
    ("9.30 交材料", SAT, ["没有看懂"]),  # a date or a time: not guessed
    ("明天9点", SAT, ["还缺提醒内容"]),
    ("/remind 明天9点", SAT, ["还缺提醒内容"]),
    ("明天9点 ，：", SAT, ["还缺提醒内容"]),
    ("2月30日 交材料", SAT, ["2月没有30日"]),
    ("11月31日 交材料", SAT, ["11月没有31日"]),
    ("13月1日 交材料", SAT, ["没有13月"]),
    ("12月32日 交材料", SAT, ["没有32日"]),
    ("明天25点 交材料", SAT, ["没有25点"]),
    ("明天9点70分 交材料", SAT, ["没有70分"]),
    ("明天9:70 交材料", SAT, ["没有70分"]),
    ("明天上午13点 交材料", SAT, ["上午13点"]),
    ("今天上午8点 交材料", SAT, ["这个时间已经过去了"]),
    ("今天 交材料", SAT, ["这个时间已经过去了"]),
    ("11月1日 交材料", SAT, ["这个时间已经过去了"]),
    ("本周五 交材料", SAT, ["这个时间已经过去了"]),
    ("上周五 交材料", SAT, ["这个时间已经过去了"]),
    ("2025-12-01 交材料", SAT, ["这个时间已经过去了"]),
    ("本周五下午1点 交材料", FRI, ["这个时间已经过去了"]),
    ("2027-12-01 交材料", SAT, ["一年以内"]),
    ("2028-01-01 交材料", SAT, ["一年以内"]),
    ("10000小时后 交材料", SAT, ["一年以内"]),
    ("999999999999天后 交材料", SAT, ["一年以内"]),
    ("0分钟后 交材料", SAT, ["1分钟之后"]),
    ("每分钟 喝水", SAT, ["提醒间隔不能少于1小时"]),
    ("每5分钟 喝水", SAT, ["提醒间隔不能少于1小时", "每5分钟"]),
    ("每30分钟 喝水", SAT, ["提醒间隔不能少于1小时", "每30分钟"]),
    ("每半小时 喝水", SAT, ["提醒间隔不能少于1小时"]),
    ("每周 开会", SAT, ["星期几"]),
    ("每周一到周五9点 打卡", SAT, ["工作日每天8:30"]),
    ("每季度第4个月 学法", SAT, ["第1到第3个月"]),
    ("每月32日 报表", SAT, ["没有32日"]),
    ("每晚12点 关灯", SAT, ["晚上12点"]),
    ("明天下午 开会", SAT, ["“下午”几点"]),
])
def test_errors(typed, now, fragments):
    message = error(typed, now)
    assert all(f in message for f in fragments), message
    assert "例如" in message


def test_long_text_is_refused_with_its_length():
    started = clock.perf_counter()
    message = error("明天9点 " + "材" * 2000)
    assert "2000字" in message and "500字" in message
    assert clock.perf_counter() - started < 0.5
    assert parse("明天9点 " + "材" * 500)[1] == "材" * 500


def test_error_is_a_value_error_with_a_message():
    with pytest.raises(ValueError) as info:
        parse_reminder("交材料", SAT)
    assert str(info.value) == info.value.message


# --- describe, next_after, to_dict -----------------------------------------------------------

DAILY = Schedule("daily", time=time(8, 30))
WORKDAYS = Schedule("daily", time=time(8, 30), workdays_only=True)
MONDAYS = Schedule("weekly", time=time(9, 0), weekday=0)
FIRSTS = Schedule("monthly", time=time(9, 0), day=1)
LASTS = Schedule("monthly", time=time(9, 0), day=31)
THIRTIETHS = Schedule("monthly", time=time(9, 0), day=30)
QUARTERS = Schedule("quarterly", time=time(9, 0), day=1, month_in_quarter=1)
QUARTER_MIDS = Schedule("quarterly", time=time(15, 0), day=31, month_in_quarter=2)
TWO_HOURS = Schedule("interval", at=SAT, minutes=120)
ONCE = Schedule("once", at=at(2026, 11, 29, 9, 0))


@pytest.mark.parametrize("schedule, text", [
    (ONCE, "2026年11月29日（周日）09:00"),
    (DAILY, "每天 08:30"),
    (WORKDAYS, "工作日每天 08:30"),
    (MONDAYS, "每周一 09:00"),
    (FIRSTS, "每月1日 09:00"),
    (LASTS, "每月最后一天 09:00"),
    (THIRTIETHS, "每月30日（不足30日的月份为月末） 09:00"),
    (QUARTERS, "每季度第1个月1日 09:00"),
    (TWO_HOURS, "每2小时"),
    (Schedule("interval", at=SAT, minutes=90), "每90分钟"),
])
def test_describe(schedule, text):
    assert schedule.describe() == text


@pytest.mark.parametrize("schedule, moment, expected", [
    (ONCE, SAT, at(2026, 11, 29, 9, 0)),
    (ONCE, at(2026, 11, 29, 9, 0), None),
    (DAILY, SAT, at(2026, 11, 29, 8, 30)),
    (DAILY, at(2026, 11, 28, 8, 0), at(2026, 11, 28, 8, 30)),
    (DAILY, at(2026, 11, 28, 8, 30), at(2026, 11, 29, 8, 30)),
    (WORKDAYS, SAT, at(2026, 11, 29, 8, 30)),  # working days are the caller's business
    (DAILY, YEAR_END, at(2027, 1, 1, 8, 30)),
    (MONDAYS, SAT, at(2026, 11, 30, 9, 0)),
    (MONDAYS, at(2026, 11, 30, 8, 0), at(2026, 11, 30, 9, 0)),
    (MONDAYS, at(2026, 11, 30, 9, 0), at(2026, 12, 7, 9, 0)),
    (FIRSTS, SAT, at(2026, 12, 1, 9, 0)),
    (FIRSTS, YEAR_END, at(2027, 1, 1, 9, 0)),
    (LASTS, SAT, at(2026, 11, 30, 9, 0)),
    (LASTS, at(2027, 1, 31, 9, 0), at(2027, 2, 28, 9, 0)),
    (LASTS, at(2028, 2, 1), at(2028, 2, 29, 9, 0)),
    (THIRTIETHS, at(2027, 2, 1), at(2027, 2, 28, 9, 0)),
    (QUARTERS, SAT, at(2027, 1, 1, 9, 0)),
    (QUARTERS, at(2027, 1, 1, 9, 0), at(2027, 4, 1, 9, 0)),
    (QUARTERS, at(2027, 4, 15), at(2027, 7, 1, 9, 0)),
    (QUARTERS, at(2027, 9, 30), at(2027, 10, 1, 9, 0)),
    (QUARTER_MIDS, SAT, at(2026, 11, 30, 15, 0)),  # Feb, May, Aug, Nov
    (QUARTER_MIDS, at(2026, 12, 1), at(2027, 2, 28, 15, 0)),
    (QUARTER_MIDS, at(2027, 3, 1), at(2027, 5, 31, 15, 0)),
    (TWO_HOURS, SAT, at(2026, 11, 28, 12, 0)),
    (TWO_HOURS, at(2026, 11, 28, 9, 0), at(2026, 11, 28, 12, 0)),
    (TWO_HOURS, at(2026, 11, 28, 11, 59), at(2026, 11, 28, 12, 0)),
    (TWO_HOURS, at(2026, 11, 28, 12, 0), at(2026, 11, 28, 14, 0)),
    (TWO_HOURS, at(2026, 11, 29, 23, 30), at(2026, 11, 30, 0, 0)),
    (DAILY, datetime(2026, 11, 28, 1, 0, tzinfo=timezone.utc), at(2026, 11, 29, 8, 30)),
])
def test_next_after(schedule, moment, expected):
    result = schedule.next_after(moment)
    assert result == expected
    if result is not None:
        assert result.tzinfo == SH and result > moment


@pytest.mark.parametrize("typed", [
    "明天上午9点 交材料", "30分钟后 开会", "工作日每天8:30 打卡", "每周一9:00 报议题",
    "每月31日 报表", "每季度第一个月1日 学法", "每2小时 巡查",
])
def test_to_dict_round_trip(typed):
    schedule, _ = parse(typed)
    data = json.loads(json.dumps(schedule.to_dict()))
    again = Schedule.from_dict(data)
    assert again == schedule and again.describe() == schedule.describe()
    assert again.next_after(SAT) == schedule.next_after(SAT)
    if schedule.at is not None:
        assert data["at"] == schedule.at.isoformat() and again.at.tzinfo == SH


def test_from_dict_rejects_garbage():
    for bad in ({}, {"kind": "yearly"}, {"kind": "weekly", "time": "09:00", "weekday": 9},
                {"kind": "once", "at": "2026-11-29T09:00:00"}, "once"):
        with pytest.raises(ValueError):
            Schedule.from_dict(bad)


def test_a_schedule_built_by_hand_like_the_conversation_does():
    moment = at(2026, 12, 1, 9, 0)
    schedule = Schedule(kind="once", at=moment, time=None, weekday=None, day=None,
                        month_in_quarter=None, minutes=None, workdays_only=False)
    assert schedule.next_after(SAT) == moment and schedule.next_after(moment) is None
    assert schedule.next_after(moment - timedelta(seconds=1)) == moment
