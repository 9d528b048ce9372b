"""Comparison page generators and exports, tested as pure functions."""

from __future__ import annotations

import csv
import io
import json
import re

import markupsafe

from rulebook import compare, exports
from rulebook.links import Links
from rulebook.models import CellStatus


def test_topic_page_links_every_cell_to_an_article(book):
    for topic_id, facts in book.facts.items():
        out = compare.topic_page(book, topic_id, Links())
        for attr in facts.attributes:
            for slug, cell in attr.cells.items():
                if cell.status == CellStatus.value:
                    assert f'href="../../cities/{slug}/#art_{cell.article}"' in out
                    assert str(markupsafe.escape(cell.quote)) in out  # as Jinja's autoescape writes it


def test_unknown_cells_are_marked_by_text(book):
    out = compare.topic_page(book, "documents")
    assert '<strong class="rb-status-label">原文缺失</strong>' in out
    assert "rb-status-missing" in out


def test_safe_json_cannot_close_the_script_element():
    text = compare.safe_json({"t": "</script><b>&"})
    assert "</script>" not in text and "<" not in text and "&" not in text
    assert json.loads(str(text)) == {"t": "</script><b>&"}


def test_two_city_data_holds_the_tagged_articles(book):
    data = compare.two_city_data(book, "meetings")
    assert set(data) == set(book.cities)
    assert all(entry["articles"] for entry in data.values())  # every city has meeting articles
    for slug, entry in data.items():
        expected = [a.anchor for a in book.city(slug).articles() if "meetings" in book.topics_of(slug, a.n)]
        assert [a["anchor"] for a in entry["articles"]] == expected


def test_csv_has_bom_and_one_row_per_cell(book):
    text = exports.download_files(book)["comparisons.csv"]
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    n_attr = sum(len(f.attributes) for f in book.facts.values())
    assert len(rows) == n_attr * len(book.cities)
    assert {r["status"] for r in rows} <= {"有规定", "未规定", "原文缺失", "待整理"}
    for r in rows:
        if r["status"] == "有规定":
            assert r["quote"] in book.city(r["city"]).article(int(r["article"])).text()


def test_json_export_round_trips(book):
    data = json.loads(exports.download_files(book)["comparisons.json"])
    assert len(data["rows"]) == len(data["attributes"]) * len(book.cities)
    assert all(re.fullmatch(r"cities/\w+/#art_\d+", r["url"]) for r in data["rows"] if r["url"])


def test_compare_index_lists_every_topic(book):
    out = compare.compare_index(book, Links(prefix="../"))
    for t in book.taxonomy.topics:
        assert f'<a href="../compare/{t.id}/">{t.label}</a>' in out
