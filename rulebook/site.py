"""The site's shape: navigation, generated page stubs and the files each build writes (MkDocs-free).

Caches live in cache.py and URLs in links.py; the names below are re-exported for callers."""

from __future__ import annotations

import json

import markupsafe

from .cache import _cache, cached, fingerprint, jinja_cache, rulebook, write_cache_file  # noqa: F401 - re-exported
from .data import Rulebook
from .exports import download_files
from .links import DEFAULT_LINKS, Links, root_prefix, topic_downloads  # noqa: F401 - re-exported
from .models import CHAIN_LABELS, City, Topic


def ordered_cities(book: Rulebook) -> list[City]:
    """Cities in reading order (kept for callers; the book's own method is Rulebook.ordered_cities)."""
    return book.ordered_cities()


def city_src(slug: str) -> str:
    return f"cities/{slug}.md"


def html_text(text: str) -> str:
    """Data text for a place that inserts it without escaping: Material's nav, `<title>` and header
    (`{{ nav_item.title }}`, `{{ page.meta.title }}`) and mkdocs-macros, which renders a page title
    holding `{{` as a template. HTML-escaped, with braces as character references so no Jinja runs."""
    return str(markupsafe.escape(text)).replace("{", "&#123;").replace("}", "&#125;")


def _front_matter(title: str, *, searched: bool = True, hide: tuple[str, ...] = ()) -> str:
    # The title is set here too: without page.meta.title Material prints `page.title | striptags`,
    # and striptags turns the escaped text back into markup. JSON is valid YAML for the value.
    # `hide` is Material's documented front matter (navigation, toc) for pages that need the width.
    lines = [f"title: {json.dumps(html_text(title), ensure_ascii=False)}"]
    if not searched:
        lines += ["search:", "  exclude: true"]
    if hide:
        lines += ["hide:", *(f"  - {h}" for h in hide)]
    return "---\n" + "\n".join(lines) + "\n---\n"


def city_stub(city: City) -> str:
    """The Markdown of a generated city page: a single macro call, no data copied into docs/."""
    return _front_matter(city.name) + f'{{{{ city_page("{city.id}") }}}}\n'


def topic_src(topic_id: str) -> str:
    return f"compare/{topic_id}.md"


# Comparison and chart pages repeat the articles' words under titles that Material weighs 1000x, so
# they would crowd the articles out of the site search box; they are left out of it (Material's
# documented `search: exclude`) and reached through the navigation and 条文检索 instead.
# Their tables have a column per attribute, so they take the full width (no navigation, no toc).
def topic_stub(topic: Topic) -> str:
    return (
        _front_matter(topic.label, searched=False, hide=("navigation", "toc")) + f'{{{{ topic_page("{topic.id}") }}}}\n'
    )


CHAIN_PAGES = [(kind.value, label) for kind, label in CHAIN_LABELS.items()]

# Third-party browser files: installed from the npm registry (package.json + lock), copied into the site.
VENDOR = {
    "assets/vendor/mermaid.min.js": "node_modules/mermaid/dist/mermaid.min.js",
    "assets/vendor/lunr.min.js": "node_modules/lunr/lunr.min.js",
}


def chain_src(kind: str) -> str:
    return f"chains/{kind}.md"


def chain_stub(kind: str, label: str) -> str:
    return _front_matter(label, searched=False) + f'{{{{ chain_page("{kind}") }}}}\n'


def nav(book: Rulebook) -> list[object]:
    """The site navigation, generated from the data. Material prints nav titles unescaped, so every
    title from data goes through html_text()."""
    topics = book.topics()
    return [
        {"首页": "index.md"},
        {"条文检索": "lookup/index.md"},
        {"各市工作规则": [{html_text(c.name): city_src(c.id)} for c in book.ordered_cities()]},
        {"比较": ["compare/index.md", *({html_text(t.label): topic_src(t.id)} for t in topics)]},
        {"审批流程": [{label: chain_src(kind)} for kind, label in CHAIN_PAGES]},
        {"数据下载": "data/index.md"},
        # 性能 is for maintainers: linked from 关于本站, not in the readers' navigation (not_in_nav).
        {"关于本站": "about.md"},
    ]


_downloads: list[tuple[Rulebook, str | None, dict[str, str | bytes]]] = []


def downloads(book: Rulebook, site_url: str | None = None) -> dict[str, str | bytes]:
    """The data/ files of this build, made once (the hooks write them, the data page lists them).

    `site_url` (mkdocs.yml) makes the spreadsheets' links to articles absolute; without it they are
    paths relative to the site root."""
    # identity, not id(): a reload may reuse an id
    if not _downloads or _downloads[0][0] is not book or _downloads[0][1] != site_url:
        _downloads[:] = [(book, site_url, download_files(book, site_url))]
    return _downloads[0][2]
