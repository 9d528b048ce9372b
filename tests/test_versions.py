"""Versions in the data (model only): a city input may name the text it replaces and when its status was
checked; the importer carries both into the City and the city page shows 本文取代… and the status's date."""

from __future__ import annotations

import hashlib
import re

import pytest
from conftest import ROOT
from pydantic import ValidationError

from rulebook.data import yamlio
from rulebook.data.importer import import_city
from rulebook.model.schema import BoilerplateRules, CityInput, Superseded
from rulebook.views import render

RULES = BoilerplateRules.model_validate(yamlio.load((ROOT / "rules_data/boilerplate.yaml").read_text("utf-8")))
RAW = (ROOT / "tests/fixtures/provincial_rules.txt").read_bytes()


def _input(**metadata: object) -> CityInput:
    return CityInput.model_validate(
        {
            "id": "fixture",
            "source": {"file": "x.txt", "sha256": hashlib.sha256(RAW).hexdigest(), "captured_from": "测试"},
            "metadata": {"province": "某某省", "level": "省级", **metadata},
        }
    )


def test_replaces_and_status_date_reach_the_city_page():
    inp = _input(
        status="现行有效",
        status_as_of="2026-11-30",
        replaces={"title": "某某省人民政府工作规则", "doc_number": "某政发〔2018〕3号"},
    )
    city, _ = import_city(RAW, inp, RULES)
    assert city.status_as_of == "2026-11-30"
    assert Superseded(title="某某省人民政府工作规则", doc_number="某政发〔2018〕3号") in city.supersedes
    html = re.sub(r"<[^>]+>", "", render.city_page(city))  # the text a reader sees
    assert "现行有效（截至 2026-11-30）" in html
    # the fixture's text names its own predecessor (“…（某政发〔2018〕9号）同时废止”); the input adds one
    assert (
        "本文取代《某某省人民政府工作规则》（某政发〔2018〕9号）；《某某省人民政府工作规则》（某政发〔2018〕3号）"
        in html
    )
    same = _input(replaces={"title": "某某省人民政府工作规则", "doc_number": "某政发〔2018〕9号"})
    assert len(import_city(RAW, same, RULES)[0].supersedes) == 1  # named by the text: not repeated


def test_replaces_named_by_the_text_is_not_repeated(book):
    liyang = book.city("liyang")
    # the text's own last article: “…（溧政发〔2012〕121号）同时废止” (rules_data/sources/liyang.txt)
    assert liyang.supersedes == [Superseded(title="溧阳市人民政府工作规则", doc_number="溧政发〔2012〕121号")]
    assert liyang.status.value == "未核实" and liyang.status_as_of is None  # nothing citable says more
    html = re.sub(r"<[^>]+>", "", render.city_page(liyang))
    assert "本文取代《溧阳市人民政府工作规则》（溧政发〔2012〕121号）" in html


def test_the_status_date_is_a_date():
    with pytest.raises(ValidationError):
        _input(status_as_of="2026年11月30日")
    with pytest.raises(ValidationError):
        _input(replaces={"title": "x", "note": "not a field"})
