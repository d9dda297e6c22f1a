"""Parse the time expression at the start of a /remind command, in Simplified Chinese.

    parse_reminder("明天上午9点提醒大家交材料", now=<2026-11-28 10:00 Asia/Shanghai>)
    -> (Schedule(kind="once", at=2026-11-29 09:00+08:00, ...), "交材料")

The expression is one of

    once      := relative | [day] [time]          (at least one of the two)
    relative  := N (分钟|小时|天|周) 后           "30分钟后", "一个半小时后", "3天后上午9点"
    day       := 2026-12-01 | 12/1 | 12月1日 | 1号 | 下个月1号 | 明天 | 明早 | 周五 | 下周一
    time      := [period] (H点[M分|半|一刻] | H:MM)  "下午3点半", "早上8:30", "9时30分"
    recurring := (每天|工作日每天|每个工作日|每晚) [time]
               | 每周一 [time] | 每月1日 [time] | 每季度[第N个月][N日] [time]
               | 每[隔] N (小时|分钟)

followed by the reminder text. Pure and deterministic: no I/O, every time is computed
from the ``now`` passed in. Working days are not applied here (the reminder service does).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.procedures.dates import _RELATIVE, _WEEK_PREFIX, _WEEKDAYS, _month_length, _normalise
from ingest.numerals import parse_numeral

DEFAULT_TZ = "Asia/Shanghai"
KINDS = ("once", "daily", "weekly", "monthly", "quarterly", "interval")
MAX_TEXT = 500
MIN_INTERVAL_MINUTES = 60
MAX_INTERVAL_MINUTES = 366 * 24 * 60
# An explicit month/day this far in the past means next year; a nearer one is an error.
ROLL_OVER_DAYS = 180
DEFAULT_TIME = time(9, 0)
# The time expression is looked for in this many leading characters.
SCAN_CHARS = 64
WEEKDAY_NAMES = "一二三四五六日"
EXAMPLES = ("例如：\n/remind 明天上午9点 交材料\n/remind 30分钟后 开会\n"
            "/remind 周五下午3点 报送材料\n/remind 每周一9:00 报周报\n/remind 每月1日 报送月报")


class WhenError(ValueError):
    """The text is not a usable reminder; ``message`` is Chinese, for the user."""

    def __init__(self, reason: str):
        self.reason = reason
        self.message = f"{reason}。\n{EXAMPLES}"
        super().__init__(self.message)


def _hhmm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def _fmt_at(at: datetime) -> str:
    return f"{at.year}年{at.month}月{at.day}日（周{WEEKDAY_NAMES[at.weekday()]}）{_hhmm(at)}"


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1


def _wall(day: date, t: time, tz) -> datetime:
    return datetime(day.year, day.month, day.day, t.hour, t.minute, tzinfo=tz)


# --- the schedule ------------------------------------------------------------------------

@dataclass(frozen=True)
class Schedule:
    kind: str
    at: datetime | None = None           # once: the moment; interval: the anchor (creation time)
    time: _dt.time | None = None         # recurring: local time of day
    weekday: int | None = None           # weekly: 0 = Monday
    day: int | None = None               # monthly/quarterly: 1-31, clamped to the month's last day
    month_in_quarter: int | None = None  # quarterly: 1, 2 or 3
    minutes: int | None = None           # interval: period
    workdays_only: bool = False          # daily on working days only (the caller applies it)
    tz: str = DEFAULT_TZ                 # the zone recurring times are read in

    def __post_init__(self):
        problem = self._problem()
        if problem:
            raise ValueError(f"invalid Schedule: {problem}")

    def _problem(self) -> str | None:
        if self.kind not in KINDS:
            return f"kind {self.kind!r}"
        try:
            ZoneInfo(self.tz)
        except Exception:
            return f"tz {self.tz!r}"
        if self.kind in ("once", "interval") and (
                not isinstance(self.at, datetime) or self.at.utcoffset() is None):
            return f"{self.kind} needs an aware datetime `at`"
        if self.kind == "interval" and not (isinstance(self.minutes, int) and self.minutes > 0):
            return "interval needs positive minutes"
        if self.kind in ("daily", "weekly", "monthly", "quarterly") and not isinstance(self.time, time):
            return f"{self.kind} needs a time of day"
        if self.kind == "weekly" and self.weekday not in range(7):
            return "weekly needs weekday 0-6"
        if self.kind in ("monthly", "quarterly") and self.day not in range(1, 32):
            return f"{self.kind} needs day 1-31"
        if self.kind == "quarterly" and self.month_in_quarter not in (1, 2, 3):
            return "quarterly needs month_in_quarter 1-3"
        if not isinstance(self.workdays_only, bool):
            return "workdays_only must be a bool"
        return None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def describe(self) -> str:
        """Chinese, for the confirmation echo and the list of reminders."""
        if self.kind == "once":
            return _fmt_at(self.at.astimezone(self.zone))
        if self.kind == "interval":
            if self.minutes % 60 == 0:
                return f"每{self.minutes // 60}小时"
            return f"每{self.minutes}分钟"
        clock = _hhmm(self.time)
        if self.kind == "daily":
            return f"{'工作日' if self.workdays_only else ''}每天 {clock}"
        if self.kind == "weekly":
            return f"每周{WEEKDAY_NAMES[self.weekday]} {clock}"
        if self.day == 31:
            day = "最后一天"
        elif self.day > 28:
            day = f"{self.day}日（不足{self.day}日的月份为月末）"
        else:
            day = f"{self.day}日"
        if self.kind == "monthly":
            return f"每月{day} {clock}"
        return f"每季度第{self.month_in_quarter}个月{day} {clock}"

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "at": self.at.isoformat() if self.at is not None else None,
            "time": self.time.isoformat(timespec="minutes") if self.time is not None else None,
            "weekday": self.weekday,
            "day": self.day,
            "month_in_quarter": self.month_in_quarter,
            "minutes": self.minutes,
            "workdays_only": self.workdays_only,
            "tz": self.tz,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Schedule:
        """The inverse of ``to_dict``; raises ValueError on a malformed dict."""
        try:
            tz = d.get("tz") or DEFAULT_TZ
            at = d.get("at")
            if at is not None:
                at = datetime.fromisoformat(at)
                if at.utcoffset() is not None:
                    at = at.astimezone(ZoneInfo(tz))
            t = d.get("time")
            return cls(kind=d["kind"], at=at,
                       time=time.fromisoformat(t) if t is not None else None,
                       weekday=d.get("weekday"), day=d.get("day"),
                       month_in_quarter=d.get("month_in_quarter"), minutes=d.get("minutes"),
                       workdays_only=bool(d.get("workdays_only", False)), tz=tz)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"invalid Schedule dict: {exc}") from None

    def next_after(self, moment: datetime) -> datetime | None:
        """The first occurrence strictly after ``moment`` (aware), working days ignored."""
        if moment.utcoffset() is None:
            raise ValueError("moment must be timezone-aware")
        if self.kind == "once":
            return self.at if self.at > moment else None
        zone = self.zone
        if self.kind == "interval":
            step = timedelta(minutes=self.minutes)
            k = max(1, (moment - self.at) // step + 1)
            return (self.at.astimezone(_dt.timezone.utc) + k * step).astimezone(zone)
        local = moment.astimezone(zone)
        today = local.date()
        if self.kind == "daily":
            candidate = _wall(today, self.time, zone)
            return candidate if candidate > moment else _wall(today + timedelta(days=1), self.time, zone)
        if self.kind == "weekly":
            day = today + timedelta(days=(self.weekday - today.weekday()) % 7)
            candidate = _wall(day, self.time, zone)
            return candidate if candidate > moment else _wall(day + timedelta(days=7), self.time, zone)
        for n in range(7):  # monthly: this month or the next; quarterly: within 4 months
            year, month = _add_months(today.year, today.month, n)
            if self.kind == "quarterly" and (month - 1) % 3 != self.month_in_quarter - 1:
                continue
            day = date(year, month, min(self.day, _month_length(year, month)))
            candidate = _wall(day, self.time, zone)
            if candidate > moment:
                return candidate
        return None  # unreachable


def once(moment: datetime) -> Schedule:
    """A one-off schedule at `moment` (an aware datetime)."""
    return Schedule(kind="once", at=moment, time=None, weekday=None, day=None,
                    month_in_quarter=None, minutes=None, workdays_only=False)


# --- normalisation -----------------------------------------------------------------------

# Traditional forms a phone keyboard may produce; one character for one, so offsets hold.
_TRADITIONAL = str.maketrans("點時週後兩號鐘個禮", "点时周后两号钟个礼")
_COMMAND = re.compile(r"\s*/remind(?:@\w+)?(?:\s+|$)", re.IGNORECASE)


class _Text:
    """The normalised start of the input, with each character's end offset in the original.

    Whitespace becomes one space (it separates words); everything else goes through the
    leave parser's ``_normalise`` (NFKC, no emoji or format characters) one character at
    a time, so the reminder text can be cut from the original exactly as typed."""

    def __init__(self, raw: str):
        chars, ends = [], []
        for i, ch in enumerate(raw[:SCAN_CHARS]):
            norm = " " if ch.isspace() else _normalise(ch).translate(_TRADITIONAL)
            for c in norm:
                chars.append(c)
                ends.append(i + 1)
        self.s = "".join(chars)
        self._ends = ends

    def source_end(self, pos: int) -> int:
        return self._ends[pos - 1] if pos > 0 else 0


# --- the parser ----------------------------------------------------------------------------

_CN = "零〇一二三四五六七八九十两百"
NUM = rf"(?:\d+|[{_CN}]+)"
DEC = rf"(?:\d+(?:\.\d+)?|[{_CN}]+)"
# A weekday: Chinese, or a digit not running into a time ("周1 9:00"; "周19:00" is refused).
WDAY = r"([一二三四五六日天七]|[1-7](?![\d:点时]))"

_AM = ("凌晨", "早上", "早晨", "清晨", "上午", "早")
_NOON = ("中午",)
_PM = ("下午", "傍晚")
_EVENING = ("晚上", "晚间", "夜里", "夜间", "晚")
# Period words that give a time on their own; the others need an hour.
_PERIOD_DEFAULT = {"早上": 9, "早晨": 9, "清晨": 9, "上午": 9, "早": 9, "中午": 12}
# Day words that carry a period: 明早 = 明天早上.
_DAY_PERIOD = {"今早上": (0, "早上"), "今早": (0, "早"), "今晨": (0, "早"),
               "今晚上": (0, "晚上"), "今晚": (0, "晚"),
               "明早上": (1, "早上"), "明早": (1, "早"), "明晨": (1, "早"),
               "明晚上": (1, "晚上"), "明晚": (1, "晚")}
_DAY_WORDS = {**{w: (n, None) for w, n in _RELATIVE.items()}, **_DAY_PERIOD}
_UNIT_MINUTES = {"分钟": 1, "分": 1, "小时": 60, "钟头": 60,
                 "天": 1440, "日": 1440, "周": 10080, "星期": 10080, "礼拜": 10080}
# Largest days in any year (February 29).
_MAX_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _alt(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_P = {name: re.compile(pattern) for name, pattern in {
    # relative: "30分钟后", "一个半小时后", "1小时30分钟后", "3天后"
    "after": rf"(半|{DEC})\s*个?\s*(半)?\s*(分钟|小时|钟头|天|日|星期|礼拜|周|分)\s*(半)?"
             rf"(?:\s*({NUM})\s*分钟?)?\s*(?:以后|之后|后)",
    # recurring
    "workday": r"每个?工作日|工作日(?:每天|每日)?",
    "daily": r"每天|每日|天天|每早|每晚",
    "weekly": rf"每个?(?:周|星期|礼拜){WDAY}",
    "weekly_bare": r"每个?(?:周|星期|礼拜)",
    "weekly_range": r"\s*(?:到|至|-|~|—)",
    "monthly": rf"每个?月(?:份)?(?:的?({NUM})[日号]|的?(最后一天|月底|月末))?",
    "quarterly": rf"每个?季度?(?:的?第({NUM})个?月)?(?:的?({NUM})[日号])?",
    "interval": rf"每(?:隔)?\s*(半|{DEC})?\s*个?\s*(半)?\s*(分钟|小时|钟头|分)",
    # days
    "ymd": r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*[日号]?",
    "md": r"(\d{1,2})\s*[-/]\s*(\d{1,2})(?![\d:])",
    "cmd": rf"({NUM})\s*月\s*({NUM})\s*[日号]",
    "next_month": rf"(下个?月|本月|这个?月)\s*({NUM})\s*[日号]",
    "bare_day": rf"({NUM})\s*[日号](?![楼院馆室房线文令])",
    "rel": _alt(_DAY_WORDS),
    "week": rf"(下下个?|下个?|上个?|这个?|本)?(?:周|星期|礼拜){WDAY}",
    # times
    "period": _alt(w for w in _AM + _NOON + _PM + _EVENING if len(w) > 1)
              + rf"|[早晚](?=\s*[\d{_CN}])",
    "colon": r"(\d{1,2})\s*:\s*(\d{1,2})(?!\d)",
    "dotted": r"(\d{1,2})\.(\d{2})(?!\d)",  # "明天9.30"; alone "9.30" may be a date
    "hour": rf"({NUM})\s*(?:点钟|点|时)",
    "half": r"半",
    "quarter": r"([一1三3])刻",
    "sharp": r"整",
    "minute": rf"({NUM})\s*分(?!钟)",
    # bare minutes right after 点: two digits, or a Chinese number with 十 or a leading 零
    "bare_minute": rf"(\d{{2}})(?!\d)|(零[一二三四五六七八九]|[一二三四五]?十[一二三四五六七八九]?)(?![{_CN}])",
}.items()}

# What may separate the time from the text: punctuation and "提醒（我/大家）".
_LEADING = re.compile(r"(?:[\s,，:：、;；.。!！\-—~～]+|提醒(?:一下)?(?:大家|我们|我)?(?!函))+")
_LEADING_PUNCT = re.compile(r"[\s,，:：、;；.。!！\-—~～]+")


def _num(text: str) -> float:
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    value = parse_numeral(text)
    if value is None:
        raise WhenError(f"没看懂数字“{text}”")
    return value


class _Parser:
    def __init__(self, s: str, now: datetime):
        self.s, self.pos, self.now = s, 0, now
        self.today = now.date()
        self.zone = now.tzinfo

    def eat(self, name: str, adjacent: bool = False):
        """Match pattern ``name`` at the cursor (after spaces unless ``adjacent``)."""
        pos = self.pos
        if not adjacent:
            while pos < len(self.s) and self.s[pos] == " ":
                pos += 1
        m = _P[name].match(self.s, pos)
        if m:
            self.pos = m.end()
        return m

    def schedule(self) -> Schedule | None:
        return self.recurring() or self.relative() or self.once()

    # -- recurring ------------------------------------------------------------------------
    def recurring(self) -> Schedule | None:
        key = self.tz_key()
        if self.eat("workday"):
            return Schedule("daily", time=self.time_of_day(), workdays_only=True, tz=key)
        if m := self.eat("daily"):
            preset = {"每早": "早", "每晚": "晚"}.get(m.group())
            return Schedule("daily", time=self.time_of_day(preset), tz=key)
        if m := self.eat("weekly"):
            weekday = _weekday(m.group(1))
            if self.eat("weekly_range", adjacent=True):
                raise WhenError("暂不支持“每周一到周五”这种写法；周一到周五每天提醒请写“工作日每天8:30”")
            return Schedule("weekly", time=self.time_of_day(), weekday=weekday, tz=key)
        if self.eat("weekly_bare"):
            raise WhenError("“每周”要写明星期几，例如“每周一9:00”")
        if m := self.eat("monthly"):
            day = 31 if m.group(2) else _day(m.group(1)) if m.group(1) else 1
            return Schedule("monthly", time=self.time_of_day(), day=day, tz=key)
        if m := self.eat("quarterly"):
            month = int(_num(m.group(1))) if m.group(1) else 1
            if month not in (1, 2, 3):
                raise WhenError(f"每季度只有3个月，“第{m.group(1)}个月”应为第1到第3个月")
            day = _day(m.group(2)) if m.group(2) else 1
            return Schedule("quarterly", time=self.time_of_day(), day=day, month_in_quarter=month,
                            tz=key)
        if m := self.eat("interval"):
            amount, half, unit = m.groups()
            value = 0.5 if amount == "半" else (_num(amount) if amount else 1)
            minutes = round((value + (0.5 if half else 0)) * _UNIT_MINUTES[unit])
            if minutes < MIN_INTERVAL_MINUTES:
                raise WhenError(f"提醒间隔不能少于1小时（你写的是每{minutes}分钟）")
            if minutes > MAX_INTERVAL_MINUTES:
                raise WhenError("提醒间隔不能超过1年")
            return Schedule("interval", at=self.now, minutes=minutes, tz=key)
        return None

    def time_of_day(self, preset: str | None = None) -> time:
        clock = self.clock(preset, dotted=True)
        if clock is None:
            return DEFAULT_TIME
        if clock == (24, 0):
            raise WhenError("“晚上12点”不明确：半夜请写“0点”，中午请写“中午12点”")
        return time(*clock)

    # -- one-off ----------------------------------------------------------------------------
    def relative(self) -> Schedule | None:
        m = self.eat("after")
        if not m:
            return None
        amount, half, unit, half_after, extra = m.groups()
        value = 0.5 if amount == "半" else _num(amount)
        value += 0.5 if (half or half_after) else 0
        if value > 10_000:
            raise self.too_far()
        if extra and _UNIT_MINUTES[unit] != 60:
            raise WhenError(f"没看懂“{m.group().strip()}”")
        minutes = round(value * _UNIT_MINUTES[unit]) + (int(_num(extra)) if extra else 0)
        if minutes < 1:
            raise WhenError("提醒时间至少要在1分钟之后")
        at = self.now + timedelta(minutes=minutes)
        if _UNIT_MINUTES[unit] >= 1440 and minutes % 1440 == 0:
            # "3天后上午9点": that day at that time; "3天后" alone: this time of day.
            clock = self.clock(dotted=True)
            if clock is not None:
                at = self.at(at.date(), clock)
        return self.checked(at)

    def once(self) -> Schedule | None:
        start = self.pos
        day = self.day()
        clock = self.clock(day[2] if day else None, dotted=day is not None)
        if day is None and clock is None:
            self.pos = start
            return None
        clock = clock or (DEFAULT_TIME.hour, DEFAULT_TIME.minute)
        if day is None:  # a time alone: today, or tomorrow once it has passed
            at = self.at(self.today, clock)
            if at <= self.now:
                at = self.at(self.today + timedelta(days=1), clock)
            return self.checked(at)
        when, flex, _ = day
        at = self.at(when, clock)
        if at <= self.now and flex == "weekday":  # "周五" = the next Friday still ahead
            at = self.at(when + timedelta(days=7), clock)
        elif at <= self.now and flex == "md" and (self.today - when).days > ROLL_OVER_DAYS:
            when = _valid_date(when.year + 1, when.month, when.day)
            at = self.at(when, clock)
        return self.checked(at)

    def at(self, day: date, clock: tuple[int, int]) -> datetime:
        if clock == (24, 0):  # 晚上12点: the midnight ending that day
            return _wall(day + timedelta(days=1), time(0, 0), self.zone)
        return _wall(day, time(*clock), self.zone)

    def checked(self, at: datetime) -> Schedule:
        if at <= self.now:
            raise WhenError(f"这个时间已经过去了（{_fmt_at(at)}，现在是{_fmt_at(self.now)}），"
                            "请换一个以后的时间")
        if at > _plus_one_year(self.now):
            raise self.too_far(at)
        return Schedule("once", at=at, tz=self.tz_key())

    def too_far(self, at: datetime | None = None) -> WhenError:
        shown = f"（{_fmt_at(at)}）" if at is not None else ""
        return WhenError(f"提醒时间太远了{shown}，最多只能设在一年以内")

    def day(self) -> tuple[date, str, str | None] | None:
        """(date, how it may move, a period the day word carries) or None."""
        today = self.today
        if m := self.eat("ymd"):
            year, month, day = map(int, m.groups())
            if year > today.year + 1:
                raise self.too_far()
            if year < today.year:
                raise WhenError(f"这个时间已经过去了（{year}年），请换一个以后的时间")
            return _valid_date(year, month, day), "fixed", None
        if m := (self.eat("md") or self.eat("cmd")):
            month, day = int(_num(m.group(1))), _day(m.group(2))
            _check_month_day(month, day)
            return _valid_date(today.year, month, day), "md", None
        if m := self.eat("next_month"):
            shift = 1 if m.group(1).startswith("下") else 0
            year, month = _add_months(today.year, today.month, shift)
            return _valid_date(year, month, _day(m.group(2))), "fixed", None
        if m := self.eat("rel"):
            offset, period = _DAY_WORDS[m.group()]
            return today + timedelta(days=offset), "fixed", period
        if m := self.eat("week"):
            weekday = _weekday(m.group(2))
            week = _WEEK_PREFIX[m.group(1)]
            if week is None:
                return today + timedelta(days=(weekday - today.weekday()) % 7), "weekday", None
            monday = today - timedelta(days=today.weekday())
            return monday + timedelta(days=7 * week + weekday), "fixed", None
        if m := self.eat("bare_day"):  # "5号": this month, or next month once it has passed
            day = _day(m.group(1))
            year, month = today.year, today.month
            if day < today.day:
                year, month = _add_months(year, month, 1)
            return _valid_date(year, month, day), "fixed", None
        return None

    # -- time of day --------------------------------------------------------------------------
    def clock(self, preset: str | None = None, dotted: bool = False) -> tuple[int, int] | None:
        """(hour, minute) with hour 24 for 晚上12点, or None if there is no time here."""
        start = self.pos
        period = preset
        if m := self.eat("period"):
            period = m.group()
        colon = False
        if m := (self.eat("colon") or (dotted and self.eat("dotted"))):
            hour, minute, colon = int(m.group(1)), int(m.group(2)), True
        elif m := self.eat("hour"):
            hour, minute = int(_num(m.group(1))), self.minutes()
        elif period is not None and period in _PERIOD_DEFAULT:
            return _PERIOD_DEFAULT[period], 0
        elif period is not None:
            name = {"晚": "晚上", "早": "早上"}.get(period, period)
            example = {"下午": "3点", "傍晚": "6点"}.get(period, "8点")
            raise WhenError(f"“{name}”几点？请写明时间，例如“明天{name}{example}”")
        else:
            self.pos = start
            return None
        if hour > 23:
            raise WhenError(f"没有{hour}点，小时应为0到23")
        if minute > 59:
            raise WhenError(f"没有{minute}分，分钟应为0到59")
        return _apply_period(period, hour, minute, colon)

    def minutes(self) -> int:
        if self.eat("half", adjacent=True):
            return 30
        if m := self.eat("quarter", adjacent=True):
            return 15 if m.group(1) in "一1" else 45
        if self.eat("sharp", adjacent=True):
            return 0
        if m := self.eat("minute"):
            return int(_num(m.group(1)))
        if m := self.eat("bare_minute", adjacent=True):
            return int(_num(m.group(1) or m.group(2)))
        return 0

    def tz_key(self) -> str:
        return getattr(self.zone, "key", None) or DEFAULT_TZ


def _apply_period(period: str | None, hour: int, minute: int, colon: bool) -> tuple[int, int]:
    """The 24-hour clock for "下午3点" and friends."""
    def wrong():
        return WhenError(f"“{period}{hour}点”不对，请检查时间，例如“下午3点”“晚上8点”")

    if period is None:
        # Office hours: "3点" without 上午/下午 is 15:00; "8点" is 08:00; "15:00" is literal.
        return (hour + 12, minute) if not colon and 1 <= hour <= 6 else (hour, minute)
    if period == "凌晨":
        if hour > 6:
            raise wrong()
        return hour, minute
    if period in _AM:
        if hour > 12:
            raise wrong()
        return hour, minute
    if period in _NOON:
        if hour in (11, 12):
            return hour, minute
        if hour in (1, 2):
            return hour + 12, minute
        raise wrong()
    if period in _PM:
        if 1 <= hour <= 11:
            return hour + 12, minute
        if hour >= 12:
            return hour, minute
        raise wrong()
    # evening
    if 6 <= hour <= 11:
        return hour + 12, minute
    if hour >= 18:
        return hour, minute
    if hour == 12 and minute == 0:
        return 24, 0
    raise wrong()


def _weekday(s: str) -> int:
    return _WEEKDAYS[s] if s in _WEEKDAYS else int(s) - 1


def _day(s: str) -> int:
    day = int(_num(s))
    if not 1 <= day <= 31:
        raise WhenError(f"没有{day}日，日应为1到31")
    return day


def _check_month_day(month: int, day: int) -> None:
    if not 1 <= month <= 12:
        raise WhenError(f"没有{month}月，月份应为1到12")
    if day > _MAX_DAYS[month - 1]:
        raise WhenError(f"{month}月没有{day}日")


def _valid_date(year: int, month: int, day: int) -> date:
    _check_month_day(month, day)
    if not 1 <= day <= 31:
        raise WhenError(f"没有{day}日，日应为1到31")
    if day > _month_length(year, month):
        raise WhenError(f"{year}年{month}月没有{day}日")
    return date(year, month, day)


def _plus_one_year(now: datetime) -> datetime:
    try:
        return now.replace(year=now.year + 1)
    except ValueError:  # February 29
        return now.replace(year=now.year + 1, day=28)


def _reminder_text(rest: str) -> str:
    """Strip the separators and "提醒（我/大家）" between the time and the text; a text that
    is nothing but those words (a config entry's "每周一9:00 提醒") keeps the words."""
    m = _LEADING.match(rest)
    text = rest[m.end():].strip() if m else rest.strip()
    if not text:
        m = _LEADING_PUNCT.match(rest)
        text = rest[m.end():].strip() if m else rest.strip()
    return text


# --- entry point -----------------------------------------------------------------------------

def parse_reminder(text: str, now: datetime) -> tuple[Schedule, str]:
    """The schedule at the start of ``text`` and the reminder text after it.

    ``now`` must be aware (Asia/Shanghai); a one-off time is in its zone. Raises WhenError
    (``.message`` in Chinese, with examples) for any input that is not a usable reminder."""
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise TypeError("parse_reminder: now must be a timezone-aware datetime")
    if not isinstance(now.tzinfo, ZoneInfo):
        now = now.astimezone(ZoneInfo(DEFAULT_TZ))
    now = now.replace(microsecond=0)
    text = text if isinstance(text, str) else ""
    m = _COMMAND.match(text)
    raw = (text[m.end():] if m else text).lstrip()
    if not raw.strip():
        raise WhenError("请在 /remind 后面先写提醒时间，再写提醒内容")
    scan = _Text(raw)
    parser = _Parser(scan.s, now)
    try:
        schedule = parser.schedule()
    except WhenError:
        raise
    except (ValueError, OverflowError, KeyError, IndexError):
        schedule = None
    if schedule is None:
        raise WhenError(f"没有看懂“{raw.strip()[:12]}”开头的提醒时间。"
                        "时间要写在最前面，后面再写提醒内容")
    rest = _reminder_text(raw[scan.source_end(parser.pos):])
    if not rest:
        raise WhenError(f"只写了时间（{schedule.describe()}），还缺提醒内容。"
                        "请在时间后面写上要提醒的事，例如“/remind 明天9点 交材料”")
    if len(rest) > MAX_TEXT:
        raise WhenError(f"提醒内容太长了（{len(rest)}字），不能超过{MAX_TEXT}字，请精简后再发")
    return schedule, rest
