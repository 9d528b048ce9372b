"""The 依据与参照 page: the higher rules the cities' work rules cite, each with the cities citing it.

Pure: the loaded Rulebook in, Markdown with one fenced HTML block out (data escaped by Jinja)."""

from __future__ import annotations

from dataclasses import dataclass

from rulebook.data.load import Rulebook
from rulebook.model.numerals import article_number
from rulebook.model.schema import City, Relation
from rulebook.views.links import DEFAULT_LINKS, Links
from rulebook.views.render import html_block


@dataclass
class Citing:
    city: City
    relation: Relation
    href: str  # the article the reference is read from (the first article, where 根据/参照 stand)
    article: str


@dataclass
class Cited:
    title: str
    cities: list[Citing]


def cited_rules(book: Rulebook, links: Links = DEFAULT_LINKS) -> list[Cited]:
    """Every referenced title with the cities citing it (reading order): the most cited first, then by title."""
    by_title: dict[str, list[Citing]] = {}
    for c in book.ordered_cities():
        first = c.articles()[0]  # the importer reads references[] from the first article's opening
        for r in c.references:
            by_title.setdefault(r.title, []).append(
                Citing(c, r.relation, links.city(c.id, first.anchor), article_number(first))
            )
    return [Cited(t, cs) for t, cs in sorted(by_title.items(), key=lambda kv: (-len(kv[1]), kv[0]))]


def references_page(book: Rulebook, links: Links = DEFAULT_LINKS) -> str:
    rules = cited_rules(book, links)
    cities = [c for c in book.ordered_cities() if c.references]
    return "\n".join(
        [
            f"各市工作规则第一条所写的制定依据：共 {len(rules)} 部上位规定，"
            f"{len(cities)} 个城市写明了依据。“根据”与“参照”照录原文用语。",
            "",
            html_block("references.html.j2", rules=rules),
            "",
        ]
    )
