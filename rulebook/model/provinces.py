"""Stable ASCII keys for provinces, for URLs of per-province pages (compare/<topic>/<key>/).

Province names are Chinese and come from data; a URL made from them would change with any
respelling and be unreadable when percent-encoded. The 34 provincial-level divisions get their
two-digit GB/T 2260 code; any other name (a test's 测试省, a typo) gets a deterministic fallback
key from the name's hash, so a build never fails on it and the key stays the same between builds.
"""

from __future__ import annotations

import hashlib
import unicodedata

# GB/T 2260 provincial-level codes (the first two digits of the administrative division code).
GB2260: dict[str, str] = {
    "北京市": "11",
    "天津市": "12",
    "河北省": "13",
    "山西省": "14",
    "内蒙古自治区": "15",
    "辽宁省": "21",
    "吉林省": "22",
    "黑龙江省": "23",
    "上海市": "31",
    "江苏省": "32",
    "浙江省": "33",
    "安徽省": "34",
    "福建省": "35",
    "江西省": "36",
    "山东省": "37",
    "河南省": "41",
    "湖北省": "42",
    "湖南省": "43",
    "广东省": "44",
    "广西壮族自治区": "45",
    "海南省": "46",
    "重庆市": "50",
    "四川省": "51",
    "贵州省": "52",
    "云南省": "53",
    "西藏自治区": "54",
    "陕西省": "61",
    "甘肃省": "62",
    "青海省": "63",
    "宁夏回族自治区": "64",
    "新疆维吾尔自治区": "65",
    "台湾省": "71",
    "香港特别行政区": "81",
    "澳门特别行政区": "82",
}


def province_key(name: str) -> str:
    """The province's URL key: its GB/T 2260 code ('43'), else 'x' and 8 hex digits of the NFC name's
    SHA-256 (never two digits, so a fallback key cannot collide with a code)."""
    name = unicodedata.normalize("NFC", name.strip())
    if name in GB2260:
        return GB2260[name]
    return "x" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
