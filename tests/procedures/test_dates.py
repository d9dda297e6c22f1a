"""Leave-request dates typed in Chinese: single days, ranges, durations, errors."""
from __future__ import annotations

from datetime import date

import pytest

from bot.procedures.dates import DateParseError, DateRange, parse_date_range

SAT = date(2026, 11, 28)      # a Saturday; the week runs Mon 11-23 .. Sun 11-29
EARLY_JAN = date(2027, 1, 5)  # a Tuesday, just after the year turned
LATE_DEC = date(2026, 12, 28)  # a Monday, just before the year turns

D = date


@pytest.mark.parametrize("text, expected", [
    # numeric and written-out calendar dates
    ("2026-12-03", D(2026, 12, 3)),
    ("2026/12/3", D(2026, 12, 3)),
    ("2026.12.3", D(2026, 12, 3)),
    ("2026年12月3日", D(2026, 12, 3)),
    ("２０２６年１２月３日", D(2026, 12, 3)),
    ("二〇二六年十二月三日", D(2026, 12, 3)),
    ("26年12月3号", D(2026, 12, 3)),
    ("12月3日", D(2026, 12, 3)),
    ("12月3号", D(2026, 12, 3)),
    ("十二月三号", D(2026, 12, 3)),
    ("12-3", D(2026, 12, 3)),
    ("12/3", D(2026, 12, 3)),
    ("12.3", D(2026, 12, 3)),
    ("１２／３", D(2026, 12, 3)),
    (" 12 月 3 日。", D(2026, 12, 3)),
    ("明年1月5日", D(2027, 1, 5)),
    # day of the current month
    ("3号", D(2026, 11, 3)),
    ("3日", D(2026, 11, 3)),
    ("三十号", D(2026, 11, 30)),
    # relative days
    ("今天", SAT),
    ("明天", D(2026, 11, 29)),
    ("明日", D(2026, 11, 29)),
    ("明 天🙏", D(2026, 11, 29)),
    ("后天", D(2026, 11, 30)),
    ("大后天", D(2026, 12, 1)),
    ("昨天", D(2026, 11, 27)),
    # weekdays: bare = next such day (today counts), 本/这 = this week, 下 = next week
    ("周五", D(2026, 12, 4)),
    ("星期五", D(2026, 12, 4)),
    ("礼拜五", D(2026, 12, 4)),
    ("周六", SAT),
    ("周日", D(2026, 11, 29)),
    ("周天", D(2026, 11, 29)),
    ("礼拜天", D(2026, 11, 29)),
    ("本周五", D(2026, 11, 27)),
    ("这周五", D(2026, 11, 27)),
    ("下周一", D(2026, 11, 30)),
    ("下个礼拜三", D(2026, 12, 2)),
    ("下下周二", D(2026, 12, 8)),
])
def test_single_day(text, expected):
    result = parse_date_range(text, SAT)
    assert result == DateRange(expected, expected)
    assert result.days == 1


@pytest.mark.parametrize("text, start, end", [
    ("12-3到12-5", D(2026, 12, 3), D(2026, 12, 5)),
    ("12-3-12-5", D(2026, 12, 3), D(2026, 12, 5)),
    ("2026-12-03 至 2026-12-05", D(2026, 12, 3), D(2026, 12, 5)),
    ("12月3日-5日", D(2026, 12, 3), D(2026, 12, 5)),
    ("12月3日到5日", D(2026, 12, 3), D(2026, 12, 5)),
    ("12月3日~5日", D(2026, 12, 3), D(2026, 12, 5)),
    ("12月3日～5日", D(2026, 12, 3), D(2026, 12, 5)),
    ("12月3日〜5日", D(2026, 12, 3), D(2026, 12, 5)),
    ("12月3日—5日", D(2026, 12, 3), D(2026, 12, 5)),
    ("12月3日——5日", D(2026, 12, 3), D(2026, 12, 5)),
    ("12月3-5日", D(2026, 12, 3), D(2026, 12, 5)),
    ("十二月三号至五号", D(2026, 12, 3), D(2026, 12, 5)),
    ("12月3日到12月5日共3天", D(2026, 12, 3), D(2026, 12, 5)),
    ("11月28到12月3日", D(2026, 11, 28), D(2026, 12, 3)),
    ("12月30日到1月2日", D(2026, 12, 30), D(2027, 1, 2)),
    ("3号到5号", D(2026, 11, 3), D(2026, 11, 5)),
    ("3到5号", D(2026, 11, 3), D(2026, 11, 5)),
    ("3-5号", D(2026, 11, 3), D(2026, 11, 5)),
    ("明天到后天", D(2026, 11, 29), D(2026, 11, 30)),
    ("明天到12月2日", D(2026, 11, 29), D(2026, 12, 2)),
    ("下周一到下周三", D(2026, 11, 30), D(2026, 12, 2)),
    ("周一到周三", D(2026, 11, 30), D(2026, 12, 2)),
    ("周五到周二", D(2026, 12, 4), D(2026, 12, 8)),  # end: first Tuesday on/after start
])
def test_range(text, start, end):
    assert parse_date_range(text, SAT) == DateRange(start, end)


@pytest.mark.parametrize("text, start, end", [
    ("下周一起3天", D(2026, 11, 30), D(2026, 12, 2)),
    ("从明天开始三天", D(2026, 11, 29), D(2026, 12, 1)),
    ("明天起两天", D(2026, 11, 29), D(2026, 11, 30)),
    ("明天起请假3天", D(2026, 11, 29), D(2026, 12, 1)),
    ("12月3日起5天", D(2026, 12, 3), D(2026, 12, 7)),
    ("12月3日起十天", D(2026, 12, 3), D(2026, 12, 12)),
    ("下周一起3日", D(2026, 11, 30), D(2026, 12, 2)),
    ("今天1天", SAT, SAT),
    ("12月30日起5天", D(2026, 12, 30), D(2027, 1, 3)),
])
def test_duration_counts_calendar_days_inclusive(text, start, end):
    result = parse_date_range(text, SAT)
    assert result == DateRange(start, end)


@pytest.mark.parametrize("today, text, start, end", [
    # a month/day without a year: the first occurrence on or after today - 30 days
    (SAT, "10月29日", D(2026, 10, 29), D(2026, 10, 29)),
    (SAT, "10月28日", D(2027, 10, 28), D(2027, 10, 28)),
    (SAT, "1月5日", D(2027, 1, 5), D(2027, 1, 5)),
    (EARLY_JAN, "12月30日", D(2026, 12, 30), D(2026, 12, 30)),
    (EARLY_JAN, "12月6日", D(2026, 12, 6), D(2026, 12, 6)),
    (EARLY_JAN, "12月5日", D(2027, 12, 5), D(2027, 12, 5)),
    (EARLY_JAN, "12月30日到1月2日", D(2026, 12, 30), D(2027, 1, 2)),
    (EARLY_JAN, "1月2日", D(2027, 1, 2), D(2027, 1, 2)),
    (LATE_DEC, "1月2日", D(2027, 1, 2), D(2027, 1, 2)),
    (LATE_DEC, "12月31日到1月3日", D(2026, 12, 31), D(2027, 1, 3)),
    (LATE_DEC, "3号", D(2026, 12, 3), D(2026, 12, 3)),
    (LATE_DEC, "周一", LATE_DEC, LATE_DEC),
    (LATE_DEC, "下周一", D(2027, 1, 4), D(2027, 1, 4)),
    (LATE_DEC, "明天起5天", D(2026, 12, 29), D(2027, 1, 2)),
    (D(2027, 11, 28), "2月29日", D(2028, 2, 29), D(2028, 2, 29)),
])
def test_year_inference(today, text, start, end):
    assert parse_date_range(text, today) == DateRange(start, end)


@pytest.mark.parametrize("text, fragments", [
    ("", ["请输入请假日期"]),
    ("   ", ["请输入请假日期"]),
    ("😀😀", ["没有找到日期"]),
    ("asdf", ["没看懂", "asdf"]),
    ("明天" * 51, ["太长", "100"]),
    ("2月30日", ["2027年2月没有30日", "30日"]),
    ("2月29日", ["2027年2月没有29日"]),
    ("11月31日", ["2026年11月没有31日"]),
    ("13月1日", ["没有13月"]),
    ("0日", ["没有0日"]),
    ("32号", ["没有32日"]),
    ("十十号", ["没看懂数字", "十十"]),
    ("12月", ["没有写具体哪一天"]),
    ("1999年12月31日", ["1999", "2000"]),
    ("3", ["哪一天"]),
    ("3到5", ["哪一天"]),
    ("12月5日到12月3日", ["结束日期2026年12月3日早于开始日期2026年12月5日"]),
    ("12月5日到3日", ["早于", "跨月请写明月份"]),
    ("后天到明天", ["早于"]),
    ("周五到下周二", ["早于"]),
    ("2026年1月1日到2027年3月1日", ["425天", "超过了366天"]),
    ("3天", ["只写了天数", "开始日期"]),
    ("到12月5日", ["缺少开始日期"]),
    ("12月3日到", ["缺少结束日期"]),
    ("明天起", ["请几天"]),
    ("明天起0天", ["0天"]),
    ("明天起400天", ["400天", "366"]),
    ("12月3日到5日共5天", ["3天", "5天", "不一致"]),
    ("明天 12月3日", ["两个日期", "明天", "12月3日", "到"]),
    ("3号、5号", ["两个日期"]),
    ("明天起3天到后天", ["没看懂"]),
])
def test_errors_explain_in_chinese(text, fragments):
    with pytest.raises(DateParseError) as info:
        parse_date_range(text, SAT)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message
    assert "例如：" in message  # every message shows valid input
    assert isinstance(info.value, ValueError)


def test_non_string_input_is_a_parse_error():
    with pytest.raises(DateParseError):
        parse_date_range(None, SAT)  # type: ignore[arg-type]


def test_never_before_2000():
    with pytest.raises(DateParseError, match="2000"):
        parse_date_range("昨天", date(2000, 1, 1))


def test_days_is_inclusive():
    assert DateRange(D(2026, 11, 30), D(2026, 12, 2)).days == 3
    assert parse_date_range("2026年1月1日到2026年12月31日", SAT).days == 365
