"""条文对照: a topic's articles grouped across cities by the alignment layer, one row per provision.

Each row holds at most one article per city; an article without a counterpart among the topic's
articles of another city gets a row of its own, so nothing tagged with the topic is left out.
"""

from __future__ import annotations

from rulebook.analysis.align import Match
from rulebook.analysis.clauses import LEVEL_SAME
from rulebook.data.load import Rulebook
from rulebook.model.numerals import article_number
from rulebook.model.schema import City
from rulebook.views.links import Links
from rulebook.views.render import html_block


def groups(
    book: Rulebook,
    topic_id: str,
    matches: dict[tuple[str, int], list[Match]],
    among: list[City] | None = None,
) -> list[dict[str, int]]:
    """Rows of corresponding articles (city id -> article ordinal) for one topic, in the anchor's order,
    among the cities `among` (default: all; a province page groups its own cities only)."""
    cities = [c.id for c in among or book.ordered_cities()]
    tagged = {c: [a.n for a in book.cities[c].articles() if topic_id in book.topics_of(c, a.n)] for c in cities}
    if not any(tagged.values()):
        return []
    # The city with most articles on the topic sets the order; the others join where they match.
    anchor = max(cities, key=lambda c: (len(tagged[c]), book.cities[c].complete))
    on_topic = {c: set(ns) for c, ns in tagged.items()}
    # The row each placed article is in (an article is in one row at most): a lookup, not a scan of the
    # rows, which grow with the corpus (the scan made this quadratic: minutes at 1,000 cities).
    row_of: dict[tuple[str, int], dict[str, int]] = {}
    rows: list[dict[str, int]] = []
    for n in tagged[anchor]:
        row = {anchor: n}
        row_of[anchor, n] = row
        for m in matches.get((anchor, n), []):
            if (
                m.city != anchor
                and m.level == LEVEL_SAME
                and m.n in on_topic.get(m.city, ())
                and (m.city, m.n) not in row_of
                and m.city not in row
            ):
                row[m.city] = m.n
                row_of[m.city, m.n] = row
        rows.append(row)
    for c in cities:
        for n in tagged[c]:
            if (c, n) in row_of:
                continue
            home = next(
                (
                    r
                    for m in matches.get((c, n), [])
                    if m.level == LEVEL_SAME and (r := row_of.get((m.city, m.n))) is not None and c not in r
                ),
                None,
            )
            if home is None:
                home = {}
                rows.append(home)
            home[c] = n
            row_of[c, n] = home
    return rows


def _cell(city: City, n: int, links: Links) -> dict[str, object]:
    a = city.article(n)
    return {"label": article_number(a), "url": links.city(city.id, a.anchor), "paragraphs": a.paragraphs}


def concordance(
    book: Rulebook,
    topic_id: str,
    matches: dict[tuple[str, int], list[Match]],
    links: Links,
    among: list[City] | None = None,
) -> str:
    """The 逐条对照 block of a topic page (HTML) among `among` (default: all cities), or '' when no
    article of theirs carries the topic."""
    rows = groups(book, topic_id, matches, among)
    if not rows:
        return ""
    cities = among or book.ordered_cities()
    table = [{c.id: _cell(c, r[c.id], links) for c in cities if c.id in r} for r in rows]
    return html_block("concordance.html.j2", cities=cities, rows=table, topic_id=topic_id)
