"""Each check of the loader on a copy of rules_data seeded with one fault: the exact message it gives.

These replace tests that restated the checks on the real data (they could never fail: the `book`
fixture raises first). Like openstates' validation tests, each one proves a check fires, and says
what the editor reads: `file: key.path: message`."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from rulebook.data.load import check_rulebook

DATA = Path(__file__).resolve().parent.parent / "rules_data"
FILE = "rules_data/comparisons/emergency.yaml"


def _errors(tmp_path: Path, edit: Callable[[dict], None]) -> list[str]:
    shutil.copytree(DATA, tmp_path / "rules_data")
    path = tmp_path / FILE
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(doc["attributes"][0]["cells"])  # emergency_report_deadline: 鸡西 4 小时, art 70
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return check_rulebook(tmp_path)[1]


def test_the_unseeded_copy_is_clean(tmp_path):
    assert _errors(tmp_path, lambda cells: None) == []


def test_a_quote_not_in_its_cited_article(tmp_path):
    def edit(cells: dict) -> None:
        cells["jixi"]["quote"] = "4小时内报国务院"

    assert _errors(tmp_path, edit) == [
        f"{FILE}: attributes[0].cells.jixi.quote: not found verbatim in jixi art_70: '4小时内报国务院'"
    ]


def test_a_quote_citing_an_article_the_city_lacks(tmp_path):
    def edit(cells: dict) -> None:
        cells["jixi"]["article"] = 999

    assert _errors(tmp_path, edit) == [f"{FILE}: attributes[0].cells.jixi.article: jixi has no article 999"]


@pytest.mark.parametrize("missing", ["article", "quote", "value"])
def test_a_value_without_article_or_quote(tmp_path, missing):
    def edit(cells: dict) -> None:
        del cells["jixi"][missing]

    assert _errors(tmp_path, edit) == [
        f"{FILE}: attributes[0].cells.jixi: Value error, status 有规定 needs value, article and quote"
    ]


def test_an_unknown_with_a_quote(tmp_path):
    def edit(cells: dict) -> None:
        cells["jixi"]["status"] = "未规定"

    assert _errors(tmp_path, edit) == [
        f"{FILE}: attributes[0].cells.jixi: Value error, status 未规定 takes no value/article/quote/number"
    ]


def test_an_attribute_missing_a_city(tmp_path):
    def edit(cells: dict) -> None:
        del cells["jixi"]

    assert _errors(tmp_path, edit) == [f"{FILE}: attributes[0].cells.jixi: missing (use 未规定, 原文缺失 or 待整理)"]


def test_a_number_the_quote_does_not_state(tmp_path):
    def edit(cells: dict) -> None:
        cells["jixi"]["number"] = 5

    assert _errors(tmp_path, edit) == [
        f"{FILE}: attributes[0].cells.jixi.number: 5 小时 is not what the quote says ([4])"
    ]


def test_a_stated_number_left_out(tmp_path):
    def edit(cells: dict) -> None:
        del cells["jixi"]["number"]

    assert _errors(tmp_path, edit) == [
        f"{FILE}: attributes[0].cells.jixi.number: the quote states [4] 小时; give the normalised number"
    ]
