"""Split a long reply into messages of at most Telegram's 4096 characters, preferring
paragraph, then line, then sentence boundaries, so no article is cut mid-sentence unless
a single sentence is itself longer than the limit. Telegram counts UTF-16 code units
(an emoji counts twice), and so does this module."""
from __future__ import annotations

import re

TELEGRAM_LIMIT = 4096
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    if limit < 2:
        raise ValueError("limit must be at least 2")
    if units(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        if units(current) + units(piece) <= limit:
            current += piece
        else:
            if current.strip():
                parts.append(current.rstrip("\n"))
            current = piece.lstrip("\n")
    if current.strip():
        parts.append(current.rstrip("\n"))
    return parts


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs, broken further into lines, sentences and finally hard cuts until
    each fits the limit. Joining the pieces gives the text back."""
    out = []
    for para in re.split(r"(?<=\n\n)", text):
        if units(para) <= limit:
            out.append(para)
            continue
        for line in para.splitlines(keepends=True):
            if units(line) <= limit:
                out.append(line)
                continue
            for sentence in _SENTENCE_END.split(line):
                out += _hard_cut(sentence, limit)
    return out


def _hard_cut(sentence: str, limit: int) -> list[str]:
    pieces, current, size = [], "", 0
    for ch in sentence:
        width = units(ch)
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += ch
        size += width
    return pieces + ([current] if current else [])
