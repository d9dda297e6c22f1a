"""Format checks of a 公文 (knowledge/gongwen/format_checks.toml): each entry names its
source (a clause of GB/T 9704-2012 or an article of the 条例) and a warning text; this
module holds the test for each id. A finding is a warning, never a verdict."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bot.documents.data import read_toml
from bot.documents.gongwen import ADDRESSED_KINDS, Gongwen


class ChecksError(Exception):
    pass


@dataclass(frozen=True)
class Finding:
    id: str
    text: str
    source: str


@dataclass(frozen=True)
class CheckSpec:
    id: str
    source: str
    text: str


@dataclass(frozen=True)
class Context:
    doc: Gongwen
    ocr: bool                  # bracket shapes and spacing are not reliable after OCR
    direction: str | None      # 上行文 / 平行文 / 下行文


def _number_brackets(c: Context) -> bool:
    return _is_number(c) and not c.ocr and c.doc.number_brackets != "〔〕"


def _is_number(c: Context) -> bool:
    """A 发文字号 to check (a 令's 令号 "第3号" has its own form, GB/T 9704 10.2)."""
    return bool(c.doc.number) and c.doc.number_kind == "发文字号"


def _number_year_full(c: Context) -> bool:
    return _is_number(c) and c.doc.number_year is None


def _number_serial(c: Context) -> bool:
    s = c.doc.number_serial or ""
    return _is_number(c) and (s.startswith("第") or bool(re.match(r"^0\d", s)))


def _year_vs_date(c: Context) -> bool:
    d = c.doc
    return bool(d.number_year and d.date_value and d.number_year != d.date_value.year)


def _upward_without_signer(c: Context) -> bool:
    return c.direction == "上行文" and _is_number(c) and not c.doc.signers


def _title_kind(c: Context) -> bool:
    from bot.documents.gongwen import kind_of_title

    return bool(c.doc.title) and kind_of_title(c.doc.title) is None


def _recipients_missing(c: Context) -> bool:
    return c.doc.kind in ADDRESSED_KINDS and not c.doc.recipients


def _date_arabic(c: Context) -> bool:
    return bool(c.doc.date) and c.doc.date_arabic is False


def _contact(c: Context) -> bool:
    note = c.doc.note or ""
    return c.doc.kind == "请示" and not ("联系人" in note or "电话" in note)


TESTS: dict[str, Callable[[Context], bool]] = {
    "mark.missing": lambda c: not c.doc.issuer_mark,
    "number.missing": lambda c: not c.doc.number and c.doc.kind not in ("纪要", "公告", "通告"),
    "number.brackets": _number_brackets,
    "number.year_full": _number_year_full,
    "number.serial": _number_serial,
    "number.year_vs_date": _year_vs_date,
    "signer.upward": _upward_without_signer,
    # A 令 and a 纪要 are named by their mark (GB/T 9704 10.2, 10.3): no title of their own.
    "title.missing": lambda c: not c.doc.title and c.doc.kind not in ("命令", "纪要"),
    "title.kind": _title_kind,
    "title.two": lambda c: bool(c.doc.extra_titles),
    "recipients.missing": _recipients_missing,
    "date.missing": lambda c: not c.doc.date,
    "date.arabic": _date_arabic,
    "date.invalid": lambda c: c.doc.date_invalid,
    "signature.missing": lambda c: bool(c.doc.date) and not c.doc.signature and c.doc.kind != "纪要",
    "note.contact": _contact,
    "copy.secret": lambda c: bool(c.doc.secrecy) and not c.doc.copy_number,
    "colophon.printer": lambda c: bool(c.doc.cc) and not c.doc.printer,
}


def load_checks(path: Path) -> list[CheckSpec]:
    raw = read_toml(path, ChecksError)
    specs = []
    for i, entry in enumerate(raw.get("check", []), start=1):
        if set(entry) != {"id", "source", "text"}:
            raise ChecksError(f"{path}: [[check]] #{i} needs exactly id, source and text")
        if entry["id"] not in TESTS:
            raise ChecksError(f"{path}: [[check]] {entry['id']!r} has no test in bot/documents/checks.py")
        specs.append(CheckSpec(entry["id"], entry["source"], entry["text"]))
    return specs


def run_checks(specs: list[CheckSpec], ctx: Context) -> list[Finding]:
    d = ctx.doc
    values = {"number": d.number or "", "brackets": d.number_brackets or "",
              "number_year": d.number_year or "", "date": d.date or "", "title": d.title or "",
              "extra_title": d.extra_titles[0] if d.extra_titles else "", "kind": d.kind or "公文",
              "secrecy": d.secrecy or ""}
    out = []
    for spec in specs:
        if TESTS[spec.id](ctx):
            out.append(Finding(spec.id, spec.text.format(**values), spec.source))
    return out
