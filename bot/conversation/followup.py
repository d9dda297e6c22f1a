"""Follow-ups without a language model: "那全体会议呢" after "常务会议谁参加" becomes the
question "全体会议谁参加", offered as "您是问…吗？" with a button, never answered blindly.

The follow-up's subject replaces the word of the previous question it stands for: one
that ends like it ("全体会议" for "常务会议", "办公室主任" for "副县长" as both are roles the
procedures know), found among the previous question's jieba words."""
from __future__ import annotations

import re

import jieba

_FOLLOWUP_RE = re.compile(r"^(?:那么?|那如果|如果是|换成|要是)?\s*(.{2,12}?)\s*(?:呢|的话呢|怎么样|咋办)\s*[？?。.!！]*$")


def followup_subject(text: str) -> str | None:
    """"那全体会议呢" → "全体会议"; None when the text is not a bare follow-up."""
    m = _FOLLOWUP_RE.match((text or "").strip())
    if m is None or not (text.strip().startswith("那") or text.strip().endswith(("呢", "呢？", "呢?"))):
        return None
    subject = m.group(1).strip("，, ")
    return subject if len(subject) >= 2 else None


def rewrite(previous: str, subject: str, kinds: dict[str, str] | None = None) -> str | None:
    """The previous question with `subject` in place of the word it stands for, or None.
    `kinds` maps known phrases to a category (e.g. roles): same category may replace."""
    kinds = kinds or {}
    words = [w for w in jieba.lcut(previous) if len(w) >= 2]
    candidates = []
    for w in words:
        if w == subject:
            return None  # the same subject: not a follow-up about something else
        shared = _common_suffix(w, subject)
        same_kind = kinds.get(w) is not None and kinds.get(w) == kinds.get(subject)
        if shared >= 2 or same_kind:
            candidates.append((shared + (5 if same_kind else 0), w))
    # Longer known phrases first ("常务副县长" before "副县长").
    for phrase in sorted(kinds, key=len, reverse=True):
        if phrase in previous and kinds.get(subject) == kinds[phrase] and phrase != subject:
            candidates.append((10 + len(phrase), phrase))
    if not candidates:
        return None
    _, word = max(candidates)
    return previous.replace(word, subject, 1)


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n
