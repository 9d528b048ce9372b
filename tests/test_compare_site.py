"""The built comparison pages: every cell links to an existing article anchor and shows its quote."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from urllib.parse import urljoin

import pytest

from rulebook.model.schema import CellStatus

pytestmark = pytest.mark.build


def _ids(html: str) -> set[str]:
    return set(re.findall(r'id="([^"]+)"', html))


def test_every_cell_links_to_an_existing_article_anchor(built_site, book):
    id_cache: dict[str, set[str]] = {}
    checked = 0
    for topic_id in book.facts:
        page_url = f"compare/{topic_id}/"
        html = (built_site / page_url / "index.html").read_text(encoding="utf-8")
        table = html[html.index("rb-sortable") : html.index("</table>")]
        for href in re.findall(r'<a href="([^"]+#art_\d+)"', table):
            target = urljoin("/" + page_url, href)  # -> /cities/<slug>/#art_<n>
            path, anchor = target.lstrip("/").split("#")
            if path not in id_cache:
                id_cache[path] = _ids((built_site / path / "index.html").read_text(encoding="utf-8"))
            assert anchor in id_cache[path], target
            checked += 1
    n_values = sum(  # one link per cited article: several quotes from one article are one citation
        len({q.article for q in c.quotes()})
        for f in book.facts.values()
        for a in f.attributes
        for c in a.cells.values()
        if c.status == CellStatus.value
    )
    assert checked == n_values


def test_a_cell_cites_each_article_once(built_site, book):
    repeated = 0
    for topic_id in book.facts:
        html = (built_site / "compare" / topic_id / "index.html").read_text(encoding="utf-8")
        for cite in re.findall(r'<span class="rb-cell-cite">(.*?)<sup>', html):
            labels = re.findall(r">(第[^<]+条)</a>", cite)
            assert labels and len(labels) == len(set(labels)), cite
            repeated += len(labels) > 1
    assert repeated > 0  # cells citing several articles still list each of them


def test_every_quote_is_shown_on_its_topic_page(built_site, book):
    for topic_id, facts in book.facts.items():
        html = unescape((built_site / "compare" / topic_id / "index.html").read_text(encoding="utf-8"))
        for attr in facts.attributes:
            for slug, cell in attr.cells.items():
                for q in cell.quotes():
                    assert f"“{q.quote}”" in re.sub(r"</?span[^>]*>", "", html), (attr.id, slug)


def test_tables_show_at_least_30_attributes_for_5_cities(built_site, book):
    headers = 0
    for topic_id in book.facts:
        html = (built_site / "compare" / topic_id / "index.html").read_text(encoding="utf-8")
        headers += len(re.findall(r'<th scope="col" data-attr=', html))
        assert len(re.findall(r'<tr data-city="', html)) == len(book.cities)
    assert headers >= 30


def test_zhuzhou_missing_chapters_show_as_source_missing(built_site):
    html = (built_site / "compare/documents/index.html").read_text(encoding="utf-8")
    row = html[html.index('<tr data-city="zhuzhou"') :]
    row = row[: row.index("</tr>")]
    assert row.count("原文缺失") >= 5


def test_downloads_are_built_and_linked(built_site, book):
    text = (built_site / "data/comparisons.csv").read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    data = json.loads((built_site / "data/comparisons.json").read_text(encoding="utf-8"))
    assert len(rows) == len(data["rows"]) >= 30 * len(book.cities)
    index = (built_site / "compare/index.html").read_text(encoding="utf-8")
    assert 'href="../data/comparisons.csv"' in index and 'href="../data/comparisons.json"' in index


def test_every_topic_has_a_page_with_all_city_texts(built_site, book):
    for t in book.taxonomy.topics:
        html = (built_site / "compare" / t.id / "index.html").read_text(encoding="utf-8")
        for slug in book.cities:
            assert f'<section class="rb-topic-city" data-city="{slug}">' in html
