"""Comparison views: topic index, per-topic tables and texts, two-city compare, CSV/JSON exports.

Pure functions of the loaded Rulebook; `links` makes URLs from the page to others (links.Links).
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import groupby
from typing import TYPE_CHECKING

import markupsafe

from .data import Rulebook
from .links import DEFAULT_LINKS, Links, topic_downloads
from .models import Cell, CellStatus, City, Topic
from .render import article_number, html_block, md_text, province_table

if TYPE_CHECKING:  # align pulls in jieba and scipy; only its Match type is needed here
    from .align import Match

STATUS_CLASS = {
    CellStatus.value: "value",
    CellStatus.not_specified: "unspecified",
    CellStatus.source_missing: "missing",
    CellStatus.pending: "pending",
    CellStatus.suggested: "suggested",
}


def topic(book: Rulebook, topic_id: str) -> Topic:
    for t in book.topics():
        if t.id == topic_id:
            return t
    raise KeyError(f"unknown topic id {topic_id!r}")


def topic_articles(book: Rulebook, topic_id: str, city: City) -> list:
    """The city's articles tagged with the topic, in document order."""
    return [a for a in city.articles() if topic_id in book.topics_of(city.id, a.n)]


def safe_json(data: object) -> markupsafe.Markup:
    """JSON that is safe inside <script type="application/json"> (no </script>, no entities needed)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return markupsafe.Markup(text)


def _labels(book: Rulebook) -> dict[tuple[str, int], str]:
    return {(c.id, a.n): article_number(a) for c in book.cities.values() for a in c.articles()}


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


def picker(book: Rulebook) -> str:
    groups = [
        {"province": prov, "cities": list(cs)} for prov, cs in groupby(book.ordered_cities(), key=lambda c: c.province)
    ]
    return html_block("city_picker.html.j2", groups=groups)


def compare_table(book: Rulebook, topic_id: str, links: Links) -> str:
    facts = book.facts.get(topic_id)
    if not facts:
        return ""
    cities = book.ordered_cities()
    notes = {(a.id, c.id): f"q-{a.id}-{c.id}" for a in facts.attributes for c in cities}
    return html_block(
        "compare_table.html.j2",
        topic=topic(book, topic_id),
        attributes=facts.attributes,
        cities=cities,
        links=links,
        notes=notes,
        labels=_labels(book),
        status_class=STATUS_CLASS,
        citations={(a.id, c.id): cell_citations(a.cells[c.id]) for a in facts.attributes for c in cities},
    )


def two_city_data(
    book: Rulebook, topic_id: str, matches: dict[tuple[str, int], list[Match]] | None = None
) -> dict[str, dict[str, object]]:
    """Per city: name and the topic's articles for the two-city compare widget. Each article carries
    `m`: its aligned counterpart among every other city's articles on the topic, {city: [n, score]}
    (build-time alignment; the browser pairs two cities' articles one to one from these)."""
    cities = book.ordered_cities()
    tagged = {c.id: topic_articles(book, topic_id, c) for c in cities}
    on_topic = {c: {a.n for a in arts} for c, arts in tagged.items()}
    matches = matches or {}

    def counterparts(city: str, n: int) -> dict[str, list[float]]:
        return {m.city: [m.n, m.score] for m in matches.get((city, n), []) if m.n in on_topic.get(m.city, ())}

    return {
        c.id: {
            "name": c.name,
            "complete": c.complete,
            "articles": [
                {
                    "n": a.n,
                    "label": article_number(a),
                    "anchor": a.anchor,
                    "text": a.text(),
                    "m": counterparts(c.id, a.n),
                }
                for a in tagged[c.id]
            ],
        }
        for c in cities
    }


def topic_page(
    book: Rulebook,
    topic_id: str,
    links: Links = DEFAULT_LINKS,
    matches: dict[tuple[str, int], list[Match]] | None = None,
) -> str:
    """One topic: comparison table with cited quotes, every city's articles on it, two-city compare
    (its clause pairs from `matches`, the build-time alignment; without it every article is unpaired)."""
    t = topic(book, topic_id)
    cities = book.ordered_cities()
    chapter_of = {c.id: {a.n: ch.heading() for ch in c.chapters for a in ch.articles} for c in cities}
    out = [f"# {md_text(t.label)}", "", md_text(t.description), ""]
    out += [picker(book), ""]
    if book.facts.get(topic_id):
        out += [
            "## 比较表 {#table}",
            "",
            html_block("compare_help.html.j2", downloads=topic_downloads(topic_id), links=links),
            "",
            compare_table(book, topic_id, links),
            "",
        ]
    else:
        out += ["本主题尚未整理比较表；下面列出各市涉及本主题的全部条文。", ""]
    entries = [
        {
            "city": c,
            "articles": topic_articles(book, topic_id, c),
            "chapters": chapter_of[c.id],
            "curated": book.tags[c.id].curated if c.id in book.tags else False,
        }
        for c in cities
    ]
    out += [
        "## 各市条文对照 {#texts}",
        "",
        html_block("topic_articles.html.j2", entries=entries, links=links),
        "",
        "## 两市对照 {#two}",
        "",
        html_block(
            "two_city.html.j2",
            topic=t,
            cities=cities,
            links=links,
            data_json=safe_json(two_city_data(book, topic_id, matches)),
        ),
        "",
    ]
    return "\n".join(out)
