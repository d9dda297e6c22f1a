"""Check a model-written answer against the evidence its tools returned.

Problems found (in Chinese, handed back to the model for its one regeneration):
- an article cited as 第N条 that does not exist, or that no tool showed;
- a quoted passage (“…”) that is not verbatim in an article the tools showed;
- a role named as signer or approver that the rule tools did not return, or a signer
  the rule tool decided that the answer leaves out;
- no article cited at all, unless the answer says the regulation does not cover it or
  declines an off-topic request;
- a line of the system prompt repeated back to the user."""
from __future__ import annotations

import re
import unicodedata

from bot.agent.tools import Evidence
from ingest.numerals import parse_numeral

_CITE_RE = re.compile(r"第\s*([零〇一二三四五六七八九十百两\d]+)\s*条")
_QUOTE_RE = re.compile(r"[“「\"]([^”」\"]{6,})[”」\"]")
# Longest first, so that 副县长 is not also read as 县长.
ROLES = ("常务副县长", "办公室副主任", "部门主要负责人", "乡镇主要负责人", "办公室主任", "副县长", "县长")
_ROLE_RE = re.compile("|".join(ROLES))
_DECIDING = ("签发", "签署", "审批", "批准", "同意", "审核", "签报")
DECLINES = ("没有相关规定", "没有规定", "未作规定", "未规定", "没有涉及", "不涉及", "无法回答",
            "只能回答", "不能回答", "无关", "超出")
_SENTENCE_RE = re.compile(r"[^。！？!?\n]+")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def cited_articles(text: str) -> list[int]:
    out = []
    for m in _CITE_RE.finditer(text):
        raw = m.group(1)
        n = int(raw) if raw.isdigit() else parse_numeral(raw)
        if n is not None and n not in out:
            out.append(n)
    return out


def verify(text: str, evidence: Evidence, existing: set[int], system_prompt: str = "") -> list[str]:
    problems: list[str] = []
    if not text.strip():
        return ["回答是空的。"]
    cited = cited_articles(text)
    for n in cited:
        if n not in existing:
            problems.append(f"引用了不存在的第{n}条。")
        elif n not in evidence.articles:
            problems.append(f"第{n}条不在检索或工具返回的条文中，不能引用。")
    shown = [_norm(t) for t in evidence.articles.values()]
    for quote in _QUOTE_RE.findall(text):
        if not any(_norm(quote) in t for t in shown):
            problems.append(f"引文“{quote[:40]}”不是条文原文。")
    # Who signs or approves: the rule tools' roles when they were used, else only roles
    # the cited articles themselves name.
    allowed = evidence.roles if evidence.routed else {
        r for n in cited for r in _ROLE_RE.findall(evidence.articles.get(n, ""))}
    for sentence in _SENTENCE_RE.findall(text):
        if not any(v in sentence for v in _DECIDING):
            continue
        for role in _ROLE_RE.findall(sentence):
            if role not in allowed:
                source = "规则工具给出的" if evidence.routed else "所引条文中的"
                problems.append(f"“{role}”不是{source}签发人或审批人。")
    if evidence.routed:
        for signer in evidence.signers:
            if signer not in text:
                problems.append(f"没有写出规则工具确定的签发人“{signer}”。")
    if not cited and not any(d in text for d in DECLINES):
        problems.append("没有注明依据的条款（第N条）；规则没有规定的，要明确说明。")
    for line in system_prompt.splitlines():
        line = line.strip()
        if len(line) >= 20 and _norm(line[:20]) in _norm(text):
            problems.append("回答复述了系统提示。")
            break
    return list(dict.fromkeys(problems))
