"""Parse the dates of a leave request as staff type them in Simplified Chinese.

    parse_date_range("12月3日到5日", today=date(2026, 11, 28))
    -> DateRange(start=date(2026, 12, 3), end=date(2026, 12, 5))

Two stages. ``_tokenize`` turns the normalised text into date tokens: numbers with their
unit (年/月/日/号/天), numeric dates (2026-12-3, 12/3), relative days (明天), weekdays
(下周一), range words (到, -) and start words (起). A small grammar combines them:

    request := point [range point] [count]
             | point [start] count
    point   := ymd | md | relative day | weekday | [year] [N月] N日

Pure and deterministic: no I/O, every date is computed from the ``today`` passed in.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

MAX_CHARS = 100
MAX_DAYS = 366
# A month/day without a year may lie this many days in the past (late registration).
GRACE_DAYS = 30
MIN_YEAR = 2000
# Explicit years later than today's year plus this are taken for typos.
MAX_YEARS_AHEAD = 10
EXAMPLE = "例如：12月3日到5日、明天、下周一起3天"


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date

    @property
    def days(self) -> int:
        """Calendar days, both ends included."""
        return (self.end - self.start).days + 1


class DateParseError(ValueError):
    """The text is not a usable leave date; ``str(error)`` is a Chinese message for the user."""


def _error(reason: str) -> DateParseError:
    return DateParseError(f"{reason}。请重新输入，{EXAMPLE}")


def _fmt(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --- tokenizer ---------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_WEEK_PREFIX = {None: None, "这": 0, "这个": 0, "本": 0, "下": 1, "下个": 1,
                "下下": 2, "下下个": 2, "上": -1, "上个": -1}
_RELATIVE = {"大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0,
             "明天": 1, "明日": 1, "后天": 2, "後天": 2, "大后天": 3, "大後天": 3}
_YEAR_WORDS = {"去年": -1, "今年": 0, "明年": 1}


def _alternation(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# Tried in this order at each position; the first match wins.
_RULES = [(kind, re.compile(pattern)) for kind, pattern in [
    ("ymd", r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)[日号]?"),
    ("md", r"(\d{1,2})[-/.](\d{1,2})(?![\d日号月])"),
    ("week", r"(下下个?|下个?|上个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天七1-7])"),
    ("rel", _alternation(_RELATIVE)),
    ("year", _alternation(_YEAR_WORDS)),
    ("range", r"到|至|[-~—―〜–−]+"),
    ("start", r"开始算|起算|算起|开始|起"),
    ("skip", r"请假|休假|一共|总共|共计|共|连续|为期|从|自|请|休|假|[,.;:!?、。]"),
    ("num", r"(\d+|[零〇一二三四五六七八九十两]+)(年|月|日|号|天)?"),
]]


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    groups: tuple


def _tokenize(text: str) -> list[_Tok]:
    tokens, pos = [], 0
    while pos < len(text):
        for kind, pattern in _RULES:
            m = pattern.match(text, pos)
            if m:
                break
        else:
            raise _error(f"没看懂“{text[pos:pos + 10]}”")
        if kind != "skip":
            tokens.append(_Tok(kind, m.group(), m.groups()))
        pos = m.end()
    return tokens


def _number(s: str) -> int:
    """'12' / '十二' / '三十一' / '两' / '二〇二六' -> int."""
    if s.isdigit():
        return int(s)
    if "十" not in s:
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    tens, _, units = s.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        raise _error(f"没看懂数字“{s}”")
    return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(units, 0)


# --- grammar -----------------------------------------------------------------------------

@dataclass
class _Point:
    """One date as written; resolved to a calendar date later."""
    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    offset: int | None = None   # 今天 0, 明天 1, ...
    week: int | None = None     # weeks from this week (本周 0, 下周 1); None: "周五" alone
    weekday: int | None = None  # Monday 0
    bare: bool = False          # a number with no unit, e.g. the "3" in "3到5号"

    @property
    def day_only(self) -> bool:
        return self.day is not None and self.month is None and self.year is None


class _Parser:
    def __init__(self, tokens: list[_Tok], today: date):
        self.tokens, self.i, self.today = tokens, 0, today

    def _peek(self, *kinds: str) -> _Tok | None:
        if self.i < len(self.tokens) and self.tokens[self.i].kind in kinds:
            return self.tokens[self.i]
        return None

    def _take(self, *kinds: str) -> _Tok | None:
        tok = self._peek(*kinds)
        if tok is not None:
            self.i += 1
        return tok

    def _unit(self, *units: str) -> int | None:
        """Take a number token whose unit is one of ``units``; return its value."""
        tok = self._peek("num")
        if tok and (tok.groups[1] or "") in units:
            self.i += 1
            return _number(tok.groups[0])
        return None

    def point(self) -> _Point | None:
        first = self.i
        if tok := self._take("ymd"):
            y, m, d = map(int, tok.groups)
            return _Point(tok.text, year=y, month=m, day=d)
        if tok := self._take("md"):
            m, d = map(int, tok.groups)
            return _Point(tok.text, month=m, day=d)
        if tok := self._take("rel"):
            return _Point(tok.text, offset=_RELATIVE[tok.text])
        if tok := self._take("week"):
            prefix, day = tok.groups
            weekday = _WEEKDAYS[day] if day in _WEEKDAYS else int(day) - 1
            return _Point(tok.text, week=_WEEK_PREFIX[prefix], weekday=weekday)
        pt = _Point("")
        if tok := self._take("year"):
            pt.year = self.today.year + _YEAR_WORDS[tok.text]
        else:
            pt.year = self._unit("年")
            if pt.year is not None and pt.year < 100:
                pt.year += 2000  # "26年"
        pt.month = self._unit("月")
        pt.day = self._unit("日", "号")
        if pt.day is None and (bare := self._unit("")) is not None:
            pt.day, pt.bare = bare, pt.month is None and pt.year is None
        if self.i == first:
            return None
        pt.text = "".join(t.text for t in self.tokens[first:self.i])
        return pt

    def request(self) -> DateRange:
        start_pt = self.point()
        if start_pt is None:
            if self._unit("天") is not None:
                raise _error("只写了天数，还缺开始日期")
            raise _error("缺少开始日期")
        end_pt = None
        if self._take("range"):
            end_pt = self.point()
            if end_pt is None:
                raise _error(f"“{start_pt.text}”到哪天？缺少结束日期")
        started = self._take("start")
        count = self._unit("天", "日") if started else self._unit("天")
        if started and count is None:
            raise _error(f"写了“{start_pt.text}起”，但没有写请几天")
        if self.i < len(self.tokens):
            other = self.point()
            if other is not None:
                first = end_pt or start_pt
                raise _error(f"“{first.text}”和“{other.text}”是两个日期，"
                             "如果是一段时间，请用“到”连接")
            raise _error(f"没看懂“{self.tokens[self.i].text}”的意思")
        if start_pt.bare and not (end_pt and end_pt.day_only and not end_pt.bare):
            raise _error(f"“{start_pt.text}”是哪一天？请写明几月几日")

        start = self.resolve(start_pt)
        if start.year < MIN_YEAR:
            raise _error(f"日期不能早于{MIN_YEAR}年")
        if end_pt is not None:
            end = self.resolve(end_pt, anchor=start)
            if end < start:
                hint = "（跨月请写明月份）" if end_pt.day_only else ""
                raise _error(f"结束日期{_fmt(end)}早于开始日期{_fmt(start)}{hint}")
            if count is not None and count != (end - start).days + 1:
                raise _error(f"从{_fmt(start)}到{_fmt(end)}是{(end - start).days + 1}天，"
                             f"与所写的{count}天不一致")
        elif count is not None:
            if not 1 <= count <= MAX_DAYS:
                raise _error(f"请假天数应在1到{MAX_DAYS}天之间，不能是{count}天")
            end = start + timedelta(days=count - 1)
        else:
            end = start
        result = DateRange(start, end)
        if result.days > MAX_DAYS:
            raise _error(f"从{_fmt(start)}到{_fmt(end)}共{result.days}天，超过了{MAX_DAYS}天")
        return result

    def resolve(self, pt: _Point, anchor: date | None = None) -> date:
        """The calendar date of ``pt``; ``anchor`` is the range start when ``pt`` is its end."""
        today = self.today
        if pt.offset is not None:
            return today + timedelta(days=pt.offset)
        if pt.weekday is not None:
            if pt.week is None:  # the next such weekday, the base day included
                base = anchor or today
                return base + timedelta(days=(pt.weekday - base.weekday()) % 7)
            monday = today - timedelta(days=today.weekday())
            return monday + timedelta(days=7 * pt.week + pt.weekday)

        y, m, d = pt.year, pt.month, pt.day
        if d is None:
            raise _error(f"“{pt.text}”没有写具体哪一天")
        if m is not None and not 1 <= m <= 12:
            raise _error(f"没有{m}月，月份应为1到12")
        if not 1 <= d <= 31:
            raise _error(f"没有{d}日，日应为1到31")
        if m is None and y is not None:
            raise _error(f"“{pt.text}”缺少月份")
        if m is None:
            # A day of the current month (or of the range start's month) is never more
            # than GRACE_DAYS past, so a bare day always means that month.
            y, m = (anchor or today).year, (anchor or today).month
        elif y is None and anchor is not None:
            y = anchor.year + (m < anchor.month)  # "12月30日到1月2日" crosses the year
        elif y is None:
            # The first occurrence on or after today - GRACE_DAYS.
            floor = today - timedelta(days=GRACE_DAYS)
            y = next(y for y in (today.year - 1, today.year, today.year + 1)
                     if (y, m, d) >= (floor.year, floor.month, floor.day))
        if not MIN_YEAR <= y <= today.year + MAX_YEARS_AHEAD:
            raise _error(f"年份{y}不对，只能填{MIN_YEAR}年到"
                         f"{today.year + MAX_YEARS_AHEAD}年之间的日期")
        if d > _month_length(y, m):
            raise _error(f"{y}年{m}月没有{d}日")
        return date(y, m, d)


def _month_length(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


# --- entry point -------------------------------------------------------------------------

def _normalise(text: str) -> str:
    """NFKC (full-width digits and punctuation), no whitespace, no emoji or symbols."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace()
                   and unicodedata.category(c) not in ("So", "Sk", "Cf", "Mn", "Cn", "Co"))


def parse_date_range(text: str, today: date) -> DateRange:
    """The leave dates in ``text``; raises DateParseError (Chinese message) on bad input."""
    if not isinstance(text, str) or not text.strip():
        raise _error("请输入请假日期")
    if len(text.strip()) > MAX_CHARS:
        raise _error(f"输入太长了（不要超过{MAX_CHARS}个字），请只写请假日期")
    norm = _normalise(text)
    if not norm:
        raise _error("没有找到日期")
    try:
        return _Parser(_tokenize(norm), today).request()
    except DateParseError:
        raise
    except (ValueError, OverflowError, KeyError):  # e.g. dates beyond date.max
        raise _error(f"没看懂“{norm[:10]}”") from None
