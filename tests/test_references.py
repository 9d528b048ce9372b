"""The 依据与参照 page: every higher rule the cities cite, with the cities citing it."""

from __future__ import annotations

import dataclasses
import re

import markupsafe

from rulebook.build import pages
from rulebook.model.schema import Reference, Relation
from rulebook.views import legal_basis
from rulebook.views.links import Links


def test_every_reference_is_listed_under_its_title(book):
    rules = legal_basis.cited_rules(book)
    listed = {(c.city.id, r.title, c.relation) for r in rules for c in r.cities}
    cited = {(c.id, x.title, x.relation) for c in book.cities.values() for x in c.references}
    assert listed == cited and len(listed) == sum(len(c.references) for c in book.cities.values())
    counts = [len(r.cities) for r in rules]
    assert counts == sorted(counts, reverse=True)  # the most cited first
    # 组织法 is cited by all five cities of the seed data
    assert rules[0].title == "中华人民共和国地方各级人民代表大会和地方各级人民政府组织法"
    assert [c.city.id for c in rules[0].cities] == [c.id for c in book.ordered_cities()]


def test_each_citation_links_the_article_it_is_read_from(book):
    for r in legal_basis.cited_rules(book, Links("../", True)):
        for c in r.cities:
            first = c.city.articles()[0]
            assert c.href == f"../cities/{c.city.id}/#{first.anchor}" and c.article == "第一条"


def test_reference_titles_are_escaped(book):
    city = book.cities["liyang"]
    payload = '<script>alert(1)</script>{{ x }}"&'
    bad = city.model_copy(update={"references": [Reference(title=payload, relation=Relation.with_reference_to)]})
    html = legal_basis.references_page(dataclasses.replace(book, cities={**book.cities, "liyang": bad}))
    assert "<script>" not in html
    assert f"《{markupsafe.escape(payload)}》" in html


def test_the_page_is_a_registered_generated_kind(book):
    stubs = dict(pages.generated(book))
    assert stubs["references/index.md"].endswith("{{ references_page() }}\n")
    assert "references/index.md" in [e for item in pages.nav(book) if isinstance(item, dict) for e in item.values()]


def test_built_page_lists_every_city_with_its_article(built_site, book):
    html = (built_site / "references" / "index.html").read_text(encoding="utf-8")
    table = html[html.index('<div class="md-typeset__scrollwrap rb-references">') :]
    table = table[: table.index("</table>")]
    for c in book.ordered_cities():
        first = c.articles()[0]
        n = len(re.findall(rf'<a href="\.\./cities/{c.id}/#{first.anchor}">{c.name}</a>', table))
        assert n == len(c.references), c.id
    assert table.count('<tr><th scope="row">') == len(legal_basis.cited_rules(book))
    # in the navigation of every page, between 审批流程 and 数据下载
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert home.index("审批流程") < home.index("依据与参照") < home.index("数据下载")
