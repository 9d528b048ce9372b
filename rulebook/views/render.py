"""Pure page generators: data in, Markdown/HTML out. Unit-tested without MkDocs.

Text from data is always escaped (Jinja autoescape for HTML, md_text() for Markdown), and the
output is never fed back through the macro template layer, so `<script>` or `{{ x }}` inside a
rule prints as text.
"""

from __future__ import annotations

import datetime
import html
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import markupsafe

from rulebook.model.numerals import article_number
from rulebook.model.schema import Article, City, CorrectionKind, Level, Paragraph
from rulebook.views import rawblock

if TYPE_CHECKING:
    from rulebook.views.links import Links

TEMPLATES = Path(__file__).parent / "templates"
KIND_LABELS = {
    CorrectionKind.artifact: "抓取残留",
    CorrectionKind.page_break: "分页断行",
    CorrectionKind.whitespace: "多余空格",
    CorrectionKind.boilerplate: "网站页眉页脚",
    CorrectionKind.manual: "编辑校正",
}
WHERE_LABELS = {"header": "正文前（网页）", "footer": "正文后（网页）", "notice": "印发通知", "appendix": "附件"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")


def glyphs(text: str) -> markupsafe.Markup:
    """Escape text and show removed capture artefacts as marked glyphs (only the 校勘记 shows them)."""
    escaped = markupsafe.escape(text)
    return markupsafe.Markup(
        str(escaped).replace("□", '<span class="rb-glyph" title="方框符号（抓取残留）">&#x25A1;</span>')
    )


def use_bytecode_cache(cache: jinja2.BytecodeCache | None) -> None:
    """Keep compiled templates between builds (set by the MkDocs hooks; unit tests compile afresh)."""
    _env().bytecode_cache = cache


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["glyphs"] = glyphs
    env.filters["docno"] = doc_number
    return env


def render_html(template: str, **ctx: object) -> str:
    """Render a template to HTML without blank lines (so Markdown would keep it as one block)."""
    out = _env().get_template(template).render(**ctx)
    return "\n".join(line for line in out.splitlines() if line.strip())


def html_block(template: str, **ctx: object) -> str:
    """Render a template as one raw-HTML block for a Markdown page, fenced to skip Markdown's HTML parser."""
    return rawblock.fence(render_html(template, **ctx))


_html_block = html_block  # the former private name, kept for callers in flight


def md_text(text: str) -> str:
    """Escape data text for use inside Markdown (headings, table cells)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def citation(city: City, a: Article) -> str:
    """《株洲市人民政府工作规则》（株政发〔2022〕1号）第四十四条"""
    number = f"（{city.doc_number}）" if city.doc_number else ""
    return f"《{city.title}》{number}{article_number(a)}"


def citation_html(city: City, a: Article) -> markupsafe.Markup:
    """citation() as escaped HTML with the 文号 in a span that never wraps (株政发〔2022〕1号)."""
    number = markupsafe.Markup("（{}）").format(doc_number(city.doc_number)) if city.doc_number else ""
    return markupsafe.Markup("《{}》{}{}").format(city.title, number, article_number(a))


def doc_number(text: str) -> markupsafe.Markup:
    """A 文号 as HTML that is never split across lines (screen and print)."""
    return markupsafe.Markup('<span class="rb-docno">{}</span>').format(text)


def chapter_heading(label: str | None, title: str | None) -> str:
    return "\u3000".join(x for x in (label, title) if x)


@dataclass
class _Block:
    para: Paragraph | None = None
    items: list[Paragraph] | None = None


def _blocks(a: Article) -> list[_Block]:
    """Group consecutive enumerated items into one list block."""
    out: list[_Block] = []
    for p in a.paragraphs:
        if p.item:
            if out and out[-1].items is not None:
                out[-1].items.append(p)
            else:
                out.append(_Block(items=[p]))
        else:
            out.append(_Block(para=p))
    return out


def _show(text: str) -> str:
    return text.replace("\n", "⏎")


def _correction_rows(city: City) -> list[dict[str, object]]:
    rows = []
    seen: set[str] = set()
    for c in city.corrections:
        first_of = None
        href = None
        if c.article is not None:
            a = city.article(c.article)
            where_label = a.label
            href = f"#{c.where}"
            if c.where not in seen:
                seen.add(c.where)
                first_of = c.where
        elif c.where.startswith("chp_"):
            ch = next(x for x in city.chapters if x.anchor == c.where)
            where_label = ch.label or c.where
            href = f"#{c.where}"
        else:
            where_label = WHERE_LABELS[c.where]
        long = c.before.count("\n") >= 2
        rows.append(
            {
                "where_label": where_label,
                "href": href,
                "first_of": first_of,
                "kind_label": KIND_LABELS[c.kind],
                "before": c.before if long else _show(c.before),
                "before_lines": c.before.count("\n") + 1,
                "long": long,
                "after": _show(c.after),
                "reason": c.reason,
            }
        )
    return rows


def _fix_counts(city: City) -> dict[int, int]:
    counts: dict[int, int] = {a.n: 0 for a in city.articles()}
    for c in city.corrections:
        if c.article is not None:
            counts[c.article] += 1
    return counts


@dataclass(frozen=True)
class SimilarLink:
    """One entry of an article's 他市对应条文 list (machine output: a level and its evidence, never a bare score)."""

    city: str
    label: str
    url: str
    score: float  # the calibrated probability of the same provision (not printed: the level is)
    snippet: str
    level: str = "对应"  # 对应 | 相关
    evidence: str = ""  # which clauses matched


@dataclass(frozen=True)
class SimilarList:
    """An article's 他市对应条文: 对应 links, 相关 links, and (reason, city names) for the cities with none."""

    same: list[SimilarLink]
    related: list[SimilarLink]
    none: list[tuple[str, list[str]]]


def snippet(text: str, limit: int = 60) -> str:
    """The start of an article on one line, cut at `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit] + "…"


@dataclass(frozen=True)
class SimilarSource:
    """Where a city page loads its 他市对应条文 lists from when they are not in its HTML (large corpora)."""

    script: str  # URL of the city's script (align.similar_files), relative to the page
    href: str  # an article's URL with {c} (city) and {n} (ordinal) to fill, relative to the page
    counts: dict[int, int]  # list length per article ordinal, for the collapsed summaries


def city_page(
    city: City,
    extra: str = "",
    similar: dict[int, SimilarList] | None = None,
    similar_source: SimilarSource | None = None,
) -> str:
    """The whole city page: title, metadata card, chapters with every article, 校勘记.

    `extra` is trusted HTML (generated links) placed under the metadata card; `similar` lists each
    article's counterparts in other cities (rulebook/analysis/align.py), shown collapsed under the article;
    with `similar_source` instead, the collapsed lists are filled from a script when opened."""
    articles = city.articles()
    out = [f"# {md_text(city.title)}", ""]
    if city.truncation:
        out += [html_block("truncation.html.j2", truncation=city.truncation), ""]
    out += [
        html_block("city_meta.html.j2", city=city, chapters=len(city.chapters), articles=len(articles)),
        "",
    ]
    if extra:
        out += [extra, ""]
    if similar_source:
        out += [
            rawblock.fence(
                f'<div class="rb-similar-source" hidden data-src="{markupsafe.escape(similar_source.script)}"'
                f' data-href="{markupsafe.escape(similar_source.href)}"></div>'
            ),
            "",
        ]
    citations = {a.n: citation_html(city, a) for a in articles}
    blocks = {a.n: _blocks(a) for a in articles}
    fixes = _fix_counts(city)
    for ch in city.chapters:
        heading = chapter_heading(ch.label, ch.title)
        if heading:
            out += [f"## {md_text(heading)} {{#{ch.anchor}}}", ""]
        out += [
            html_block(
                "articles.html.j2",
                chapter=ch,
                blocks=blocks,
                citations=citations,
                fixes=fixes,
                city_name=city.name,
                truncated=city.truncation,
                similar=similar or {},
                similar_counts=similar_source.counts if similar_source else {},
            ),
            "",
        ]
    if city.truncation:
        out += [html_block("truncation.html.j2", truncation=city.truncation), ""]
    for k, apx in enumerate(city.appendices, start=1):  # 附件 after the text, never inside an article
        out += [f"## {md_text(apx.title)} {{#appendix_{k}}}", "", html_block("appendix.html.j2", appendix=apx), ""]
    out += [
        "## 校勘记 {#corrections}",
        "",
        html_block("corrections.html.j2", city=city, rows=_correction_rows(city)),
        "",
    ]
    return "\n".join(out)


@dataclass(frozen=True)
class ProvinceGroup:
    anchor: str  # its part of the 城市一览 page: prov_<n>, by position (province names are not ASCII)
    province: str
    cities: list[City]
    levels: list[tuple[str, int]]  # (level, number of cities), in Level order


def by_province(cities: list[City]) -> list[ProvinceGroup]:
    """Cities grouped by province, in the given order (ordered_cities: by province, then name)."""
    groups = []
    for n, (province, run) in enumerate(groupby(cities, key=lambda c: c.province), start=1):
        members = list(run)
        count = Counter(c.level for c in members)
        levels = [(level.value, count[level]) for level in Level if count[level]]
        groups.append(ProvinceGroup(f"prov_{n}", province, members, levels))
    return groups


def _city_row(c: City, links: Links) -> dict[str, object]:
    return {
        "city": c,
        "href": links.city(c.id),
        "chapters": len([ch for ch in c.chapters if ch.label]),
        "articles": len(c.articles()),
    }


def cities_index(cities: list[City], links: Links) -> str:
    """The 城市一览 page (cities/): every city, by province, with a filter box (assets/city-filter.js);
    without JS a plain list. The only page whose size grows with the number of cities."""
    groups = [(g, [_city_row(c, links) for c in g.cities]) for g in by_province(cities)]
    return html_block("cities_index.html.j2", groups=groups, total=len(cities), links=links)


def province_table(cities: list[City], links: Links, shown: int = 8) -> str:
    """The table of provinces on the home page (and, with shown=0, the compare index): cities per
    level and the first `shown` cities, each province linking to its part of 城市一览 (cities/), the
    one page with the full list, so these pages grow with the provinces, not the cities."""
    return html_block(
        "province_summary.html.j2", groups=by_province(cities), total=len(cities), shown=shown, links=links
    )


def city_pdf_link(slug: str, links: Links) -> str:
    """The city page's line linking its printed PDF (written into downloads/ by scripts/pdf.py)."""
    href = markupsafe.escape(links.asset(f"downloads/{slug}.pdf"))
    return f'\n<p class="rb-downloads">打印版：<a href="{href}">本市 PDF</a></p>'


def home_downloads(pdf: bool, links: Links) -> str:
    """The home page's download line: the PDFs only in a build that prints them."""
    csv, js = links.asset("data/comparisons.csv"), links.asset("data/comparisons.json")
    data = f"[比较数据 CSV]({csv}) · [比较数据 JSON]({js})"
    if not pdf:
        return f"下载：{data}"
    book = markupsafe.escape(links.asset("downloads/rulebook.pdf"))
    return (
        f'打印与下载：<a href="{book}">全书 PDF</a>（封面、目录、各市全文、比较表、流程图）· 各市 PDF 见各城市页面 ·\n'
        + data
    )


def lookup_form(links: Links) -> str:
    """The 条文检索 page body: the form, result list, and the page's own scripts."""
    return html_block("lookup.html.j2", links=links)


def data_table(files: list[dict[str, object]]) -> str:
    """The data/ page's table of downloads (links are relative to data/)."""
    return html_block("data_table.html.j2", files=files)


_TABLE = re.compile(r"<table>(?!\s*<caption)")
_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.S)


def accessible_tables(html_text: str) -> str:
    """Give Markdown tables (hand-written pages) a caption and header scopes.

    The caption is the text of the nearest heading above the table; header cells in <thead> get
    scope="col". Tables generated by our templates already have both and are left alone."""
    out, last = [], 0
    for m in _TABLE.finditer(html_text):
        headings = _HEADING.findall(html_text, 0, m.start())
        title = re.sub(r"<[^>]+>|¶", "", headings[-1]).strip() if headings else "表格"
        out += [html_text[last : m.start()], f"<table><caption>{title}</caption>"]
        last = m.end()
    out.append(html_text[last:])
    result = "".join(out)

    def scope_head(m: re.Match[str]) -> str:
        return re.sub(r"<th(?=[\s>])(?![^>]*\bscope=)", '<th scope="col"', m.group(0))

    return re.sub(r"<thead>.*?</thead>", scope_head, result, flags=re.S)


# Elements whose text keeps its spaces and newlines (or is code): left exactly as written.
_VERBATIM = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)
_INDENT = re.compile(r"[ \t]*\n[ \t]*")


def trim_indentation(page_html: str) -> str:
    """The page without the spaces and tabs next to its line breaks (the theme's template indentation,
    about a sixth of a page), every line break kept.

    Outside <pre>, <textarea>, <script> and <style> a browser collapses a run of white space into one
    space, and with `white-space: pre-line` it drops the spaces around a line break while keeping the
    break, so neither rendering nor text content changes; those four elements are copied untouched
    (a script's hash in the CSP stays valid)."""
    parts = _VERBATIM.split(page_html)
    # split() with two groups yields [text, element, tag name, text, element, tag name, ..., text]
    out = []
    for i in range(0, len(parts), 3):
        out.append(_INDENT.sub("\n", parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)


def updated_line(day: datetime.date | None) -> str:
    """数据更新于 <date> for the home page (HTML), or, when the date cannot be known, that it is unknown."""
    if day is None:
        return '<p class="rb-updated">数据更新日期：未知（本次构建找不到数据的版本记录）。</p>'
    return (
        f'<p class="rb-updated">数据更新于 <time datetime="{day.isoformat()}">'
        f"{day.year}年{day.month}月{day.day}日</time>（rules_data/ 最后一次变更）。</p>"
    )
