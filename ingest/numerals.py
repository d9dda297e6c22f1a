"""Chinese numerals <-> integers, for article and chapter numbers (一 … 九百九十九)."""
from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def parse_numeral(text: str) -> int | None:
    """Return the integer for a Chinese or Arabic numeral, or None if it is not one."""
    text = text.strip().translate(_FULLWIDTH_DIGITS)
    if not text:
        return None
    if text.isascii() and text.isdigit():  # not str.isdigit alone: '²'.isdigit() is True
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row ("五五") is not a numeral we emit
            digit = DIGITS[ch]
        elif ch in UNITS:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def to_numeral(n: int) -> str:
    """Format 0 … 9999 the way regulations write numbers: 10 → 十, 21 → 二十一, 105 → 一百零五."""
    if n < 0 or n > 9999:
        raise ValueError(n)
    if n == 0:
        return "零"
    names = "零一二三四五六七八九"
    parts, zero_pending = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            if parts:
                zero_pending = True
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(names[d] + unit)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text
