"""Chinese numerals and dates as they appear in government documents."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rulebook.model.schema import Article

DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int:
    """'三十五' -> 35, '一百零二' -> 102, '十' -> 10, '35' -> 35."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + (digit or 0)


def int_to_cn(n: int) -> str:
    """35 -> '三十五', 10 -> '十', 102 -> '一百零二' (article numbering style)."""
    if n <= 0 or n >= 1000:
        raise ValueError(f"out of range: {n}")
    names = "零一二三四五六七八九"
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += names[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else names[tens]) + "十"
    if ones:
        out += names[ones]
    return out


def _year(text: str) -> int:
    return int(text) if text.isdigit() else int("".join(str(DIGITS[c]) for c in text))


def parse_date(text: str) -> str:
    """'二〇〇七年十月十三日' / '二○○七年…' / '2022年1月13日' / '2007-12-15' -> ISO 'YYYY-MM-DD'."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(.{4})年(.{1,3})月(.{1,3})日", text)
        if not m:
            raise ValueError(f"not a date: {text!r}")
        y = _year(m.group(1))
        mo, d = (int(g) if g.isdigit() else cn_to_int(g) for g in m.groups()[1:])
    return f"{y:04d}-{mo:02d}-{d:02d}"


def article_number(a: Article) -> str:
    """The article as a citation uses it: 第四十四条 (also for texts numbered 四十四、)."""
    return f"第{int_to_cn(a.n)}条"
