"""The printed rulebook: which pages make up the PDF, and its cover with a table of contents."""

from __future__ import annotations

from dataclasses import dataclass

import markupsafe

from rulebook.build.pages import printed
from rulebook.data.load import Rulebook
from rulebook.views.render import render_html


@dataclass
class Part:
    """One section of the PDF: a site page printed on its own, with its running header."""

    key: str  # file name stem for per-part PDFs
    title: str  # outline entry and running header
    url: str  # site-relative URL of the page
    group: str  # 各市工作规则 / 比较 / 审批流程


def parts(book: Rulebook) -> list[Part]:
    """The printed pages, in registry order (rulebook/build/pages.py says which kinds are printed)."""
    return [Part(p.print_key or "", p.print_title, p.url, k.group or "") for k, p in printed(book)]


def cover_html(book: Rulebook, entries: list[tuple[Part, int]], built: str) -> str:
    """Cover and 目录 (with the page each part starts on) as a standalone HTML document."""
    groups: dict[str, list[tuple[Part, int]]] = {}
    for part, page in entries:
        groups.setdefault(part.group, []).append((part, page))
    cities = book.ordered_cities()
    return render_html(
        "print_cover.html.j2",
        groups=groups,
        cities=cities,
        built=built,
        articles=sum(len(c.articles()) for c in cities),
        page_link_prefix=PAGE_LINK,
    )


# 目录 entries are printed as links to this placeholder address + page number; scripts/pdf.py turns
# each into an internal link (GoTo) to that page of the merged PDF. Never fetched.
PAGE_LINK = "https://rulebook.invalid/page/"


def header_template(title: str) -> str:
    return (
        "<div style=\"font-family:'WenQuanYi Zen Hei',sans-serif;font-size:8px;width:100%;"
        f'padding:0 12mm;color:#555;text-align:center">{markupsafe.escape(title)}</div>'
    )


FOOTER_TEMPLATE = (
    "<div style=\"font-family:'WenQuanYi Zen Hei',sans-serif;font-size:8px;width:100%;text-align:center;color:#555\">"
    '第 <span class="pageNumber"></span> 页，共 <span class="totalPages"></span> 页</div>'
)


@dataclass
class Stamp:
    """What one page of the merged PDF carries in its margins."""

    header: str
    landscape: bool


def overlay_html(stamps: list[Stamp], landscape: bool) -> str:
    """An HTML document with one A4 page per stamp of the given orientation: the running header and
    the footer 第 N 页，共 M 页 of the whole book, printed once and laid over the content pages."""
    total = len(stamps)
    pages = [(i + 1, s) for i, s in enumerate(stamps) if s.landscape == landscape]
    return render_html("print_overlay.html.j2", pages=pages, total=total, landscape=landscape)
