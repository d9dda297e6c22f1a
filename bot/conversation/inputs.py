"""Strict parsers for everything a user can type as an argument or forge as button data.

One parser per kind, each returning None for anything it does not accept, so a caller
never meets an exception from user input: ids are ASCII decimal within the range of the
database's integer columns (no '²', no 10**20), dates are real calendar dates written
exactly as YYYY-MM-DD, nonces are the hex tokens the chat store issues, choices are
indexes into the options a flow offered. ``parse_press`` reads a whole piece of button
data into a `Press`, or None when it is not one the bot could have made."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# SQLite INTEGER and PostgreSQL BIGINT are signed 64-bit.
MAX_ID = 2**63 - 1
_ASCII_DECIMAL = re.compile(r"[0-9]{1,19}")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_NONCE = re.compile(r"[0-9a-f]{8}")
# A flow button's choice: an option index, or a word the flow defines (x, ok, skip, …).
_CHOICE = re.compile(r"[0-9]{1,4}|[a-z]{1,8}")
# Button kinds and the number of fields after the kind.
REQUEST_KINDS = ("ap", "rj", "bk", "wd")


def parse_id(text: str | None) -> int | None:
    """A positive database id, or None."""
    if text is None or not _ASCII_DECIMAL.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_choice(text: str | None, count: int) -> int | None:
    """An index into `count` offered options, or None."""
    if text is None or not _ASCII_DECIMAL.fullmatch(text) or len(text) > 4:
        return None
    value = int(text)
    return value if value < count else None


def parse_iso_date(text: str | None) -> date | None:
    """A real calendar date written YYYY-MM-DD (no trailing newline, no 02-30), or None."""
    m = _ISO_DATE.fullmatch(text or "")
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_nonce(text: str | None) -> str | None:
    return text if text is not None and _NONCE.fullmatch(text) else None


@dataclass(frozen=True)
class Press:
    """Button data the bot could have made.

    kind "f": a flow's button — `nonce` and `choice` (an option index as text, or a word
    the flow defines: "x" cancels); "rm": cancel reminder `id`; "dl": a 会签 deadline `day`;
    "ap"/"rj"/"bk"/"wd": approve/reject/back/withdraw request `id` (at `step`)."""
    kind: str
    nonce: str | None = None
    choice: str | None = None
    id: int | None = None
    step: int | None = None
    day: date | None = None
    what: str | None = None   # "dl": the 发文字号 of the document the deadline is for


# A 发文字号 as a button may carry it: 机关代字, year in brackets, serial, 号.
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（【]\d{4}[〕\]］)）】]\d{1,5}号")


def parse_press(data: str | None) -> Press | None:
    parts = (data or "").split("|")
    kind, fields = parts[0], parts[1:]
    if kind == "f" and len(fields) == 2:
        nonce, choice = parse_nonce(fields[0]), fields[1]
        if nonce is None or not _CHOICE.fullmatch(choice):
            return None
        return Press("f", nonce=nonce, choice=choice)
    if kind == "rm" and len(fields) == 1:
        reminder = parse_id(fields[0])
        return Press("rm", id=reminder) if reminder is not None else None
    if kind == "dl" and len(fields) in (1, 2):
        day = parse_iso_date(fields[0])
        what = fields[1] if len(fields) == 2 else None
        if day is None or (what is not None and not _DOC_NUMBER.fullmatch(what)):
            return None
        return Press("dl", day=day, what=what)
    if kind in REQUEST_KINDS and len(fields) in (1, 2):
        request = parse_id(fields[0])
        step = parse_id(fields[1]) if len(fields) == 2 else None
        if request is None or (len(fields) == 2 and step is None):
            return None
        return Press(kind, id=request, step=step)
    return None
