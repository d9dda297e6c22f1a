"""Working-day calendar: official holidays, 调休 working days, deadline arithmetic.

Sources, per year, in order of precedence:

1. ``<holidays_dir>/<year>.toml`` (see knowledge/holidays/README.md): entered by an
   operator once the State Council publishes a year's schedule. A file wins over the
   library, so a wrong or missing library entry can be corrected without an upgrade.
2. ``chinese_calendar``: the official schedule for the years the installed version knows.
3. Monday to Friday: for years with no data at all. Results computed this way say so
   (``WorkdayResult.fallback_years`` and a Chinese ``notice``) so that nobody mistakes
   an estimate for the official calendar.

Pure domain code: no chat transport, no network, deterministic for a given ``today``.
"""
from __future__ import annotations

import datetime as _dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar

Source = Literal["chinese_calendar", "holidays_file", "weekday_fallback"]

# add_workdays() accepts at most this many working days.
MAX_WORKDAYS = 366
# Dates farther than this from today are refused by add_workdays()/previous_workday().
MAX_YEARS_FROM_TODAY = 10
# previous_workday() gives up after this many consecutive non-working days (a file that
# marks a whole year as holiday, say) instead of scanning without end.
_MAX_SCAN_DAYS = 800

_FILE_NAME = re.compile(r"^(\d{4})\.toml$")
_FILE_KEYS = {"year", "holiday", "workday"}
_HOLIDAY_KEYS = {"name", "start", "end"}
_WORKDAY_KEYS = {"name", "date"}
_DEFAULT_WORKDAY_NAME = "调休"

# chinese_calendar names its holidays in English; users read Chinese.
_CHINESE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


class CalendarError(Exception):
    """A holidays file is missing, malformed or inconsistent (an operator error)."""


@dataclass(frozen=True)
class DayInfo:
    date: _dt.date
    workday: bool
    # Holiday name ("春节") on a holiday, 调休 name ("春节调休") on a weekend working
    # day, None on an ordinary day or weekend.
    name: str | None
    source: Source


@dataclass(frozen=True)
class WorkdayResult:
    date: _dt.date
    # Years whose days were classified Monday–Friday because no schedule was available.
    fallback_years: tuple[int, ...] = ()
    # A sentence for the user when fallback_years is non-empty, else None.
    notice: str | None = None


@dataclass(frozen=True)
class _YearFile:
    """One validated <year>.toml: date -> (workday, name) for the listed days."""

    year: int
    path: Path
    days: dict[_dt.date, tuple[bool, str]]


def fallback_notice(years: tuple[int, ...] | list[int]) -> str | None:
    """The Chinese notice for results computed with the Monday–Friday fallback."""
    if not years:
        return None
    listed = "、".join(f"{y}年" for y in sorted(set(years)))
    return f"{listed}的法定节假日安排尚未录入，已按周一至周五计算工作日，请以官方通知为准。"


class WorkCalendar:
    """Working days in mainland China, from chinese_calendar plus holidays files."""

    def __init__(
        self,
        files: dict[int, _YearFile] | None = None,
        *,
        timezone: str = "Asia/Shanghai",
        today: Callable[[], _dt.date] | None = None,
        library_until: int | None = None,
    ) -> None:
        self._files = dict(files or {})
        # Years after this are treated as unknown to chinese_calendar (tests of the
        # unknown-year path that keep working the day the library learns that year).
        self._library_until = library_until
        try:
            self._tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(f"unknown timezone {timezone!r}") from exc
        self._today = today
        # year -> {date: DayInfo} for every day of the year, or None when the year has
        # no data (Monday–Friday fallback). Filled lazily, one year at a time.
        self._years: dict[int, dict[_dt.date, DayInfo] | None] = {}

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        holidays_dir: Path,
        *,
        timezone: str = "Asia/Shanghai",
        today: Callable[[], _dt.date] | None = None,
    ) -> WorkCalendar:
        """Read every ``<year>.toml`` in holidays_dir (a missing folder means none).

        All files are validated now, so a bad file fails at start-up, not on the day a
        deadline falls in that year. ``today`` (a callable) fixes "today" for tests;
        by default it is the current date in ``timezone``.
        """
        holidays_dir = Path(holidays_dir)
        files: dict[int, _YearFile] = {}
        if holidays_dir.exists():
            if not holidays_dir.is_dir():
                raise CalendarError(f"holidays_dir is not a folder: {holidays_dir}")
            for path in sorted(holidays_dir.glob("*.toml")):
                year_file = _read_year_file(path)
                files[year_file.year] = year_file
        return cls(files, timezone=timezone, today=today)

    # ------------------------------------------------------------------ queries

    def today(self) -> _dt.date:
        """Today's date in the configured timezone (or the injected ``today``)."""
        if self._today is not None:
            return self._today()
        return _dt.datetime.now(self._tz).date()

    def covers(self, year: int) -> bool:
        """True if a holidays file or chinese_calendar has the official schedule for year."""
        return self._year_table(year) is not None

    @property
    def file_years(self) -> tuple[int, ...]:
        """Years read from holidays files."""
        return tuple(sorted(self._files))

    def day_info(self, d: _dt.date) -> DayInfo:
        d = _as_date(d)
        table = self._year_table(d.year)
        if table is None:
            return DayInfo(d, d.weekday() < 5, None, "weekday_fallback")
        return table[d]

    def is_workday(self, d: _dt.date) -> bool:
        return self.day_info(d).workday

    def add_workdays(self, start: _dt.date, n: int) -> WorkdayResult:
        """The date n working days after start; start itself never counts.

        n = 0 returns start unchanged. "3个工作日内" counted from 2026-09-30 ends after
        the National Day holiday.
        """
        start = _as_date(start)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, not {type(n).__name__}")
        if n < 0:
            raise ValueError(f"工作日天数不能为负数（收到 {n}）。")
        if n > MAX_WORKDAYS:
            raise ValueError(f"工作日天数不能超过{MAX_WORKDAYS}天（收到 {n}）。")
        self._check_range(start)
        fallback: set[int] = set()
        d = start
        remaining = n
        while remaining:
            d += _dt.timedelta(days=1)
            info = self.day_info(d)
            if info.source == "weekday_fallback":
                fallback.add(d.year)
            if info.workday:
                remaining -= 1
        return _result(d, fallback)

    def previous_workday(self, d: _dt.date) -> WorkdayResult:
        """The last working day strictly before d (e.g. for a reminder before a deadline)."""
        d = _as_date(d)
        self._check_range(d)
        fallback: set[int] = set()
        day = d
        for _ in range(_MAX_SCAN_DAYS):
            day -= _dt.timedelta(days=1)
            info = self.day_info(day)
            if info.source == "weekday_fallback":
                fallback.add(day.year)
            if info.workday:
                return _result(day, fallback)
        raise CalendarError(f"no working day in the {_MAX_SCAN_DAYS} days before {d}; "
                            "check the holidays files")

    # ------------------------------------------------------------------ internals

    def _check_range(self, d: _dt.date) -> None:
        today = self.today()
        try:
            low = today.replace(year=today.year - MAX_YEARS_FROM_TODAY)
            high = today.replace(year=today.year + MAX_YEARS_FROM_TODAY)
        except ValueError:  # 29 February
            low = _dt.date(today.year - MAX_YEARS_FROM_TODAY, 2, 28)
            high = _dt.date(today.year + MAX_YEARS_FROM_TODAY, 2, 28)
        if not low <= d <= high:
            raise ValueError(f"日期 {d.isoformat()} 距今超过{MAX_YEARS_FROM_TODAY}年，"
                             "无法计算工作日，请核对日期。")

    def _year_table(self, year: int) -> dict[_dt.date, DayInfo] | None:
        if year not in self._years:
            if year in self._files:
                table = _table_from_file(self._files[year])
            elif self._library_until is not None and year > self._library_until:
                table = None
            else:
                table = _table_from_library(year)
            self._years[year] = table
        return self._years[year]


# ---------------------------------------------------------------------- helpers


def _result(d: _dt.date, fallback: set[int]) -> WorkdayResult:
    years = tuple(sorted(fallback))
    return WorkdayResult(d, years, fallback_notice(years))


def _as_date(d) -> _dt.date:
    if isinstance(d, _dt.datetime):
        return d.date()
    if isinstance(d, _dt.date):
        return d
    raise TypeError(f"expected a date, not {type(d).__name__}")


def _days_of(year: int):
    d = _dt.date(year, 1, 1)
    while d.year == year:
        yield d
        d += _dt.timedelta(days=1)


def _table_from_library(year: int) -> dict[_dt.date, DayInfo] | None:
    """Every day of year from chinese_calendar, or None if it lacks any day of the year."""
    if not _dt.MINYEAR <= year <= _dt.MAXYEAR:
        return None
    table: dict[_dt.date, DayInfo] = {}
    for d in _days_of(year):
        try:
            workday = bool(chinese_calendar.is_workday(d))
            _, raw_name = chinese_calendar.get_holiday_detail(d)
        except NotImplementedError:
            return None
        name = _CHINESE_NAMES.get(raw_name, raw_name) if raw_name else None
        if name and workday:  # listed as a working day: a 调休 weekend day
            name = f"{name}调休"
        table[d] = DayInfo(d, workday, name, "chinese_calendar")
    return table


def _table_from_file(year_file: _YearFile) -> dict[_dt.date, DayInfo]:
    table: dict[_dt.date, DayInfo] = {}
    for d in _days_of(year_file.year):
        workday, name = year_file.days.get(d, (d.weekday() < 5, None))
        table[d] = DayInfo(d, workday, name, "holidays_file")
    return table


def _read_year_file(path: Path) -> _YearFile:
    """Parse and validate one holidays file; every error names the file."""

    def fail(message: str) -> CalendarError:
        return CalendarError(f"{path}: {message}")

    match = _FILE_NAME.match(path.name)
    if not match:
        raise fail("holidays files must be named <year>.toml, e.g. 2027.toml")
    file_year = int(match.group(1))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise fail(f"cannot parse: {exc}") from exc
    except OSError as exc:
        raise fail(f"cannot read: {exc}") from exc

    unknown = set(raw) - _FILE_KEYS
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(unknown))}; "
                   "expected year, [[holiday]], [[workday]]")
    year = raw.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise fail("missing or non-integer 'year'")
    if year != file_year:
        raise fail(f"year = {year} does not match the file name (expected {file_year})")

    def entries(key: str, allowed: set[str]) -> list[tuple[int, dict]]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
            raise fail(f"'{key}' must be written as [[{key}]] tables")
        out = []
        for i, entry in enumerate(value, 1):
            extra = set(entry) - allowed
            if extra:
                raise fail(f"[[{key}]] #{i}: unknown key(s) {', '.join(sorted(extra))}")
            out.append((i, entry))
        return out

    def name_of(key: str, i: int, entry: dict, default: str | None) -> str:
        name = entry.get("name", default)
        if not isinstance(name, str) or not name.strip():
            raise fail(f"[[{key}]] #{i}: 'name' must be a non-empty string")
        return name.strip()

    def date_of(key: str, i: int, entry: dict, field: str) -> _dt.date:
        value = entry.get(field)
        if value is None:
            raise fail(f"[[{key}]] #{i}: missing '{field}'")
        if isinstance(value, str):
            try:
                value = _dt.date.fromisoformat(value.strip())
            except ValueError:
                raise fail(f"[[{key}]] #{i}: {field} = {value!r} is not a date "
                           "(write 2027-01-01)") from None
        if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
            raise fail(f"[[{key}]] #{i}: {field} must be a date like 2027-01-01")
        if value.year != year:
            raise fail(f"[[{key}]] #{i}: {field} {value} is outside {year}")
        return value

    days: dict[_dt.date, tuple[bool, str]] = {}
    where: dict[_dt.date, str] = {}

    for i, entry in entries("holiday", _HOLIDAY_KEYS):
        name = name_of("holiday", i, entry, None)
        start = date_of("holiday", i, entry, "start")
        end = date_of("holiday", i, entry, "end") if "end" in entry else start
        if end < start:
            raise fail(f"[[holiday]] #{i} ({name}): end {end} is before start {start}")
        d = start
        while d <= end:
            if d in days:
                raise fail(f"{d} is listed twice: {where[d]} and [[holiday]] #{i} ({name})")
            days[d] = (False, name)
            where[d] = f"[[holiday]] #{i} ({name})"
            d += _dt.timedelta(days=1)

    for i, entry in entries("workday", _WORKDAY_KEYS):
        name = name_of("workday", i, entry, _DEFAULT_WORKDAY_NAME)
        d = date_of("workday", i, entry, "date")
        label = f"[[workday]] #{i} ({name})"
        if d in days:
            other = where[d]
            if other.startswith("[[holiday]]"):
                raise fail(f"{d} is both a holiday ({other}) and a working day ({label})")
            raise fail(f"{d} is listed twice: {other} and {label}")
        if d.weekday() < 5:
            raise fail(f"{label}: {d} is a {d.strftime('%A')}, already a working day; "
                       "[[workday]] is for weekend days that are worked (调休)")
        days[d] = (True, name)
        where[d] = label

    return _YearFile(year=year, path=path, days=days)
