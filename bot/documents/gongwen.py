"""Read the elements of a 公文 (GB/T 9704-2012, 7.2–7.4) from its lines of text.

`parse_gongwen(lines)` never fails: what it cannot find stays None (or empty), and the
checks and the routing decide what that means. Elements keep the text as printed
(`number` with its own brackets, `date` in its own numerals), so that the format checks
can look at how they were written; parsed values sit next to them.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date

# 《党政机关公文处理工作条例》第八条: the 15 kinds. "令" is how a 命令 is titled.
KINDS = ("决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告",
         "请示", "批复", "议案", "函", "纪要")
_KIND_SUFFIXES = sorted([(k, k) for k in KINDS] + [("令", "命令"), ("会议纪要", "纪要")],
                        key=lambda kv: -len(kv[0]))
# Kinds that are addressed to someone (主送机关): GB/T 9704 7.3.2.
ADDRESSED_KINDS = {"通知", "通报", "报告", "请示", "批复", "函", "意见", "议案", "决定"}

_SP = r"[ \u3000]*"
_NUMBER_RE = re.compile(
    r"(?P<code>[\u4e00-\u9fff]{1,16})" + _SP
    + r"(?P<lb>[〔\[［(（【〖{])" + _SP + r"(?P<year>\d{2,4})" + _SP
    + r"(?P<rb>[〕\]］)）】〗}])" + _SP + r"(?P<serial>第?" + _SP + r"\d{1,5})" + _SP + r"号")
_SIGNER_RE = re.compile(r"签" + _SP + r"发" + _SP + r"人" + _SP + r"[：:]" + _SP + r"(?P<names>.*)$")
_SECRECY_RE = re.compile(r"(?P<level>绝" + _SP + r"密|机" + _SP + r"密|秘" + _SP + r"密)"
                         r"(?:" + _SP + r"[★☆*＊]" + _SP + r"(?P<period>[^\s]{1,12}))?")
_URGENCY_RE = re.compile(r"^(特" + _SP + r"急|加" + _SP + r"急|特" + _SP + r"提|平" + _SP + r"急)$")
_COPY_RE = re.compile(r"^\d{1,8}$")
_CN_DIGITS = "〇零○Ｏ一二三四五六七八九十"
_DATE_AR = re.compile(r"(?P<y>\d{4})" + _SP + r"年" + _SP + r"(?P<m>\d{1,2})" + _SP + r"月"
                      + _SP + r"(?P<d>\d{1,2})" + _SP + r"日")
_DATE_CN = re.compile(rf"(?P<y>[{_CN_DIGITS}]{{4}})年(?P<m>[{_CN_DIGITS}]{{1,2}})月(?P<d>[{_CN_DIGITS}]{{1,3}})日")
_PRINTED_RE = re.compile(r"^(?P<org>.*?)" + _SP + r"(?P<date>(\d{4}|[" + _CN_DIGITS + r"]{4})"
                         r"年.{1,3}月.{1,3}日)" + _SP + r"印" + _SP + r"发$")
_CC_RE = re.compile(r"^抄" + _SP + r"送" + _SP + r"[：:]" + _SP + r"(?P<cc>.*)$")
_ATTACH_RE = re.compile(r"^附" + _SP + r"件" + _SP + r"[：:]?" + _SP + r"(?P<rest>.*)$")
_ENUM_RE = re.compile(r"^(\d{1,2}[.．、]|[（(]\d{1,2}[)）])")
_NOTE_RE = re.compile(r"^[（(](?P<note>.*(联系人|联系电话|电话|此件|本件).*)[)）]$")
# Units' names end like this (发文机关标志, 署名, 主送, 抄送).
UNIT_SUFFIXES = ("人民政府办公室", "人民政府", "委员会", "办公室", "政府", "局", "委", "办", "镇",
                 "乡", "街道办事处", "街道", "中心", "院", "所", "厅", "处", "部", "会", "站", "队",
                 "公司", "集团", "大队", "支队", "常委会", "人大", "政协", "县委", "市委")
_LIST_SPLIT = re.compile(r"[，,、；;]+|\s{2,}")
_TRAILING = "：:，,。"


@dataclass
class Gongwen:
    copy_number: str | None = None          # 份号
    secrecy: str | None = None              # 密级和保密期限, as printed
    urgency: str | None = None              # 紧急程度
    issuer_mark: str | None = None          # 发文机关标志, spaces taken out
    issuers: list[str] = field(default_factory=list)   # the organs in the mark (joint: several)
    number: str | None = None               # 发文字号, as printed
    number_code: str | None = None          # 机关代字
    number_year: int | None = None
    number_serial: str | None = None        # as printed ("5", "05", "第5")
    number_brackets: str | None = None      # the two bracket characters around the year
    number_kind: str = "发文字号"             # or "令号" (a 令's "第3号", GB/T 9704 10.2)
    signers: list[str] = field(default_factory=list)   # 签发人
    title: str | None = None
    extra_titles: list[str] = field(default_factory=list)  # a second title: an error
    recipients: list[str] = field(default_factory=list)    # 主送机关
    body: list[str] = field(default_factory=list)          # 正文
    attachments: list[str] = field(default_factory=list)   # 附件说明
    signature: list[str] = field(default_factory=list)     # 发文机关署名
    date: str | None = None                 # 成文日期, as printed
    date_value: date | None = None
    date_arabic: bool | None = None
    date_invalid: bool = False              # printed, but no such day
    note: str | None = None                 # 附注
    cc: list[str] = field(default_factory=list)            # 抄送机关
    printer: str | None = None              # 印发机关
    print_date: str | None = None           # 印发日期
    kind: str | None = None                 # 文种, one of KINDS

    def as_dict(self) -> dict:
        out = asdict(self)
        out["date_value"] = self.date_value.isoformat() if self.date_value else None
        return out


def squeeze(text: str) -> str:
    return re.sub(r"[ \u3000]+", "", text)


def kind_of_title(title: str | None) -> str | None:
    """The 文种 a title ends with, past a trailing （草案）/（试行）/（征求意见稿）."""
    if not title:
        return None
    t = re.sub(r"[（(][^（）()]{1,8}[)）]$", "", squeeze(title)).rstrip("。.")
    for suffix, kind in _KIND_SUFFIXES:
        if t.endswith(suffix):
            if suffix == "令" and not re.search(r"(政府|局|部|委|院)令$", t):
                continue  # "…命令" ends in 令 too; a bare "…令" must be an organ's
            if suffix == "函" and len(t) < 3:
                continue
            return kind
    return None


def split_units(text: str) -> list[str]:
    parts = [squeeze(p).strip(_TRAILING) for p in _LIST_SPLIT.split(text)]
    return [p for p in parts if p]


def parse_gongwen(raw_lines: list[str]) -> Gongwen:
    doc = Gongwen()
    lines = [line.strip() for line in raw_lines if line and line.strip()]
    lines = _take_colophon(lines, doc)
    start = _take_head(lines, doc)
    rest = lines[start:]
    rest = _take_title(rest, doc)
    rest = _take_recipients(rest, doc)
    _take_closing(rest, doc)
    if doc.kind is None and doc.title is None and doc.issuer_mark:
        word = _mark_word(doc.issuer_mark)
        doc.kind = {"令": "命令", "纪要": "纪要"}.get(word or "")  # 10.2, 10.3: the mark names it
    if doc.kind is None and doc.title:
        doc.kind = kind_of_closing(doc.body)
    return doc


def _take_colophon(lines: list[str], doc: Gongwen) -> list[str]:
    """版记 (7.4): 抄送机关 (its list may wrap onto more lines) and 印发机关和印发日期, at
    the end; returns the lines before it."""
    end = len(lines)
    while end and re.fullmatch(r"[-—]\s*\d+\s*[-—]|第\d+页(共\d+页)?|[-—_─━=]{3,}", squeeze(lines[end - 1])):
        end -= 1  # page numbers and rules under the 版记
    cut = end
    printed_at = None
    for i in range(end - 1, max(-1, end - 4), -1):
        m = _PRINTED_RE.match(squeeze(lines[i]))
        if m:
            doc.printer = m.group("org").strip() or None
            doc.print_date = m.group("date")
            printed_at = cut = i
            break
    stop = printed_at if printed_at is not None else end
    for i in range(stop - 1, max(-1, stop - 8), -1):
        m = _CC_RE.match(squeeze(lines[i]))
        if m:
            text = m.group("cc") + "".join(squeeze(x) for x in lines[i + 1:stop])
            doc.cc = split_units(text)
            cut = i
            break
    while cut and re.fullmatch(r"[-—_─━=]{3,}", squeeze(lines[cut - 1])):
        cut -= 1
    return lines[:cut]


def _take_head(lines: list[str], doc: Gongwen) -> int:
    """版头 (7.2): 份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人; for a 令 its 令号
    (10.2), for a 纪要 its 期号 and the line with the issuing office and date (10.3).
    Returns where the head ends (the index of the first line after it)."""
    mark_lines: list[str] = []
    end = 0
    for i, line in enumerate(lines[:14]):
        s = squeeze(line)
        number = _NUMBER_RE.search(line)
        signer = _SIGNER_RE.search(line)
        if number and not s.startswith(("关于", "根据", "按照", "依据")) and len(s) <= 60:
            _set_number(doc, number)
            if signer:
                doc.signers += split_names(signer.group("names"))
            end = i + 1
            # More 签发人 lines may follow (a joint document lists every organ's).
            for j in range(i + 1, min(i + 4, len(lines))):
                more = _SIGNER_RE.search(lines[j])
                if more:
                    doc.signers += split_names(more.group("names"))
                    end = j + 1
                elif doc.signers and _is_name_list(lines[j]):
                    doc.signers += split_names(lines[j])
                    end = j + 1
                else:
                    break
            break
        if signer:
            doc.signers += split_names(signer.group("names"))
            end = i + 1
            continue
        if i < 4 and _COPY_RE.match(s) and doc.copy_number is None and not mark_lines:
            doc.copy_number = s
            end = i + 1
            continue
        secrecy = _SECRECY_RE.match(s)
        if secrecy and len(s) <= 16 and not mark_lines:
            doc.secrecy = s
            end = i + 1
            continue
        rest = s
        if doc.copy_number is None and re.match(r"^\d{6}", s):
            doc.copy_number, rest = s[:6], s[6:]
        if _URGENCY_RE.match(rest):
            doc.urgency = rest
            end = i + 1
            continue
        if mark_lines and _ORDER_NO_RE.fullmatch(s) and _mark_word(squeeze("".join(mark_lines))) == "令":
            doc.number, doc.number_serial, doc.number_kind = s, s, "令号"
            end = i + 1
            break
        if mark_lines and re.fullmatch(r"第\d{1,4}期", s):
            end = i + 1   # a 纪要's 期号 is not a 发文字号
            continue
        dated = _DATE_AR.search(s)
        if (mark_lines and _mark_word(squeeze("".join(mark_lines))) == "纪要" and dated
                and dated.end() == len(s) and _is_unit(s[:dated.start()])):
            _set_date(doc, dated)   # 10.3: the office and the date under the mark
            end = i + 1
            break
        word = _mark_word(s)
        if word:
            mark_lines.append(line)
            end = i + 1
            continue
        if _looks_like_title(s) or s.endswith(("：", ":")):
            break
        if _is_mark_line(s):
            following = squeeze(lines[i + 1]) if i + 1 < len(lines) else ""
            if not mark_lines and following.startswith("关于") and doc.number is None:
                break  # "西平县人民政府" over "关于…的通告": the title's first line
            mark_lines.append(line)
            end = i + 1
            continue
        if mark_lines:
            break
    if mark_lines:
        doc.issuers = mark_issuers(mark_lines)
        doc.issuer_mark = _mark_text(mark_lines, doc.issuers)
    return end


_ORDER_NO_RE = re.compile(r"第\d{1,5}号")


def _mark_word(s: str) -> str | None:
    """What a line that is a 发文机关标志 ends with: 文件, 令 (an organ's), 纪要 (a meeting's)."""
    if s.startswith("关于") or any(p in s for p in "。，,；;"):
        return None
    if s.endswith("文件") and len(s) <= 60:
        return "文件"
    if re.search(r"(政府|局|委|办)令$", s) and len(s) <= 30:
        return "令"
    if s.endswith("纪要") and re.search(r"(政府|委员会|局|办公室|委)", s) and len(s) <= 40:
        return "纪要"
    return None


def _mark_text(mark_lines: list[str], issuers: list[str]) -> str:
    """The mark as printed, spaces out; for a joint mark laid out as a table ("甲局  文件"
    over "乙局"), the organs in order, then the word."""
    joined = squeeze("".join(mark_lines))
    word = next((w for w in ("文件",) if any(re.search(r"\s+文件$|^文件$", x.strip()) for x in mark_lines)), None)
    if word and len(issuers) > 1:
        return "".join(issuers) + word
    return joined


def split_names(text: str) -> list[str]:
    """签发人 names: any space (one full-width space too) or punctuation separates them."""
    return [p for p in re.split(r"[\s\u3000，,、；;]+", text.strip()) if p]


def _set_number(doc: Gongwen, m: re.Match) -> None:
    doc.number = squeeze(m.group(0))
    doc.number_code = m.group("code")
    year = m.group("year")
    doc.number_year = int(year) if len(year) == 4 else None
    doc.number_serial = squeeze(m.group("serial"))
    doc.number_brackets = m.group("lb") + m.group("rb")


def _is_mark_line(s: str) -> bool:
    if any(p in s for p in "。，,；;？?！!"):
        return False
    if len(s) > 40:
        return False
    return s.endswith(("文件", "令", "函")) or s.endswith(UNIT_SUFFIXES) or s in ("文件", "纪要")


def mark_issuers(mark_lines: list[str]) -> list[str]:
    """The organs of a 发文机关标志: "西平县农业农村局西平县财政局文件" → both;
    "西平县人民政府常务会议纪要" → 西平县人民政府."""
    names: list[str] = []
    for line in mark_lines:
        for chunk in re.split(r"\s{2,}", line.strip()):
            chunk = _strip_mark_word(squeeze(chunk))
            if chunk:
                names.extend(_split_joined(chunk))
    return list(dict.fromkeys(names))


def _strip_mark_word(s: str) -> str:
    if s.endswith("纪要"):
        organ = re.match(r"^(.*?(人民政府办公室|人民政府|政府|委员会|办公室|局|委))", s)
        return organ.group(1) if organ else ""
    s = re.sub(r"(文件|函)$", "", s)
    if re.search(r"(政府|局|委|办)令$", s):
        s = s[:-1]
    return s


def _split_joined(chunk: str) -> list[str]:
    """Split names written one after another: at each point where a unit suffix is
    followed by the start of another name with the same county/organ prefix."""
    if len(chunk) <= 6:
        return [chunk]
    prefix = re.match(r"^(.{2,4}?[县市区省])", chunk)
    if prefix and chunk.count(prefix.group(1)) > 1:
        pieces = [prefix.group(1) + p for p in chunk.split(prefix.group(1)) if p]
        return pieces
    return [chunk]


def _is_name_list(line: str) -> bool:
    s = line.strip()
    return bool(re.fullmatch(r"[\u4e00-\u9fff·]{2,4}([ \u3000、]+[\u4e00-\u9fff·]{2,4})*", s))


def _looks_like_title(s: str) -> bool:
    if s.startswith("关于") and len(s) >= 6:
        return True
    return kind_of_title(s) is not None and len(s) >= 6 and not s.endswith(("文件",))


def _take_title(lines: list[str], doc: Gongwen) -> list[str]:
    """标题 (7.3.1): one or more lines, up to the one that ends with a 文种."""
    if not lines:
        return lines
    i = 0
    parts: list[str] = []
    while i < len(lines) and i < 4:
        s = squeeze(lines[i])
        if s.endswith(("：", ":")) and parts:
            break
        if not parts and (s.endswith(("：", ":")) or len(s) > 60 or "。" in s):
            break  # no title: the text starts right away
        parts.append(s)
        i += 1
        if kind_of_title("".join(parts)):
            break
        if "。" in s:
            break
    if not parts:
        return lines
    title = "".join(parts)
    if kind_of_title(title) is None and "关于" not in title:
        return lines  # the text starts right away (a 纪要 or 令 without a title)
    doc.title = title
    doc.kind = kind_of_title(title)
    # A second complete title before the 主送: a draft with two titles.
    while i < len(lines) and i < 6:
        s = squeeze(lines[i])
        if s.endswith(("：", ":")) or "。" in s or len(s) > 60:
            break
        if (s.startswith("关于") or kind_of_title(s)) and kind_of_title(s):
            doc.extra_titles.append(s)
            i += 1
            continue
        break
    return lines[i:]


def _take_recipients(lines: list[str], doc: Gongwen) -> list[str]:
    """主送机关 (7.3.2): the lines up to the first that ends with a colon."""
    for i, line in enumerate(lines[:4]):
        s = squeeze(line)
        if "。" in s or len(s) > 120:
            return lines
        if s.endswith(("：", ":")):
            text = "".join(squeeze(x) for x in lines[: i + 1])
            names = split_units(text.rstrip("：:"))
            if not _look_like_recipients(names):
                return lines  # "为…，现就有关事项通告如下：" opens the text of a 通告
            doc.recipients = names
            return lines[i + 1:]
    return lines


def _look_like_recipients(names: list[str]) -> bool:
    """A 主送 line names organs, groups or people; a sentence that ends in a colon
    ("为…，现就有关事项通告如下：") opens the text instead."""
    text = "".join(names)
    if re.search(r"(如下|现就|现将|为了|根据|按照|依据|经研究|特此)", text):
        return False
    return bool(names) and all(len(n) <= 25 for n in names)


def _take_closing(lines: list[str], doc: Gongwen) -> None:
    """正文, 附件说明, 发文机关署名, 成文日期 and 附注. The 署名 and date close the text;
    what follows them is the 附注 and, in a 印发 notice, the document it issues."""
    date_at = _closing_date(lines)
    body_end = len(lines)
    if date_at is not None:
        s = squeeze(lines[date_at])
        m = _DATE_AR.search(s) or _DATE_CN.search(s)
        _set_date(doc, m)
        inline = [s[:m.start()]] if m.start() > 0 else []   # "西平县教育局 2020年3月5日"
        above, body_end = _signature_above(lines, date_at, first=0, room=4 - len(inline))
        doc.signature = above + inline
        after = [squeeze(x) for x in lines[date_at + 1:date_at + 3]]
        if after:
            note = _NOTE_RE.match(after[0]) or re.fullmatch(r"[（(](.{2,60})[)）]", after[0])
            if note:
                doc.note = note.group(1) if note.re is not _NOTE_RE else note.group("note")
    elif doc.date is None:
        # No date: the 署名 may still close the text (never its first line).
        above, start = _signature_above(lines, len(lines), first=1)
        if above:
            doc.signature, body_end = above, start
    body = lines[:body_end]
    # 附件说明: "附件：1.…" and its numbered continuation lines, after the text.
    for i, line in enumerate(body):
        m = _ATTACH_RE.match(squeeze(line))
        if m and i > 0:
            items = [m.group("rest")] if m.group("rest") else []
            for more in body[i + 1:]:
                more = squeeze(more)
                if _ENUM_RE.match(more):
                    items.append(more)
                elif items and _unclosed(items[-1]):
                    items[-1] += more   # a name wrapped at the line's end (PDF text)
                else:
                    break
            doc.attachments = [re.sub(r"^(\d{1,2}[.．、]|[（(]\d{1,2}[)）])", "", x).strip()
                               for x in items if x]
            body = body[:i]  # 附件说明 closes the text
            break
    doc.body = body


def _set_date(doc: Gongwen, m: re.Match) -> None:
    doc.date = m.group(0)
    doc.date_arabic = m.re is _DATE_AR
    doc.date_value, doc.date_invalid = _date_of(m)


def _signature_above(lines: list[str], end: int, *, first: int, room: int = 4) -> tuple[list[str], int]:
    """The 署名 on the lines just above `end` (up to `room` names, none above line
    `first`), and the index where it starts."""
    names: list[str] = []
    j = end - 1
    while j >= first and len(names) < room and _signature_names(lines[j]):
        names[:0] = _signature_names(lines[j])
        j -= 1
    return names, j + 1


def _closing_date(lines: list[str]) -> int | None:
    """The line of the 成文日期: the first full-line date right after a 署名 (so a 印发
    notice's own date, not the issued document's), else a full-line date near the end."""
    def date_line(s: str):
        m = _DATE_AR.search(s) or _DATE_CN.search(s)
        if m and m.end() == len(s) and (m.start() == 0 or _is_unit(s[:m.start()])):
            return m
        return None

    for i, line in enumerate(lines):
        s = squeeze(line)
        m = date_line(s)
        if m and (m.start() > 0 or (i > 0 and _signature_names(lines[i - 1]))):
            return i
    for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
        if date_line(squeeze(lines[i])):
            return i
    return None


_LEADER_SIGN_RE = re.compile(r"^(县长|代县长|副县长|常务副县长|主任|局长|书记|镇长|乡长)[\u4e00-\u9fff·]{2,4}$")


def _signature_names(line: str) -> list[str]:
    """The 署名 on a line: one organ, organs side by side (a joint document), or a
    leader's title and name (a 令 or 议案 signed by the head, 7.3.5.3)."""
    pieces = [squeeze(p) for p in re.split(r"[ ]{2,}|\u3000+", line.strip()) if p.strip()]
    if pieces and all(_is_unit(p) for p in pieces):
        return pieces
    whole = squeeze(line)
    if _is_unit(whole) or _LEADER_SIGN_RE.match(whole):
        return [whole]
    return []


def _unclosed(s: str) -> bool:
    return s.count("（") + s.count("(") + s.count("《") > s.count("）") + s.count(")") + s.count("》")


# Closing formulas that name the 文种 when the title does not (a title without one is
# still flagged by the format check title.kind).
_CLOSINGS = (("妥否，请批示", "请示"), ("妥否,请批示", "请示"), ("特此请示", "请示"), ("特此报告", "报告"),
             ("特此通知", "通知"), ("特此通告", "通告"), ("特此公告", "公告"), ("特此通报", "通报"),
             ("特此批复", "批复"), ("此复", "批复"), ("特此函告", "函"), ("请函复", "函"), ("盼复", "函"))


def kind_of_closing(body: list[str]) -> str | None:
    tail = squeeze("".join(body[-3:]))
    return next((kind for words, kind in _CLOSINGS if words in tail), None)


def _is_unit(s: str) -> bool:
    s = s.strip()
    if not s or len(s) > 30 or any(p in s for p in "。，,；;：:？?！!（）()"):
        return False
    return s.endswith(UNIT_SUFFIXES)


def _date_of(m: re.Match) -> tuple[date | None, bool]:
    if m.re is _DATE_AR:
        y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    else:
        y = int("".join(str(_cn_digit(c)) for c in m.group("y")))
        mo, d = _cn_number(m.group("m")), _cn_number(m.group("d"))
    try:
        return date(y, mo, d), False
    except (ValueError, TypeError):
        return None, True


def _cn_digit(c: str) -> int:
    return 0 if c in "〇零○Ｏ" else "一二三四五六七八九".index(c) + 1


def _cn_number(s: str) -> int:
    if "十" not in s:
        return int("".join(str(_cn_digit(c)) for c in s))
    tens, _, ones = s.partition("十")
    return (_cn_digit(tens) if tens else 1) * 10 + (_cn_digit(ones) if ones else 0)
