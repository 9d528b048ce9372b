"""The site's view of the data: cached loading, navigation and URLs (pure, MkDocs-free)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import jinja2
import markupsafe

from .data import Rulebook, load_rulebook, settings_key
from .models import City, Topic

_cache: dict[Path, tuple[tuple[tuple[str, float], ...], Rulebook]] = {}


def _stamp(root: Path) -> tuple[tuple[str, float], ...]:
    files = sorted((root / "rules_data").rglob("*"))
    return tuple((str(p), p.stat().st_mtime) for p in files if p.is_file())


def rulebook(root: Path, loaded: Rulebook | None = None) -> Rulebook:
    """Load the data once per build; reload only if a file under rules_data/ changed (mkdocs serve).

    A validated book is also kept in .cache/ between builds, keyed on the bytes of every file under
    rules_data/ and of this package: parsing and checking the YAML is skipped until one of them changes.
    Bad data is never cached (load_rulebook raises first). `loaded`: the book the caller has just loaded
    from the same files (lint.check_and_load), used instead of loading again."""
    stamp = _stamp(root)
    hit = _cache.get(root)
    if hit and hit[0] == stamp:
        return hit[1]
    path = root / ".cache" / f"book-{_content_key(root)}.pickle"
    book = None
    if path.exists():
        try:
            book = pickle.loads(path.read_bytes())
        except Exception:  # an unreadable or outdated cache entry is only a miss
            book = None
    if not isinstance(book, Rulebook):
        book = loaded if loaded is not None else load_rulebook(root)
        for old in path.parent.glob("book-*.pickle"):
            old.unlink()
        write_cache_file(path, pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL))
    _cache[root] = (stamp, book)
    return book


def fingerprint(dists: tuple[str, ...], files: list[Path]) -> hashlib._Hash:
    """A hash of installed distributions' versions and files' bytes: what a cache entry depends on
    besides its own data (extend it with update())."""
    key = hashlib.sha256()
    for dist in dists:
        key.update(f"{dist}={importlib.metadata.version(dist)};".encode())
    for path in files:
        key.update(hashlib.sha256(path.read_bytes()).digest())
    return key


def _content_key(root: Path) -> str:
    key = fingerprint(("pydantic",), sorted(Path(__file__).parent.glob("*.py")))
    key.update(settings_key().encode())  # e.g. RULEBOOK_ALLOW_MARKUP: a book is valid under its settings only
    data = root / "rules_data"
    for p in sorted(data.rglob("*")):
        if p.is_file():
            key.update(p.relative_to(data).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return key.hexdigest()[:24]


def write_cache_file(path: Path, data: str | bytes) -> None:
    """Write a cache file whole or not at all (a build killed mid-write must not leave half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data.encode() if isinstance(data, str) else data)
    os.replace(tmp, path)


def cached(root: Path) -> Rulebook:
    """The book loaded at the start of this build (no file-system check: pages are rendered after on_config)."""
    hit = _cache.get(root)
    return hit[1] if hit else rulebook(root)


def jinja_cache(root: Path, env_name: str, *code: Path) -> jinja2.FileSystemBytecodeCache:
    """Where one Jinja environment's compiled templates are kept between builds (git-ignored .cache/).

    Jinja re-checks only each template's source, so the folder is keyed on what else shapes the
    compiled code: the Jinja, MkDocs and Material versions and `code` (e.g. the module that sets the
    environment's options, such as autoescape)."""
    key = fingerprint(("jinja2", "mkdocs", "mkdocs-material"), list(code))
    path = root / ".cache" / "jinja" / f"{env_name}-{key.hexdigest()[:16]}"
    path.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(path))


def ordered_cities(book: Rulebook) -> list[City]:
    """Cities in reading order: by province, then by name."""
    return sorted(book.cities.values(), key=lambda c: (c.province, c.name, c.id))


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


CHAIN_PAGES = [("incoming", "收文审批"), ("outgoing", "发文签发"), ("meeting", "会议议题与纪要")]

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
        {"各市工作规则": [{html_text(c.name): city_src(c.id)} for c in ordered_cities(book)]},
        {"比较": ["compare/index.md", *({html_text(t.label): topic_src(t.id)} for t in topics)]},
        {"审批流程": [{label: chain_src(kind)} for kind, label in CHAIN_PAGES]},
        {"数据下载": "data/index.md"},
        # 性能 is for maintainers: linked from 关于本站, not in the readers' navigation (not_in_nav).
        {"关于本站": "about.md"},
    ]


@dataclass(frozen=True)
class Links:
    """URLs from one page to others, for raw HTML (which MkDocs does not rewrite).

    `directory_urls` follows mkdocs.yml: 'cities/x/' on a server, 'cities/x.html' in the offline bundle.
    """

    prefix: str = "../../"
    directory_urls: bool = True

    @property
    def suffix(self) -> str:
        return "/" if self.directory_urls else ".html"

    def page(self, path: str, anchor: str | None = None) -> str:
        return self.prefix + path + self.suffix + (f"#{anchor}" if anchor else "")

    def city(self, slug: str, anchor: str | None = None) -> str:
        return self.page(f"cities/{slug}", anchor)

    def asset(self, path: str) -> str:
        return self.prefix + path


DEFAULT_LINKS = Links()  # a page two levels deep, directory URLs


def root_prefix(page_url: str) -> str:
    """Relative path from a page's URL to the site root: 'cities/x/' -> '../../'."""
    depth = page_url.strip("/").count("/") + 1 if page_url.strip("/") else 0
    if page_url and not page_url.endswith("/"):
        depth -= 1  # 'cities/x.html' sits one level below the root
    return "../" * depth


def topic_downloads(topic_id: str) -> dict[str, str]:
    """One topic's spreadsheet files, by kind, as paths under data/ (written by exports.download_files)."""
    return {
        "csv": f"topics/{topic_id}.csv",
        "xlsx": f"topics/{topic_id}.xlsx",
        "quotes": f"topics/{topic_id}-quotes.csv",
    }


_downloads: list[tuple[Rulebook, str | None, dict[str, str | bytes]]] = []


def downloads(book: Rulebook, site_url: str | None = None) -> dict[str, str | bytes]:
    """The data/ files of this build, made once (the hooks write them, the data page lists them).

    `site_url` (mkdocs.yml) makes the spreadsheets' links to articles absolute; without it they are
    paths relative to the site root."""
    from .exports import download_files  # late: exports imports this module

    # identity, not id(): a reload may reuse an id
    if not _downloads or _downloads[0][0] is not book or _downloads[0][1] != site_url:
        _downloads[:] = [(book, site_url, download_files(book, site_url))]
    return _downloads[0][2]
