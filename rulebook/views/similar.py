"""他市对应条文 as pages show them: each article's counterparts in the other cities (from the alignment,
rulebook/analysis/align.py), inline in the city page or, in a large corpus, in one script per city."""

from __future__ import annotations

from rulebook.analysis.align import Alignment
from rulebook.analysis.clauses import LEVEL_LOST, LEVEL_NONE, LEVEL_RELATED, LEVEL_SAME
from rulebook.core.jsdata import js_call
from rulebook.data.load import Rulebook
from rulebook.model import scale
from rulebook.model.numerals import article_number
from rulebook.model.schema import Article
from rulebook.views.links import Links
from rulebook.views.render import SimilarLink, SimilarList, SimilarSource, snippet


def similar_links(book: Rulebook, slug: str, alignment: Alignment, links: Links) -> dict[int, SimilarList]:
    """Each article's counterparts as the city page lists them (render.SimilarList), by article ordinal:
    对应 first, then 相关, then the cities with none and why (无对应 / 原文缺失)."""
    out: dict[int, SimilarList] = {}
    # City.article(n) walks the whole city: look each other city's articles up by ordinal once per page
    by_n: dict[str, dict[int, Article]] = {}

    def article(city: str, n: int) -> Article:
        if city not in by_n:
            by_n[city] = {a.n: a for a in book.cities[city].articles()}
        return by_n[city][n]

    order = {c.id: i for i, c in enumerate(book.ordered_cities())}
    for a in book.city(slug).articles():
        shown = [
            SimilarLink(
                city=book.cities[m.city].name,
                label=article_number(article(m.city, m.n)),
                url=links.city(m.city, f"art_{m.n}"),
                score=m.score,
                snippet=snippet(article(m.city, m.n).text()),
                level=m.level,
                evidence=evidence(m.clauses),
            )
            for m in alignment.get((slug, a.n), [])
        ]
        reasons = alignment.none.get((slug, a.n), {}) if isinstance(alignment, Alignment) else {}
        none = [
            (reason, [book.cities[c].name for c in sorted(reasons, key=order.__getitem__) if reasons[c] == reason])
            for reason in (LEVEL_NONE, LEVEL_LOST)
        ]
        out[a.n] = SimilarList(
            same=[x for x in shown if x.level == LEVEL_SAME],
            related=[x for x in shown if x.level == LEVEL_RELATED],
            none=[(reason, names) for reason, names in none if names],
        )
    return out


def evidence(pairs: tuple[tuple[int, int], ...], most: int = 3) -> str:
    """Which clauses matched, for a reader: 第2句 ↔ 第1句 (clause numbers from 1, as clauses() splits)."""
    return "；".join(f"本条第{i + 1}句 ↔ 该条第{j + 1}句" for i, j in pairs[:most])


# Unless the corpus is large (rulebook.model.scale), a city page lists its articles' counterparts in its
# HTML. In a large one the lists (8 links with snippets per article: two thirds of a page) come from
# one script per city, loaded when a reader opens a list, so a page stays light however large the
# corpus (issue 20: < 100 kB at 3,000).
def similar_inline(book: Rulebook) -> bool:
    """Whether city pages carry their 他市对应条文 lists in the HTML (else: similar_files)."""
    return not scale.large(len(book.cities))


def similar_script_path(slug: str) -> str:
    """The script with one city's 他市对应条文 lists, relative to the site root."""
    return f"assets/similar/{slug}.js"


def similar_source(book: Rulebook, slug: str, alignment: Alignment, links: Links) -> SimilarSource:
    """Where the city page at `links` loads its lists from (similar_files), and their lengths."""
    counts = {a.n: len(alignment.get((slug, a.n), [])) for a in book.city(slug).articles()}
    return SimilarSource(
        script=links.asset(similar_script_path(slug)),
        href=links.city("{c}", "art_{n}"),
        counts={n: k for n, k in counts.items() if k},
    )


def similar_script(book: Rulebook, alignment: Alignment, slug: str) -> str:
    """One city's script: rbSimilar(slug, {n: [[city, n, "name label", level, snippet], …]}). URLs are made
    by the page (it knows its own prefix)."""
    articles: dict[str, dict[int, Article]] = {}

    def article(city: str, n: int) -> Article:
        if city not in articles:  # City.article(n) walks the whole city: index each peer once
            articles[city] = {a.n: a for a in book.cities[city].articles()}
        return articles[city][n]

    rows: dict[str, list[list[object]]] = {}
    for a in book.cities[slug].articles():
        ms = alignment.get((slug, a.n), [])
        if ms:
            rows[str(a.n)] = [
                [
                    m.city,
                    m.n,
                    f"{book.cities[m.city].name} {article_number(article(m.city, m.n))}",
                    m.level,
                    snippet(article(m.city, m.n).text()),
                ]
                for m in ms
            ]
    return js_call("rbSimilar", slug, rows)


def similar_files(book: Rulebook, alignment: Alignment) -> dict[str, str]:
    """Per city, a script handing the page its lists (similar_script); none when the lists are inline."""
    if similar_inline(book):
        return {}
    return {similar_script_path(slug): similar_script(book, alignment, slug) for slug in book.cities}
