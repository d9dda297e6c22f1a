"""Values in a question and the conditions of an article's clauses over them.

"档案形成8年了能开放吗" gives 8 年; "自形成之日起满二十五年" is a condition on 年 that 8
does not satisfy, "不少于4次" one on 次. The answer's lead prefers a clause with a
condition on the question's unit, and among those one whose condition the value meets,
instead of a clause whose number merely looks like the question's (bot/answer.py).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ingest.numerals import parse_numeral

_NUM = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
_UNIT = r"(个工作日|工作日|个小时|个月|月|年|日|天|小时|周|次|人|名|万元|元|%|个)"
_VALUE_RE = re.compile(_NUM + r"\s*" + _UNIT)
# A qualifier before or after the number says which way the condition runs.
_AT_LEAST_BEFORE = ("不少于", "至少", "不低于", "满", "超过", "达到", "高于", "多于", "逾")
_AT_MOST_BEFORE = ("不超过", "不足", "未满", "少于", "低于", "不满", "最长不超过", "最多")
_AT_LEAST_AFTER = ("以上", "以上的", "及以上")
_AT_MOST_AFTER = ("以内", "以下", "内", "之内")
_SAME_UNIT = {"天": "日", "个月": "月", "个工作日": "工作日", "个小时": "小时"}


@dataclass(frozen=True)
class Value:
    number: float
    unit: str
    text: str          # as the question wrote it: "8年"


@dataclass(frozen=True)
class Condition:
    number: float
    unit: str
    at_least: bool     # the value must be ≥ (or >) the number; else ≤ (or <)
    strict: bool

    def holds(self, value: Value) -> bool:
        if self.at_least:
            return value.number > self.number if self.strict else value.number >= self.number
        return value.number < self.number if self.strict else value.number <= self.number


def _unit(u: str) -> str:
    return _SAME_UNIT.get(u, u)


def _number(text: str) -> float | None:
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    if "万" in text:
        head = parse_numeral(text.replace("万", "")) if text != "万" else 1
        return float(head * 10000) if head is not None else None
    n = parse_numeral(text)
    return float(n) if n is not None else None


def question_values(question: str) -> list[Value]:
    text = unicodedata.normalize("NFKC", question)
    out = []
    for m in _VALUE_RE.finditer(text):
        n = _number(m.group(1))
        if n is not None and m.group(2) != "个":
            out.append(Value(n, _unit(m.group(2)), m.group(0)))
    return out


def conditions(clause: str) -> list[Condition]:
    text = unicodedata.normalize("NFKC", clause)
    out = []
    for m in _VALUE_RE.finditer(text):
        n = _number(m.group(1))
        if n is None:
            continue
        before, after = text[max(0, m.start() - 6): m.start()], text[m.end(): m.end() + 3]
        # The longest qualifier decides: 不少于 is "at least" although it ends in 少于.
        found = [(len(q), True, q) for q in _AT_LEAST_BEFORE if before.endswith(q)]
        found += [(len(q), False, q) for q in _AT_MOST_BEFORE if before.endswith(q)]
        if found:
            _, at_least, q = max(found)
            strict = q in ("超过", "高于", "多于", "逾", "不足", "未满", "少于", "低于", "不满")
        elif any(after.startswith(q) for q in _AT_LEAST_AFTER):
            at_least, strict = True, False
        elif any(after.startswith(q) for q in _AT_MOST_AFTER):
            at_least, strict = False, False
        else:
            continue
        out.append(Condition(n, _unit(m.group(2)), at_least=at_least, strict=strict))
    return out


def condition_fit(values: list[Value], clause: str) -> float:
    """0 when the clause has no condition on the question's units; 0.8 when it has one
    the value does not meet; 1 when every such condition holds for the value."""
    if not values:
        return 0.0
    relevant = [(c, v) for c in conditions(clause) for v in values if c.unit == v.unit]
    if not relevant:
        return 0.0
    return 1.0 if all(c.holds(v) for c, v in relevant) else 0.8
