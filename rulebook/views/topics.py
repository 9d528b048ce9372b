"""Comparison views: topic index, per-topic tables and texts, two-city compare, CSV/JSON exports.

Pure functions of the loaded Rulebook; `links` makes URLs from the page to others (links.Links).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import groupby
from typing import TYPE_CHECKING

import markupsafe

from rulebook.analysis.clauses import LEVEL_SAME
from rulebook.data.load import Rulebook
from rulebook.model import scale
from rulebook.model.numerals import article_number
from rulebook.model.provinces import province_key
from rulebook.model.schema import CHAIN_LABELS, Article, Cell, CellStatus, ChainType, City, Topic
from rulebook.views import rawblock
from rulebook.views.links import DEFAULT_LINKS, Links, topic_downloads
from rulebook.views.render import html_block, md_text, province_table
from rulebook.views.wordiff import token_lengths

if TYPE_CHECKING:  # align pulls in jieba and scipy; only its Match type is needed here
    from rulebook.analysis.align import Match

STATUS_CLASS = {
    CellStatus.value: "value",
    CellStatus.not_specified: "unspecified",
    CellStatus.source_missing: "missing",
    CellStatus.pending: "pending",
    CellStatus.suggested: "suggested",
}


# Above this many cities a topic page is an overview, and its table, texts and 逐条对照 are on one
# static page per province (compare/<topic>/<province key>/): a page whose size follows one
# province, not the corpus, that works without JavaScript, prints and opens from disk. Below it (the
# real five cities) the single page is kept as it is: one page is easier to read and print.
# Where the per-city data of 两市对照 goes when pages are split (see two_city_files).
TWO_CITY_DIR = "assets/two"


def paged(book: Rulebook) -> bool:
    """Whether topic pages are split by province (a large corpus: rulebook.model.scale)."""
    return scale.large(len(book.cities))


def province_path(topic_id: str, key: str) -> str:
    """A topic's province page relative to the site root, without the URL suffix."""
    return f"compare/{topic_id}/{key}"


def topic(book: Rulebook, topic_id: str) -> Topic:
    for t in book.topics():
        if t.id == topic_id:
            return t
    raise KeyError(f"unknown topic id {topic_id!r}")


def topic_articles(book: Rulebook, topic_id: str, city: City) -> list:
    """The city's articles tagged with the topic, in document order."""
    return book.topic_articles(city.id, topic_id)


def safe_json(data: object) -> markupsafe.Markup:
    """JSON that is safe inside <script type="application/json"> (no </script>, no entities needed)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return markupsafe.Markup(text)


def _labels(cities: list[City]) -> dict[tuple[str, int], str]:
    # Only the table's cities: a province page labelling every article of the corpus was a third of
    # a 1,000-city build (170 province pages, 12 million labels).
    return {(c.id, a.n): article_number(a) for c in cities for a in c.articles()}


def cell_citations(cell: Cell) -> list[tuple[int, str]]:
    """A cell's cited articles, each once, in first-cited order, with its quotes joined (for a tooltip):
    several quotes from one article are one citation (第四十一条, not 第四十一条、第四十一条)."""
    by_article: dict[int, list[str]] = {}
    for q in cell.quotes():
        by_article.setdefault(q.article, []).append(q.quote)
    return [(n, "……".join(quotes)) for n, quotes in by_article.items()]


def cell_counts(book: Rulebook) -> Counter[str]:
    return Counter(cell.status.value for f in book.facts.values() for a in f.attributes for cell in a.cells.values())


def compare_index(book: Rulebook, links: Links = DEFAULT_LINKS) -> str:
    """The compare/ index (Markdown, links relative to compare/index.md): one row per topic."""
    counts = cell_counts(book)
    cities = book.ordered_cities()
    lines = [
        f"本比较覆盖 {len(cities)} 个城市、{sum(len(f.attributes) for f in book.facts.values())} 项比较指标，"
        f"共 {sum(counts.values())} 个单元格：有规定 {counts['有规定']}，未规定 {counts['未规定']}，"
        f"原文缺失 {counts['原文缺失']}"
        + (f"，待整理 {counts['待整理']}" if counts["待整理"] else "")
        + (f"，机器建议待核 {counts['待核']}（不计入有规定）" if counts["待核"] else "")
        + "。",
        "",
        "每个单元格都注明条文出处，并附原文引文；引文由测试逐字核对。"
        "“未规定”表示该市规则对此没有规定；“原文缺失”表示来源文本不完整，无法判断。",
        "",
        "下载：[比较数据 CSV](../data/comparisons.csv) · [比较数据 JSON](../data/comparisons.json)",
        "",
        province_table(cities, links, shown=0),
        "",
    ]
    rows = [
        {
            "topic": t,
            "attributes": len(book.facts[t.id].attributes) if t.id in book.facts else 0,
            "articles": sum(len(topic_articles(book, t.id, c)) for c in cities),
        }
        for t in book.topics()
    ]
    lines += [html_block("compare_index.html.j2", rows=rows, links=links)]
    return "\n".join(lines) + "\n"


def picker(book: Rulebook, cities: list[City] | None = None) -> str:
    """The city picker of a topic page, of `cities` (default: all, in reading order)."""
    groups = [
        {"province": prov, "cities": list(cs)}
        for prov, cs in groupby(cities or book.ordered_cities(), key=lambda c: c.province)
    ]
    return html_block("city_picker.html.j2", groups=groups)


def compare_table(book: Rulebook, topic_id: str, links: Links, cities: list[City] | None = None) -> str:
    """The comparison table of `cities` (default: all, in reading order), with its quotes."""
    facts = book.facts.get(topic_id)
    if not facts:
        return ""
    cities = cities or book.ordered_cities()
    notes = {(a.id, c.id): f"q-{a.id}-{c.id}" for a in facts.attributes for c in cities}
    return html_block(
        "compare_table.html.j2",
        topic=topic(book, topic_id),
        attributes=facts.attributes,
        cities=cities,
        links=links,
        notes=notes,
        labels=_labels(cities),
        status_class=STATUS_CLASS,
        citations={(a.id, c.id): cell_citations(a.cells[c.id]) for a in facts.attributes for c in cities},
    )


def _first_same(matches: Iterable[Match]) -> dict[str, list[float]]:
    """{city: [n, score]} of the strongest 对应 counterpart per city (相关 pairs no texts in 两市对照)."""
    out: dict[str, list[float]] = {}
    for m in matches:
        if m.level == LEVEL_SAME and m.city not in out:
            out[m.city] = [m.n, m.score]
    return out


def _two_city_article(a: Article, words: Callable[[str], str], m: dict[str, list[float]]) -> dict[str, object]:
    """One article as 两市对照 ships it: label, anchor, text, its tokens (`w`) and counterparts (`m`)."""
    return {"n": a.n, "label": article_number(a), "anchor": a.anchor, "text": a.text(), "w": words(a.text()), "m": m}


def two_city_data(
    book: Rulebook,
    topic_id: str,
    matches: dict[tuple[str, int], list[Match]] | None = None,
    words: Callable[[str], str] = token_lengths,
) -> dict[str, dict[str, object]]:
    """Per city: name and the topic's articles for the two-city compare widget. Each article carries
    `m`: its aligned counterpart among every other city's articles on the topic, {city: [n, score]}
    (build-time alignment; the browser pairs two cities' articles one to one from these), and `w`: its
    text's tokens, `words(text)` (rulebook/views/wordiff.py; the build passes its cached Build.words)."""
    cities = book.ordered_cities()
    tagged = {c.id: topic_articles(book, topic_id, c) for c in cities}
    on_topic = {c: {a.n for a in arts} for c, arts in tagged.items()}
    matches = matches or {}

    def counterparts(city: str, n: int) -> dict[str, list[float]]:
        return _first_same(m for m in matches.get((city, n), []) if m.n in on_topic.get(m.city, ()))

    return {
        c.id: {
            "name": c.name,
            "complete": c.complete,
            "articles": [_two_city_article(a, words, counterparts(c.id, a.n)) for a in tagged[c.id]],
        }
        for c in cities
    }


def _table_section(book: Rulebook, topic_id: str, links: Links, cities: list[City]) -> list[str]:
    if not book.facts.get(topic_id):
        return ["本主题尚未整理比较表；下面列出各市涉及本主题的全部条文。", ""]
    return [
        "## 比较表 {#table}",
        "",
        html_block("compare_help.html.j2", downloads=topic_downloads(topic_id), links=links, with_table=True),
        "",
        compare_table(book, topic_id, links, cities),
        "",
    ]


def _texts_section(book: Rulebook, topic_id: str, links: Links, cities: list[City]) -> list[str]:
    entries = [
        {
            "city": c,
            "articles": topic_articles(book, topic_id, c),
            "chapters": {a.n: ch.heading() for ch in c.chapters for a in ch.articles},
            "curated": book.tags[c.id].curated if c.id in book.tags else False,
        }
        for c in cities
    ]
    return ["## 各市条文对照 {#texts}", "", html_block("topic_articles.html.j2", entries=entries, links=links), ""]


def chain_topics(book: Rulebook) -> dict[ChainType, str]:
    """The topic of each chain type that has cited steps: the topic its steps' articles carry most often,
    over every city (ties: the taxonomy's order). Derived from the tags, so a new city or topic needs no
    table to keep up; a chain type with no tagged step has no topic."""
    order = {t: i for i, t in enumerate(book.topic_ids())}
    out: dict[ChainType, str] = {}
    for kind in ChainType:
        counts: Counter[str] = Counter()
        for slug, city_chains in book.chains.items():
            for chain in city_chains.chains:
                if chain.type == kind:
                    counts.update(t for node in chain.nodes if node.article for t in book.topics_of(slug, node.article))
        if counts:
            out[kind] = min(counts, key=lambda t: (-counts[t], order.get(t, len(order))))
    return out


def chain_links(book: Rulebook, topic_id: str, links: Links) -> str:
    """A topic page's line of links to the 审批流程 pages whose steps are on the topic, or ''."""
    kinds = [k for k, t in chain_topics(book).items() if t == topic_id]
    if not kinds:
        return ""
    hrefs = {k: markupsafe.escape(links.page(f"chains/{k.value}")) for k in kinds}
    items = " · ".join(f'<a href="{hrefs[k]}">{CHAIN_LABELS[k]}流程图</a>' for k in kinds)
    return f'<p class="rb-chain-links" data-search-exclude>本主题的审批流程：{items}</p>'


# The sections of a topic page in reading order: anchor, label in the jump links.
SECTIONS = (("table", "比较表"), ("two", "两市对照"), ("concordance", "逐条对照"), ("texts", "各市条文"))


def jump_links(present: Iterable[str]) -> str:
    """The jump links at the top of a topic page, to those of its SECTIONS that are `present`."""
    have = set(present)
    items = " · ".join(f'<a href="#{a}">{label}</a>' for a, label in SECTIONS if a in have)
    return f'<nav class="rb-jump" aria-label="本页各部分" data-search-exclude><p>跳转到：{items}</p></nav>'


def topic_page(
    book: Rulebook,
    topic_id: str,
    links: Links = DEFAULT_LINKS,
    matches: dict[tuple[str, int], list[Match]] | None = None,
    words: Callable[[str], str] = token_lengths,
    grid: str = "",
) -> str:
    """One topic: comparison table with cited quotes, two-city compare (its clause pairs from `matches`,
    the build-time alignment; without it every article is unpaired; its word tokens from `words`, see
    two_city_data), 逐条对照 (`grid`: article_grid.concordance's block, or '' for none) and every city's
    articles on it, the long texts last; jump links to each at the top.
    In a large corpus (rulebook.model.scale), the overview of topic_overview() instead."""
    if paged(book):
        return topic_overview(book, topic_id, links)
    t = topic(book, topic_id)
    cities = book.ordered_cities()
    present = ["two", "texts"] + (["table"] if book.facts.get(topic_id) else []) + (["concordance"] if grid else [])
    out = [f"# {md_text(t.label)}", "", md_text(t.description), ""]
    out += [rawblock.fence(jump_links(present)), ""]
    if chains := chain_links(book, topic_id, links):
        out += [rawblock.fence(chains), ""]
    out += [picker(book), ""]
    out += _table_section(book, topic_id, links, cities)
    out += [
        "## 两市对照 {#two}",
        "",
        html_block(
            "two_city.html.j2",
            topic=t,
            cities=cities,
            links=links,
            data_json=safe_json(two_city_data(book, topic_id, matches, words)),
        ),
        "",
    ]
    if grid:
        out += ["## 逐条对照 {#concordance}", "", grid, ""]
    out += _texts_section(book, topic_id, links, cities)
    return "\n".join(out)


def province_rows(book: Rulebook, topic_id: str, links: Links) -> list[dict[str, object]]:
    """One row per province for a topic's overview: its page, cities, articles and cited cells."""
    facts = book.facts.get(topic_id)
    rows = []
    for p in book.provinces():
        cells = [a.cells[c.id] for a in facts.attributes for c in p.cities] if facts else []
        rows.append(
            {
                "province": p,
                "href": links.page(province_path(topic_id, p.key)),
                "articles": sum(len(topic_articles(book, topic_id, c)) for c in p.cities),
                "valued": sum(cell.status is CellStatus.value for cell in cells),
                "cells": len(cells),
            }
        )
    return rows


def topic_overview(book: Rulebook, topic_id: str, links: Links = DEFAULT_LINKS) -> str:
    """A topic's page when pages are split by province: what the topic is, the provinces with
    counts (each a link to its page), the downloads (whole corpus) and 两市对照, whose two cities'
    data load on demand (two_city_files). Its size grows with the provinces, not the cities."""
    t = topic(book, topic_id)
    out = [f"# {md_text(t.label)}", "", md_text(t.description), ""]
    out += [
        f"本主题比较 {len(book.cities)} 个城市。城市较多，比较表、各市条文与逐条对照按省份分页：请在下表中选择省份。",
        "",
        html_block("topic_provinces.html.j2", topic=t, rows=province_rows(book, topic_id, links)),
        "",
    ]
    if book.facts.get(topic_id):
        out += [
            "## 下载 {#downloads}",
            "",
            html_block("compare_help.html.j2", downloads=topic_downloads(topic_id), links=links, with_table=False),
            "",
        ]
    out += [
        "## 两市对照 {#two}",
        "",
        html_block(
            "two_city_loaded.html.j2",
            topic=t,
            provinces=book.provinces(),
            links=links,
            src=TWO_CITY_DIR + "/",
        ),
        "",
    ]
    return "\n".join(out)


def province_page(
    book: Rulebook,
    topic_id: str,
    key: str,
    links: Links = DEFAULT_LINKS,
    grid: str = "",
) -> str:
    """One province of a topic (pages split by province): the city picker, the comparison table
    with cited quotes, 逐条对照 (`grid`, or '' for none) and the articles of that province's cities only."""
    t, p = topic(book, topic_id), book.province(key)
    out = [f"# {md_text(t.label)}：{md_text(p.name)}", ""]
    others = " · ".join(
        f'<a href="{markupsafe.escape(links.page(province_path(topic_id, q.key)))}">{markupsafe.escape(q.name)}</a>'
        for q in book.provinces()
        if q.key != key
    )
    out += [
        html_block(
            "topic_province_head.html.j2",
            topic=t,
            province=p,
            overview=links.page(f"compare/{topic_id}"),
            others=markupsafe.Markup(others),
        ),
        "",
        picker(book, p.cities),
        "",
    ]
    present = ["texts"] + (["table"] if book.facts.get(topic_id) else []) + (["concordance"] if grid else [])
    out += [rawblock.fence(jump_links(present)), ""]
    out += _table_section(book, topic_id, links, p.cities)
    if grid:
        out += ["## 逐条对照 {#concordance}", "", grid, ""]
    out += _texts_section(book, topic_id, links, p.cities)
    return "\n".join(out)


def two_city_index(book: Rulebook) -> list[list[str]]:
    """[id, name, province key] of every city, in reading order: the 两市对照 selects' options."""
    return [[c.id, c.name, province_key(c.province)] for c in book.ordered_cities()]


def two_city_record(
    book: Rulebook,
    city: City,
    matches: dict[tuple[str, int], list[Match]] | None = None,
    words: Callable[[str], str] = token_lengths,
) -> dict[str, object]:
    """One city's 两市对照 data for every topic: its articles tagged with any topic (each once, with
    `m`, its aligned counterparts {city: [n, score]}, and `w`, its tokens: see two_city_data) and per
    topic the ordinals of its articles.
    Counterparts are not filtered by topic here: the browser pairs only articles both on the topic."""
    matches = matches or {}
    by_topic = {t: [a.n for a in topic_articles(book, t, city)] for t in book.topic_ids()}
    tagged = {n for ns in by_topic.values() for n in ns}
    return {
        "name": city.name,
        "complete": city.complete,
        "articles": [
            _two_city_article(a, words, _first_same(matches.get((city.id, a.n), [])))
            for a in city.articles()
            if a.n in tagged
        ],
        "topics": {t: ns for t, ns in by_topic.items() if ns},
    }


def two_city_texts(book: Rulebook) -> set[str]:
    """The text of every article 两市对照 ships (those tagged with a topic): what needs its tokens."""
    return {a.text() for c in book.ordered_cities() for a in c.articles() if book.topics_of(c.id, a.n)}


def _js_call(fn: str, *args: object) -> str:
    # A script that calls the page's registered callback: loaded with <script src>, which works on
    # file:// where fetch() of JSON does not. JSON is a JavaScript expression; safe_json escapes <, >, &.
    body = ",".join(str(safe_json(a)) for a in args).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"{fn}({body});\n"


def two_city_files(
    book: Rulebook,
    matches: dict[tuple[str, int], list[Match]] | None = None,
    words: Callable[[str], str] = token_lengths,
) -> dict[str, str]:
    """Site path -> script: the 两市对照 data when topic pages are split by province (else none):
    assets/two/index.js (the cities for the selects) and assets/two/<city>.js per city, so a reader
    comparing two cities loads those two, not the corpus."""
    if not paged(book):
        return {}
    files = {two_city_index_path(): two_city_index_script(book)}
    for c in book.ordered_cities():
        files[two_city_script_path(c.id)] = two_city_script(book, c, matches, words)
    return files


def two_city_index_path() -> str:
    return f"{TWO_CITY_DIR}/index.js"


def two_city_index_script(book: Rulebook) -> str:
    return _js_call("rbTwoIndex", two_city_index(book))


def two_city_script_path(slug: str) -> str:
    return f"{TWO_CITY_DIR}/{slug}.js"


def two_city_script(
    book: Rulebook,
    city: City,
    matches: dict[tuple[str, int], list[Match]] | None = None,
    words: Callable[[str], str] = token_lengths,
) -> str:
    """assets/two/<city>.js: rbTwoCity(id, two_city_record(...))."""
    return _js_call("rbTwoCity", city.id, two_city_record(book, city, matches, words))
