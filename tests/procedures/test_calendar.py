"""Working-day calendar: chinese_calendar data, holidays files, Monday–Friday fallback."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from bot.config import PROJECT_ROOT, load_config
from bot.procedures.calendar import CalendarError, DayInfo, WorkCalendar, WorkdayResult

# A fixed "today" keeps the 10-year range check deterministic.
TODAY = date(2026, 6, 1)


def fixed_today() -> date:
    return TODAY


def _library_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 7, 1))
    except NotImplementedError:
        return False
    return True


@pytest.fixture
def cal(tmp_path) -> WorkCalendar:
    """chinese_calendar only: an empty holidays folder."""
    return WorkCalendar.load(tmp_path, today=fixed_today)


def write_year(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


SYNTHETIC_2031 = """\
year = 2031

[[holiday]]
name = "元旦"
start = 2031-01-01
end = 2031-01-03

[[holiday]]
name = "测试节"
start = "2031-05-05"

[[workday]]
name = "元旦调休"
date = 2031-01-05
"""


@pytest.fixture
def cal2031(tmp_path) -> WorkCalendar:
    write_year(tmp_path / "holidays", "2031.toml", SYNTHETIC_2031)
    return WorkCalendar.load(tmp_path / "holidays", today=fixed_today)


# --------------------------------------------------------------- 2026 from the library


def test_2026_hard_facts(cal):
    # Verified against chinese_calendar 1.11.0 (the 2026 State Council schedule).
    assert not cal.is_workday(date(2026, 2, 16))  # Monday, 春节
    assert not cal.is_workday(date(2026, 2, 23))  # Monday, last day of 春节
    assert cal.is_workday(date(2026, 2, 24))      # Tuesday, back to work
    assert cal.is_workday(date(2026, 2, 14))      # Saturday, 春节调休
    assert cal.is_workday(date(2026, 2, 28))      # Saturday, 春节调休
    assert cal.is_workday(date(2026, 1, 4))       # Sunday, 元旦调休
    assert not cal.is_workday(date(2026, 10, 1))  # Thursday, 国庆节
    assert not cal.is_workday(date(2026, 10, 7))  # Wednesday, 国庆节
    assert cal.is_workday(date(2026, 10, 8))      # Thursday
    assert cal.is_workday(date(2026, 9, 20))      # Sunday, 国庆调休
    assert cal.is_workday(date(2026, 10, 10))     # Saturday, 国庆调休
    assert not cal.is_workday(date(2026, 3, 7))   # an ordinary Saturday
    assert cal.is_workday(date(2026, 3, 9))       # an ordinary Monday


def test_2026_agrees_with_library_every_day(cal):
    d = date(2026, 1, 1)
    while d.year == 2026:
        assert cal.is_workday(d) == chinese_calendar.is_workday(d), d
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
        info = cal.day_info(d)
        assert info.source == "chinese_calendar"
        assert (info.name is None) == (name is None), d
        d += timedelta(days=1)


def test_spring_festival_and_national_day_weekdays_are_holidays(cal):
    for start, end in [(date(2026, 2, 15), date(2026, 2, 23)),
                       (date(2026, 10, 1), date(2026, 10, 7))]:
        d = start
        weekdays = 0
        while d <= end:
            assert not cal.is_workday(d), d
            weekdays += d.weekday() < 5
            d += timedelta(days=1)
        assert weekdays >= 4


def test_day_info_from_library_has_chinese_names(cal):
    assert cal.day_info(date(2026, 2, 16)) == DayInfo(
        date(2026, 2, 16), False, "春节", "chinese_calendar")
    assert cal.day_info(date(2026, 2, 14)) == DayInfo(
        date(2026, 2, 14), True, "春节调休", "chinese_calendar")
    assert cal.day_info(date(2026, 10, 2)).name == "国庆节"
    assert cal.day_info(date(2026, 1, 4)).name == "元旦调休"
    plain_saturday = cal.day_info(date(2026, 3, 7))
    assert plain_saturday == DayInfo(date(2026, 3, 7), False, None, "chinese_calendar")
    assert cal.day_info(date(2026, 3, 9)).name is None


def test_datetime_is_accepted_as_its_date(cal):
    assert cal.day_info(datetime(2026, 2, 16, 9, 30)).date == date(2026, 2, 16)


# --------------------------------------------------------------- add_workdays


def test_three_workdays_after_national_day_eve(cal):
    # 10-01..10-07 off; 10-08 Thu (1), 10-09 Fri (2), 10-10 Sat 调休 (3).
    result = cal.add_workdays(date(2026, 9, 30), 3)
    assert result == WorkdayResult(date(2026, 10, 10), (), None)
    assert result.date > date(2026, 10, 7)


def test_add_workdays_counts_a_tiaoxiu_weekend_day(cal):
    # Friday 02-13 + 1 working day = Saturday 02-14, a 调休 working day.
    assert cal.add_workdays(date(2026, 2, 13), 1).date == date(2026, 2, 14)
    # Saturday 02-14 + 1 skips the whole Spring Festival.
    assert cal.add_workdays(date(2026, 2, 14), 1).date == date(2026, 2, 24)
    # 元旦: 01-01..01-03 off, Sunday 01-04 worked.
    assert cal.add_workdays(date(2026, 1, 1), 1).date == date(2026, 1, 4)


def test_start_day_never_counts(cal):
    # A working-day start and a holiday start both count from the next day.
    assert cal.add_workdays(date(2026, 3, 9), 1).date == date(2026, 3, 10)
    assert cal.add_workdays(date(2026, 10, 3), 1).date == date(2026, 10, 8)


def test_n_zero_returns_start(cal):
    assert cal.add_workdays(date(2026, 10, 3), 0) == WorkdayResult(date(2026, 10, 3), (), None)


def test_negative_and_huge_n_are_refused_in_chinese(cal):
    with pytest.raises(ValueError, match="负数"):
        cal.add_workdays(date(2026, 3, 9), -1)
    with pytest.raises(ValueError, match="366"):
        cal.add_workdays(date(2026, 3, 9), 367)
    assert cal.add_workdays(date(2026, 3, 9), 366).date.year == 2027
    with pytest.raises(TypeError):
        cal.add_workdays(date(2026, 3, 9), 1.5)


def test_dates_far_from_today_are_refused(cal):
    with pytest.raises(ValueError, match="超过10年"):
        cal.add_workdays(date(2040, 1, 2), 1)
    with pytest.raises(ValueError, match="超过10年"):
        cal.add_workdays(date(2010, 1, 4), 1)
    with pytest.raises(ValueError, match="超过10年"):
        cal.previous_workday(date(2040, 1, 2))
    # Inside the range is fine.
    assert cal.add_workdays(date(2036, 5, 30), 1).date == date(2036, 6, 2)


# --------------------------------------------------------------- previous_workday


def test_previous_workday(cal):
    assert cal.previous_workday(date(2026, 10, 8)) == WorkdayResult(date(2026, 9, 30), (), None)
    # Before the first day back after 春节: the 调休 Saturday 02-14.
    assert cal.previous_workday(date(2026, 2, 24)).date == date(2026, 2, 14)
    # Strictly before, even when d itself is a working day.
    assert cal.previous_workday(date(2026, 3, 10)).date == date(2026, 3, 9)
    assert cal.previous_workday(date(2026, 3, 9)).date == date(2026, 3, 6)


# --------------------------------------------------------------- fallback years


def test_year_without_data_falls_back_to_weekdays_with_notice(cal):
    assert not _library_covers(2030)
    assert not cal.covers(2030)
    info = cal.day_info(date(2030, 1, 1))  # a Tuesday; surely a holiday, but unknown here
    assert info == DayInfo(date(2030, 1, 1), True, None, "weekday_fallback")
    result = cal.add_workdays(date(2030, 1, 1), 5)
    assert result.date == date(2030, 1, 8)
    assert result.fallback_years == (2030,)
    assert result.notice is not None
    assert "2030年" in result.notice
    assert "周一至周五" in result.notice
    assert "请以官方通知为准" in result.notice


def test_fallback_reports_every_year_touched(cal):
    result = cal.add_workdays(date(2029, 12, 28), 3)  # Fri -> Mon 12-31, Tue, Wed
    assert result.date == date(2030, 1, 2)
    assert result.fallback_years == (2029, 2030)
    assert "2029年、2030年" in result.notice


def test_crossing_into_an_unknown_year_reports_only_that_year():
    # 2026-12-31 is a Thursday (known), 2027-01-01 onward is unknown to this calendar,
    # whatever the installed chinese_calendar knows.
    cal = WorkCalendar(library_until=2026)
    result = cal.add_workdays(date(2026, 12, 30), 3)
    assert result.date == date(2027, 1, 4)
    assert result.fallback_years == (2027,)
    assert "2027年" in result.notice and "2026年" not in result.notice


def test_previous_workday_reports_fallback(cal):
    result = cal.previous_workday(date(2030, 1, 1))
    assert result.date == date(2029, 12, 31)
    assert result.fallback_years == (2029,)
    assert "2029年" in result.notice


def test_covers(cal, cal2031):
    assert cal.covers(2026)
    assert cal.covers(2004)
    assert not cal.covers(2003)
    assert not cal.covers(2031)
    assert cal2031.covers(2031)
    assert cal2031.covers(2026)
    assert cal2031.file_years == (2031,)


# --------------------------------------------------------------- holidays files


def test_synthetic_2031_file(cal2031):
    assert cal2031.day_info(date(2031, 1, 2)) == DayInfo(
        date(2031, 1, 2), False, "元旦", "holidays_file")
    assert cal2031.day_info(date(2031, 1, 5)) == DayInfo(
        date(2031, 1, 5), True, "元旦调休", "holidays_file")
    assert cal2031.day_info(date(2031, 1, 4)) == DayInfo(  # unlisted Saturday
        date(2031, 1, 4), False, None, "holidays_file")
    assert cal2031.day_info(date(2031, 1, 6)) == DayInfo(  # unlisted Monday
        date(2031, 1, 6), True, None, "holidays_file")
    assert not cal2031.is_workday(date(2031, 5, 5))  # one-day holiday, quoted date
    # Tue 12-31 (2030, no data) is the start and does not count: 01-01..01-04 are off,
    # Sunday 01-05 is worked.
    result = cal2031.add_workdays(date(2030, 12, 31), 1)
    assert result == WorkdayResult(date(2031, 1, 5), (), None)
    assert cal2031.add_workdays(date(2031, 1, 5), 1).date == date(2031, 1, 6)
    assert cal2031.previous_workday(date(2031, 1, 5)).date == date(2030, 12, 31)
    assert cal2031.previous_workday(date(2031, 1, 5)).fallback_years == (2030,)


def test_file_overrides_the_library(tmp_path):
    folder = tmp_path / "holidays"
    write_year(folder, "2026.toml", 'year = 2026\n[[holiday]]\nname = "测试"\n'
                                    "start = 2026-03-09\n")
    cal = WorkCalendar.load(folder, today=fixed_today)
    # The file says nothing of 春节, so 2026-02-16 is an ordinary Monday now.
    assert cal.day_info(date(2026, 2, 16)) == DayInfo(
        date(2026, 2, 16), True, None, "holidays_file")
    assert cal.day_info(date(2026, 3, 9)).name == "测试"
    assert not cal.is_workday(date(2026, 3, 9))
    # Other years still come from the library.
    assert cal.day_info(date(2025, 10, 1)).source == "chinese_calendar"


def test_file_with_only_a_year_is_covered_without_notice(tmp_path):
    write_year(tmp_path, "2030.toml", "year = 2030\n")
    cal = WorkCalendar.load(tmp_path, today=fixed_today)
    assert cal.covers(2030)
    result = cal.add_workdays(date(2030, 1, 1), 5)
    assert result == WorkdayResult(date(2030, 1, 8), (), None)


def test_missing_folder_means_library_only(tmp_path):
    cal = WorkCalendar.load(tmp_path / "does-not-exist", today=fixed_today)
    assert cal.covers(2026) and not cal.covers(2030)


def test_project_holidays_folder_loads():
    cfg = load_config(PROJECT_ROOT / "config.toml", env={})
    cal = WorkCalendar.load(cfg.calendar.holidays_dir, timezone=cfg.calendar.timezone)
    assert cal.covers(2026)
    assert isinstance(cal.today(), date)


def test_readme_example_is_valid(tmp_path):
    readme = (PROJECT_ROOT / "knowledge/holidays/README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", readme, re.S).group(1)
    write_year(tmp_path, "2027.toml", block)
    cal = WorkCalendar.load(tmp_path, today=fixed_today)
    assert cal.day_info(date(2027, 1, 2)) == DayInfo(
        date(2027, 1, 2), False, "元旦", "holidays_file")
    assert cal.day_info(date(2027, 2, 7)) == DayInfo(
        date(2027, 2, 7), True, "春节调休", "holidays_file")


def test_no_real_2027_file_is_shipped():
    assert not (PROJECT_ROOT / "knowledge/holidays/2027.toml").exists()


def test_unknown_timezone_is_an_error(tmp_path):
    with pytest.raises(CalendarError, match="Mars/Olympus"):
        WorkCalendar.load(tmp_path, timezone="Mars/Olympus")


BAD_FILES = {
    "bad toml": ("2031.toml", 'year = 2031\n[[holiday]\nname = "元旦"\n', "cannot parse"),
    "year mismatch": ("2031.toml", "year = 2032\n", "does not match"),
    "missing year": ("2031.toml", '[[workday]]\ndate = 2031-01-05\n', "year"),
    "date outside year": ("2031.toml", 'year = 2031\n[[holiday]]\nname = "元旦"\n'
                          "start = 2030-12-31\nend = 2031-01-01\n", "outside 2031"),
    "workday outside year": ("2031.toml", "year = 2031\n[[workday]]\nname = \"调休\"\n"
                             "date = 2032-01-04\n", "outside 2031"),
    "holiday and workday": ("2031.toml", 'year = 2031\n[[holiday]]\nname = "元旦"\n'
                            "start = 2031-01-01\nend = 2031-01-05\n"
                            '[[workday]]\nname = "元旦调休"\ndate = 2031-01-05\n',
                            "both a holiday"),
    "end before start": ("2031.toml", 'year = 2031\n[[holiday]]\nname = "元旦"\n'
                         "start = 2031-01-03\nend = 2031-01-01\n", "before start"),
    "overlapping holidays": ("2031.toml", 'year = 2031\n[[holiday]]\nname = "甲"\n'
                             'start = 2031-01-01\nend = 2031-01-03\n[[holiday]]\n'
                             'name = "乙"\nstart = 2031-01-03\n', "listed twice"),
    "workday on a weekday": ("2031.toml", 'year = 2031\n[[workday]]\nname = "调休"\n'
                             "date = 2031-01-06\n", "already a working day"),
    "missing start": ("2031.toml", 'year = 2031\n[[holiday]]\nname = "元旦"\n', "start"),
    "missing name": ("2031.toml", "year = 2031\n[[holiday]]\nstart = 2031-01-01\n", "name"),
    "not a date": ("2031.toml", 'year = 2031\n[[holiday]]\nname = "元旦"\n'
                   'start = "一月一日"\n', "not a date"),
    "datetime": ("2031.toml", 'year = 2031\n[[holiday]]\nname = "元旦"\n'
                 "start = 2031-01-01T08:00:00\n", "must be a date"),
    "typo key": ("2031.toml", 'year = 2031\n[[holidays]]\nname = "元旦"\n'
                 "start = 2031-01-01\n", "unknown key"),
    "bad file name": ("holidays-2031.toml", "year = 2031\n", "<year>.toml"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_raise_calendar_error_naming_the_file(tmp_path, case):
    name, text, message = BAD_FILES[case]
    write_year(tmp_path, name, text)
    with pytest.raises(CalendarError) as excinfo:
        WorkCalendar.load(tmp_path, today=fixed_today)
    assert name in str(excinfo.value)
    assert message in str(excinfo.value)


def test_a_bad_file_fails_even_next_to_good_ones(tmp_path):
    write_year(tmp_path, "2031.toml", SYNTHETIC_2031)
    write_year(tmp_path, "2032.toml", "year = 2033\n")
    with pytest.raises(CalendarError, match="2032.toml"):
        WorkCalendar.load(tmp_path)
