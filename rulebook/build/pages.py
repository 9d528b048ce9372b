"""The page registry: every kind of page the site has, in navigation order, in one table.

Navigation (nav), the generated page stubs (mkdocs_hooks.on_files), the macros a stub calls
(macros.py) and the printed book (printing.parts) all read KINDS. Adding a kind of page is one entry
here, one pure generator, its template and its test."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import markupsafe

from rulebook.data.load import Rulebook
from rulebook.model.schema import CHAIN_LABELS
from rulebook.views import topics


@dataclass(frozen=True)
class Page:
    """One page of a kind."""

    src: str  # source path under docs/ (generated, or hand-written when the kind has no macro)
    title: str  # navigation and page title (plain text: escaped where it lands)
    arg: str | None = None  # the argument of the kind's macro
    nav_title: bool = True  # False: listed by path, MkDocs takes the title from the page itself
    print_key: str | None = None  # printed as its own part of the PDF (file stem), or not printed
    print_title: str = ""  # the part's outline entry and running header
    section: str | None = None  # a sub-section of the kind's nav group (a city's province), or none
    in_nav: bool = True  # False: reached from another page only (MkDocs' NOT_IN_NAV inclusion)

    @property
    def url(self) -> str:
        """The page's URL relative to the site root, with directory URLs: 'cities/x/', 'compare/'."""
        stem = self.src.removesuffix(".md").removesuffix("index")
        return stem if not stem or stem.endswith("/") else stem + "/"


@dataclass(frozen=True)
class PageKind:
    name: str
    group: str | None  # navigation section; None: a top-level entry
    pages: Callable[[Rulebook], list[Page]]
    macro: str | None = None  # the macro a generated page calls with its arg; None: hand-written in docs/
    searched: bool = True  # in the header search box (Material's documented `search: exclude` when not)
    hide: tuple[str, ...] = field(default=())  # Material's front matter `hide` (navigation, toc)

    def stub(self, page: Page) -> str:
        """The Markdown of a generated page: front matter and a single macro call, no data copied."""
        call = f'{self.macro}("{page.arg}")' if page.arg is not None else f"{self.macro}()"
        return front_matter(page.title, searched=self.searched, hide=self.hide) + f"{{{{ {call} }}}}\n"


def html_text(text: str) -> str:
    """Data text for a place that inserts it without escaping: Material's nav, `<title>` and header
    (`{{ nav_item.title }}`, `{{ page.meta.title }}`) and mkdocs-macros, which renders a page title
    holding `{{` as a template. HTML-escaped, with braces as character references so no Jinja runs."""
    return str(markupsafe.escape(text)).replace("{", "&#123;").replace("}", "&#125;")


def front_matter(title: str, *, searched: bool = True, hide: tuple[str, ...] = ()) -> str:
    # The title is set here too: without page.meta.title Material prints `page.title | striptags`,
    # and striptags turns the escaped text back into markup. JSON is valid YAML for the value.
    # `hide` is Material's documented front matter (navigation, toc) for pages that need the width.
    lines = [f"title: {json.dumps(html_text(title), ensure_ascii=False)}"]
    if not searched:
        lines += ["search:", "  exclude: true"]
    if hide:
        lines += ["hide:", *(f"  - {h}" for h in hide)]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _static(src: str, title: str, *, nav_title: bool = True, **print_as: str) -> Callable[[Rulebook], list[Page]]:
    return lambda book: [Page(src, title, nav_title=nav_title, **print_as)]


def _cities(book: Rulebook) -> list[Page]:
    # In province order (ordered_cities), so each province is one run of pages: one nav sub-section.
    return [
        Page(f"cities/{c.id}.md", c.name, c.id, print_key=c.id, print_title=c.title, section=c.province)
        for c in book.ordered_cities()
    ]


def _topics(book: Rulebook) -> list[Page]:
    # A topic is printed only with its comparison table: without facts it only repeats the articles.
    return [
        Page(
            f"compare/{t.id}.md",
            t.label,
            t.id,
            print_key=f"compare-{t.id}" if t.id in book.facts else None,
            print_title=f"比较：{t.label}",
        )
        for t in book.topics()
    ]


def _chain_provinces(book: Rulebook) -> list[Page]:
    # As topic pages: with a large corpus each chain type's charts are on one page per province,
    # reached from the chain page's list of provinces and from each city page.
    if not topics.paged(book):
        return []
    return [
        Page(f"chains/{k.value}/{p.key}.md", f"{label}流程：{p.name}", f"{k.value}/{p.key}", in_nav=False)
        for k, label in CHAIN_LABELS.items()
        for p in book.provinces()
    ]


def _topic_provinces(book: Rulebook) -> list[Page]:
    # Only when topic pages are split by province (compare.paged); reached from the topic page's list
    # of provinces, not the navigation, which would otherwise list topics x provinces entries.
    if not topics.paged(book):
        return []
    return [
        Page(
            topics.province_path(t.id, p.key) + ".md",
            f"{t.label}：{p.name}",
            f"{t.id}/{p.key}",
            in_nav=False,
        )
        for t in book.topics()
        for p in book.provinces()
    ]


def _chains(book: Rulebook) -> list[Page]:
    return [
        Page(f"chains/{k.value}.md", label, k.value, print_key=f"chains-{k.value}", print_title=f"{label}流程")
        for k, label in CHAIN_LABELS.items()
    ]


# Comparison and chart pages repeat the articles' words under titles that Material weighs 1000x, so
# they would crowd the articles out of the site search box; they are left out of it and reached
# through the navigation and 条文检索 instead. Topic tables have a column per attribute, so they
# take the width of the navigation; Material's table of contents (the right sidebar from 1220 px, the
# drawer below) stays, as a long topic page needs it.
KINDS: list[PageKind] = [
    PageKind("home", None, _static("index.md", "首页")),
    PageKind("lookup", None, _static("lookup/index.md", "条文检索")),
    # The one page that lists every city (by province, with a filter box); the nav holds provinces and,
    # pruned by Material's `navigation.prune`, only the current province's cities, so a page's HTML
    # does not grow with the corpus.
    PageKind("cities", "各市工作规则", _static("cities/index.md", "城市一览"), macro="cities_index", searched=False),
    PageKind("city", "各市工作规则", _cities, macro="city_page"),
    PageKind(
        "compare",
        "比较",
        _static("compare/index.md", "各市比较", nav_title=False, print_key="compare", print_title="各市比较"),
    ),
    PageKind("topic", "比较", _topics, macro="topic_page", searched=False, hide=("navigation",)),
    # At scale a topic's table and texts, one page per province (compare/<topic>/<province key>/).
    PageKind(
        "topic-province",
        "比较",
        _topic_provinces,
        macro="topic_province_page",
        searched=False,
        hide=("navigation",),
    ),
    PageKind("chain", "审批流程", _chains, macro="chain_page", searched=False),
    PageKind("chain-province", "审批流程", _chain_provinces, macro="chain_province_page", searched=False),
    PageKind("references", None, _static("references/index.md", "依据与参照"), macro="references_page"),
    PageKind("drafting", None, _static("drafting/index.md", "起草助手")),
    # 对标检查 runs in the reader's browser on a draft: nothing of it is worth searching or printing.
    PageKind("check", None, _static("check/index.md", "对标检查"), macro="check_page", searched=False, hide=("toc",)),
    # 修订对照 (起草助手): a rule's current text against its revision draft, in the reader's browser.
    PageKind(
        "revise", None, _static("drafting/revise.md", "修订对照"), macro="revise_page", searched=False, hide=("toc",)
    ),
    PageKind("data", None, _static("data/index.md", "数据下载")),
    # 性能 is for maintainers: linked from 关于本站, not in the readers' navigation (not_in_nav).
    PageKind("about", None, _static("about.md", "关于本站")),
    # What is tested for accessibility (GB/T 37668, WCAG 2.1 AA), the known limits, how to report.
    PageKind("accessibility", None, _static("accessibility.md", "无障碍声明")),
]


def kind(name: str) -> PageKind:
    return next(k for k in KINDS if k.name == name)


def generated(book: Rulebook) -> list[tuple[str, str]]:
    """(source path, Markdown) of every generated page."""
    return [(p.src, k.stub(p)) for k in KINDS if k.macro for p in k.pages(book)]


def not_in_nav(book: Rulebook) -> set[str]:
    """Source paths of the generated pages left out of the navigation (Page.in_nav False)."""
    return {p.src for k in KINDS if k.macro for p in k.pages(book) if not p.in_nav}


def macros() -> set[str]:
    """The macros generated pages call (macros.py must define each)."""
    return {k.macro for k in KINDS if k.macro}


# A section of more pages than this (a province of a national corpus: ~100 county governments, 300 in
# the synthetic benchmark) is cut into runs of this many, each a sub-section named by its first and last
# page: with navigation.prune a page's sidebar then holds the sections and one run, never a province.
NAV_GROUP_MAX = 30


def _runs(entries: list[object], titles: list[str]) -> list[object]:
    if len(entries) <= NAV_GROUP_MAX:
        return entries
    out: list[object] = []
    for i in range(0, len(entries), NAV_GROUP_MAX):
        label = f"{titles[i]} — {titles[min(i + NAV_GROUP_MAX, len(entries)) - 1]}"
        out.append({html_text(label): entries[i : i + NAV_GROUP_MAX]})
    return out


def nav(book: Rulebook) -> list[object]:
    """The site navigation, in registry order. Material prints nav titles unescaped, so every title
    goes through html_text(). Pages with a `section` (cities: their province) are nested one level
    deeper, one sub-section per run of pages with the same section (cut into runs of NAV_GROUP_MAX)."""
    out: list[object] = []
    sections: dict[str, list[object]] = {}
    for k in KINDS:
        entries: list[object] = []
        # the open sub-section: (section, its entries, their titles)
        current: tuple[str, list[object], list[str]] | None = None
        opened: list[tuple[str, list[object], list[str]]] = []
        for p in k.pages(book):
            if not p.in_nav:
                continue
            entry = {html_text(p.title): p.src} if p.nav_title else p.src
            if p.section is None:
                entries.append(entry)
                current = None
                continue
            if current is None or current[0] != p.section:
                current = (p.section, [], [])
                opened.append(current)
                entries.append({html_text(p.section): current[1]})
            current[1].append(entry)
            current[2].append(p.title)
        for _, items, titles in opened:
            items[:] = _runs(list(items), titles)
        if k.group is None:
            out += entries
        elif k.group in sections:
            sections[k.group] += entries
        else:
            sections[k.group] = entries
            out.append({k.group: entries})
    return out


def printed(book: Rulebook) -> list[tuple[PageKind, Page]]:
    """The pages of the PDF, in order, with their kinds."""
    return [(k, p) for k in KINDS for p in k.pages(book) if p.print_key]
