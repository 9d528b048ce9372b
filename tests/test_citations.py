"""Citation strings (rulebook/views/citations.py) for cities with and without 文号, and CSL-JSON against the
CSL schema."""

from __future__ import annotations

import json

import jsonschema
from conftest import ROOT

from rulebook.views import citations

SCHEMA = json.loads((ROOT / "tests/fixtures/csl-data.json").read_text(encoding="utf-8"))
URL = "http://intranet.example/rules/cities/zhuzhou/#art_44"


def test_short_form_names_the_doc_number_or_says_it_is_unknown(book):
    zhuzhou, liyang = book.city("zhuzhou"), book.city("liyang")
    assert citations.short(zhuzhou, zhuzhou.article(44)) == "《株洲市人民政府工作规则》（株政发〔2022〕1号）第四十四条"
    assert citations.short(zhuzhou) == "《株洲市人民政府工作规则》（株政发〔2022〕1号）"
    assert liyang.doc_number is None
    assert citations.short(liyang, liyang.article(3)) == "《溧阳市人民政府工作规则》（文号不详）第三条"


def test_gbt7714_reference_with_and_without_doc_number_and_date(book):
    zhuzhou, jixi, liyang = book.city("zhuzhou"), book.city("jixi"), book.city("liyang")
    assert citations.gbt7714(zhuzhou, "2026-12-02", URL) == (
        "株洲市人民政府. 株洲市人民政府工作规则: 株政发〔2022〕1号[A/OL]. (2022-01-13)[2026-12-02]. " + URL + "."
    )
    # 鸡西: date known, no 文号 — the 其他题名信息 is left out, not guessed.
    assert citations.gbt7714(jixi, "2026-12-02", "u") == (
        "鸡西市人民政府. 鸡西市人民政府工作规则[A/OL]. (2007-12-15)[2026-12-02]. u."
    )
    # 溧阳: neither 文号 nor date.
    expected = "溧阳市人民政府. 溧阳市人民政府工作规则[A/OL]. [2026-12-02]. u."
    assert citations.gbt7714(liyang, "2026-12-02", "u") == expected


def test_csl_json_validates_against_the_csl_schema(book):
    items = []
    for city in book.cities.values():
        for article in (None, city.article(1)):
            item = citations.csl(city, article)
            item |= {"URL": URL, "accessed": {"date-parts": [[2026, 12, 2]]}}
            items.append(item)
    jsonschema.validate(items, SCHEMA)
    zhuzhou = citations.csl(book.city("zhuzhou"), book.city("zhuzhou").article(44))
    assert zhuzhou["number"] == "株政发〔2022〕1号"
    assert zhuzhou["issued"] == {"date-parts": [[2022, 1, 13]]}
    assert zhuzhou["section"] == "第四十四条"
    liyang = citations.csl(book.city("liyang"))
    assert "number" not in liyang and "issued" not in liyang
    # The schema refuses what it does not know: a misspelt variable fails.
    try:
        jsonschema.validate([{**liyang, "Url": "x"}], SCHEMA)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("schema accepted an unknown variable")


def test_ris_record(book):
    zhuzhou, liyang = book.city("zhuzhou"), book.city("liyang")
    text = citations.ris_text(citations.ris(zhuzhou, zhuzhou.article(44)), "2026-12-02", URL)
    lines = text.split("\r\n")
    assert lines[0] == "TY  - GOVDOC"
    assert "M1  - 株政发〔2022〕1号" in lines and "DA  - 2022/01/13" in lines and "SE  - 第四十四条" in lines
    assert lines[-4:] == [f"UR  - {URL}", "Y2  - 2026/12/02", "ER  - ", ""]
    assert not any(x.startswith(("M1", "PY", "DA")) for x in citations.ris(liyang))
