"""What the lines before the first article say about a regulation: title, issuer, dates.

Published texts open with a title and a few dated lines:

    中华人民共和国突发事件应对法
    2007年8月30日 第十届全国人民代表大会常务委员会第二十九次会议通过
    2024年6月28日 第十四届全国人民代表大会常务委员会第十次会议修订）
    2012年6月28日 中华人民共和国国务院令第621号公布
    2012年10月1日 施行

(sometimes wrapped in one pair of brackets, sometimes followed by a 目录 block). Those
dated lines are metadata, never the title and never the notice; the last article's
"本条例自2019年9月1日起施行" gives the effective date when the header does not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# A dated line whose action says what happened to the text on that date.
_ACTIONS = (("revised", ("修订", "修正", "修改")), ("adopted", ("通过",)),
            ("promulgated", ("公布", "发布", "批准", "颁布", "印发")), ("effective", ("施行", "生效")))
_EFFECTIVE_IN_TEXT_RE = re.compile(r"自(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日起?(?:施行|生效)")
# Who issued it, as the promulgation line names it.
_ISSUER_PATTERNS = (
    re.compile(r"(中华人民共和国)?(?P<who>国务院、(?:中华人民共和国)?中央军事委员会)令"),
    re.compile(r"(中华人民共和国)?(?P<who>国务院)令"),
    re.compile(r"(?P<who>全国人民代表大会常务委员会)"),
    re.compile(r"(?P<who>全国人民代表大会)"),
    re.compile(r"(?P<who>国务院)(?:第[\d一二三四五六七八九十百]+次常务会议|批准|发布|公布)"),
    re.compile(r"\d日\s*(?P<who>[\u4e00-\u9fff、]{2,24}?(?:部|委员会|总局|局|署|办公厅|人民政府|银行))(?:令第\S+号)?(?:发布|公布|印发)"),
)
# Titles that name their issuer: "国务院关于…的规定", "西平县人民政府工作规则".
# Not "地方各级人民政府…条例": that names whom it governs.
_TITLE_ISSUER_RE = re.compile(r"^(?!地方|各级|中华人民共和国)(.+?(?:人民政府办公室|人民政府|国务院|委员会|办公室|局))")
TOC_RE = re.compile(r"^目\s*录$")


@dataclass
class FrontMatter:
    title: str = ""
    issuer: str = ""
    adopted: str = ""            # ISO dates, "" when the text does not say
    promulgated: str = ""
    effective: str = ""
    revised: list[str] = field(default_factory=list)

    @property
    def version_date(self) -> str:
        """The date of this version of the text: the last revision, else its issue."""
        dates = [d for d in (self.adopted, self.promulgated, *self.revised) if d]
        return max(dates) if dates else ""


def iso(m: re.Match) -> str:
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def is_dated_line(norm: str, bare_dates: bool = False) -> bool:
    """A promulgation/adoption/effective line: a date (after an optional bracket) with an
    action word ("2012年10月1日 施行"), or "发布之日施行". A bare date is one only when
    `bare_dates` (it follows the title; in a notice it is the notice's own date)."""
    s = norm.lstrip("(（[【 ").rstrip()
    if DATE_RE.match(s):
        return bare_dates or any(w in s for _, words in _ACTIONS for w in words)
    return bool(re.fullmatch(r"(自)?(公布|发布)之日(起)?施行[)）]?", s))


def read_dated_lines(norms: list[str], fm: FrontMatter) -> None:
    """Fill dates and issuer from the dated lines. One line may carry several events
    ("2007年8月30日…通过　2024年6月28日…修订")."""
    for n in norms:
        starts = list(DATE_RE.finditer(n))
        for k, m in enumerate(starts):
            end = starts[k + 1].start() if k + 1 < len(starts) else len(n)
            event = n[m.end():end]
            kind = next((name for name, words in _ACTIONS if any(w in event for w in words)), "")
            date = iso(m)
            if kind == "revised":
                if date not in fm.revised:
                    fm.revised.append(date)
            elif kind and not getattr(fm, kind):
                setattr(fm, kind, date)
            if kind in ("adopted", "promulgated", "revised") and not fm.issuer:
                fm.issuer = issuer_of(n[m.start():end])


def issuer_of(line: str) -> str:
    for pattern in _ISSUER_PATTERNS:
        m = pattern.search(line)
        if m:
            return m.group("who").replace("中华人民共和国", "")
    return ""


def issuer_from_title(title: str) -> str:
    m = _TITLE_ISSUER_RE.match(title or "")
    return m.group(1) if m else ""


def effective_from_text(last_articles_text: str) -> str:
    m = _EFFECTIVE_IN_TEXT_RE.search(last_articles_text)
    return iso(m) if m else ""
