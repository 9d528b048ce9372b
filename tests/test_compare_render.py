"""Comparison page generators and exports, tested as pure functions."""

from __future__ import annotations

import csv
import io
import json
import re

import markupsafe
import pytest

from rulebook.analysis import align
from rulebook.model.schema import CellStatus
from rulebook.views import exports, topics
from rulebook.views.links import Links


@pytest.fixture(scope="module")
def alignment(book):
    return align.align(book)


def test_topic_page_links_every_cell_to_an_article(book):
    for topic_id, facts in book.facts.items():
        out = topics.topic_page(book, topic_id, Links())
        for attr in facts.attributes:
            for slug, cell in attr.cells.items():
                if cell.status == CellStatus.value:
                    assert f'href="../../cities/{slug}/#art_{cell.article}"' in out
                    assert str(markupsafe.escape(cell.quote)) in out  # as Jinja's autoescape writes it


def test_unknown_cells_are_marked_by_text(book):
    out = topics.topic_page(book, "documents")
    assert '<strong class="rb-status-label">原文缺失</strong>' in out
    assert "rb-status-missing" in out


def test_safe_json_cannot_close_the_script_element():
    text = topics.safe_json({"t": "</script><b>&"})
    assert "</script>" not in text and "<" not in text and "&" not in text
    assert json.loads(str(text)) == {"t": "</script><b>&"}


def test_two_city_data_holds_the_tagged_articles(book):
    data = topics.two_city_data(book, "meetings")
    assert set(data) == set(book.cities)
    assert all(entry["articles"] for entry in data.values())  # every city has meeting articles
    for slug, entry in data.items():
        expected = [a.anchor for a in book.city(slug).articles() if "meetings" in book.topics_of(slug, a.n)]
        assert [a["anchor"] for a in entry["articles"]] == expected
        assert all(a["m"] == {} for a in entry["articles"])  # no alignment given: nothing paired


def test_two_city_data_pairs_articles_from_the_alignment(book, alignment):
    data = topics.two_city_data(book, "meetings", alignment)
    by_n = {slug: {a["n"]: a for a in entry["articles"]} for slug, entry in data.items()}
    # 常务会议: 郴州 35 ↔ 株洲 44 (composition and tasks of the standing meeting, issue 17's example)
    n, score = by_n["chenzhou"][35]["m"]["zhuzhou"]
    assert n == 44 and 0 < score <= 1
    assert by_n["zhuzhou"][44]["m"]["chenzhou"][0] == 35
    assert by_n["chenzhou"][35]["label"] == "第三十五条" and by_n["chenzhou"][35]["anchor"] == "art_35"
    for slug, arts in by_n.items():
        for a in arts.values():
            assert slug not in a["m"]
            for other, (m, s) in a["m"].items():
                assert m in by_n[other]  # counterparts are the other city's articles on the topic
                expected = next(x for x in alignment[(slug, a["n"])] if x.city == other)
                assert (expected.n, expected.score) == (m, s)
    # compact: no counterpart outside the topic is shipped (郴州 19 is 株洲 28's best match, not a meeting article)
    assert "chenzhou" not in by_n["zhuzhou"][28]["m"]
    assert "chenzhou" in {m.city for m in alignment[("zhuzhou", 28)]}


def test_csv_has_bom_and_one_row_per_cell(book, alignment):
    text = exports.download_files(book, alignment)["comparisons.csv"]
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    n_attr = sum(len(f.attributes) for f in book.facts.values())
    assert len(rows) == n_attr * len(book.cities)
    assert {r["status"] for r in rows} <= {"有规定", "未规定", "原文缺失", "待整理"}
    for r in rows:
        if r["status"] == "有规定":
            assert r["quote"] in book.city(r["city"]).article(int(r["article"])).text()


def test_json_export_round_trips(book, alignment):
    data = json.loads(exports.download_files(book, alignment)["comparisons.json"])
    assert len(data["rows"]) == len(data["attributes"]) * len(book.cities)
    assert all(re.fullmatch(r"cities/\w+/#art_\d+", r["url"]) for r in data["rows"] if r["url"])


def test_compare_index_lists_every_topic(book):
    out = topics.compare_index(book, Links(prefix="../"))
    for t in book.taxonomy.topics:
        assert f'<a href="../compare/{t.id}/">{t.label}</a>' in out
