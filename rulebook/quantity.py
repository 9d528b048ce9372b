"""Read the quantities the rules state (每月召开两次, 不少于60天, 7个工作日内) as (number, unit).

Used to check that a comparison cell's normalised number agrees with its quote.
"""

from __future__ import annotations

import re

from .numerals import cn_to_int

N = r"(\d+|[一二两三四五六七八九十]+)"
PERIODS_PER_YEAR = {"年": 1, "半年": 2, "季度": 4, "月": 12, "两周": 26, "二周": 26, "周": 52}
UNITS_TO_DAYS = {"天": 1, "日": 1, "个月": 30, "月": 30}


def _n(text: str) -> int:
    return int(text) if text.isdigit() else cn_to_int(text)


def quantities(text: str) -> list[tuple[float, str]]:
    """Every quantity stated in `text`, normalised: 次/年, 天/年, 工作日, 日, 小时."""
    out: list[tuple[float, str]] = []
    # frequencies: 每月召开两次, 每半年召开一次, 每两周召开一次, 每季度至少安排一次, 每年不超过1次
    for m in re.finditer(rf"每(半年|季度|两周|二周|年|月|周)[^，。；,;]{{0,8}}?{N}次", text):
        out.append((PERIODS_PER_YEAR[m.group(1)] * _n(m.group(2)), "次/年"))
    # 每2个月组织一次
    for m in re.finditer(rf"每{N}个月[^，。；,;]{{0,6}}?{N}次", text):
        out.append((12 / _n(m.group(1)) * _n(m.group(2)), "次/年"))
    # durations per year: 每年…不少于60天 / 不应少于2个月
    for m in re.finditer(rf"(?:不少于|不应少于|不得少于){N}(天|日|个月)", text):
        out.append((_n(m.group(1)) * UNITS_TO_DAYS[m.group(2)], "天/年"))
    for m in re.finditer(rf"{N}个工作日", text):
        out.append((_n(m.group(1)), "工作日"))
    for m in re.finditer(rf"{N}\s*(?:日|天)(?:内|前)", text):
        out.append((_n(m.group(1)), "日"))
    for m in re.finditer(rf"会前{N}日", text):
        out.append((_n(m.group(1)), "日"))
    for m in re.finditer(rf"{N}\s*小时", text):
        out.append((_n(m.group(1)), "小时"))
    return out
