"""Read the quantities the rules state (每月召开两次, 不少于60天, 7个工作日内) as (number, unit).

Used to check that a comparison cell's normalised number agrees with its quote, by the suggestions,
and (the same table, written into the site) by 对标检查 in the browser.
"""

from __future__ import annotations

import json
import re

from rulebook.model.numerals import cn_to_int

N = r"(\d+|[一二两三四五六七八九十]+)"
PERIODS_PER_YEAR = {"年": 1, "半年": 2, "季度": 4, "月": 12, "两周": 26, "二周": 26, "周": 52}
UNITS_TO_DAYS = {"天": 1, "日": 1, "个月": 30, "月": 30}

# (pattern, unit, how the groups make the number); patterns read alike in Python and JavaScript.
#   period: group 1 a period (PERIODS_PER_YEAR), group 2 a count   -> count per year
#   months: group 1 months, group 2 a count                         -> 12 / months × count per year
#   days:   group 1 a number, group 2 a unit (UNITS_TO_DAYS)        -> days
#   plain:  group 1 a number
RULES: list[tuple[str, str, str]] = [
    # frequencies: 每月召开两次, 每半年召开一次, 每两周召开一次, 每季度至少安排一次, 每年不超过1次
    (rf"每(半年|季度|两周|二周|年|月|周)[^，。；,;]{{0,8}}?{N}次", "次/年", "period"),
    (rf"每{N}个月[^，。；,;]{{0,6}}?{N}次", "次/年", "months"),  # 每2个月组织一次
    (rf"(?:不少于|不应少于|不得少于){N}(天|日|个月)", "天/年", "days"),  # 每年…不少于60天
    (rf"{N}个工作日", "工作日", "plain"),
    (rf"{N}\s*(?:日|天)(?:内|前)", "日", "plain"),
    (rf"会前{N}日", "日", "plain"),
    (rf"{N}\s*小时", "小时", "plain"),
]
_COMPILED = [(re.compile(p), unit, how) for p, unit, how in RULES]


def _n(text: str) -> int:
    return int(text) if text.isdigit() else cn_to_int(text)


def _value(m: re.Match[str], how: str) -> float:
    if how == "period":
        return PERIODS_PER_YEAR[m.group(1)] * _n(m.group(2))
    if how == "months":
        return 12 / _n(m.group(1)) * _n(m.group(2))
    if how == "days":
        return _n(m.group(1)) * UNITS_TO_DAYS[m.group(2)]
    return _n(m.group(1))


def quantities(text: str) -> list[tuple[float, str]]:
    """Every quantity stated in `text`, normalised: 次/年, 天/年, 工作日, 日, 小时."""
    return [(_value(m, how), unit) for rx, unit, how in _COMPILED for m in rx.finditer(text)]


def rules_json() -> str:
    """The table for the browser (JSON)."""
    return json.dumps({"rules": RULES, "periods": PERIODS_PER_YEAR, "days": UNITS_TO_DAYS}, ensure_ascii=False)
