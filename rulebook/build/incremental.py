"""Incremental rebuilds (scripts/build.py): after one city is edited, only the pages that depend on it are rendered.

MkDocs renders every page, and a generated page always counts as modified. A city page is a pure
function of its city, its chart links, its similar articles (rulebook/analysis/align.py), the navigation it
shows and the code and settings of the build; `city_fingerprints`, `nav_context` and `global_key`
hash exactly those. A page whose
fingerprint equals the one recorded for the previous site, and whose previous output is still the
file that build wrote (same inode, size and mtime), is not rendered: its output is hard-linked from
the previous site into the new one after MkDocs has written everything else (so nothing MkDocs writes
can reach the previous site through a shared inode). In a large corpus the per-province pages of each
topic and chain type (their number grows with the provinces) are fingerprinted the same way from
their province's cities (`province_fingerprints`). Pages that aggregate all cities (topic overviews,
城市一览, home …) are few and always rendered. The other files of the site (generated scripts, downloads,
assets: tens of thousands at 3,000 cities, each copied into the new folder) are reused the same way when
their bytes are those the previous site holds (`static_keys`: a digest of generated content, the source
file's path, size and mtime otherwise). `mkdocs build` itself stays a full build: this runs only
when scripts/build.py passes --dirty and the previous site's folder (Settings.previous_site).

Limit: up to 60 cities the alignment is a whole-corpus computation (TF-IDF weights over all articles), so
an edit to any article's text moves similar-article lists in most cities and their pages are rendered again.
Above 60 cities it is local (rulebook/analysis/align_local.py: frozen weights, MinHash-LSH candidates), so
an edit re-renders the pages whose similar lists actually changed (at 300 synthetic cities a one-article
edit moved 71 rows in 62 cities). An edit that leaves the texts alone (metadata, tags, comparisons, charts)
renders only the pages that show it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rulebook.analysis.align import Match
from rulebook.build.digests import Digests
from rulebook.core.cachefiles import is_stored_folder, read_cache_file, stored_digests, version, write_cache_file
from rulebook.core.settings import PAGES, Settings
from rulebook.data.layout import Layout
from rulebook.data.load import Rulebook
from rulebook.model.schema import CHAIN_LABELS, City
from rulebook.views import chains, topics
from rulebook.views.links import Links, root_prefix
from rulebook.views.render import snippet
from rulebook.views.similar import similar_inline

MANIFEST = "pages-manifest"  # in .cache/, one per site folder: what each skippable page was made from
STATIC_MANIFEST = "files-manifest"  # the same for the other files: each one's content key and stat
_DISTS = ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "markdown", "pymdown-extensions", "jinja2")
# What every page depends on besides its own data: code, theme overrides, hand-written docs, the
# config and the data files every page may read (taxonomy, search terms, boilerplate).
_TREES = ("rulebook", "overrides", "docs")


def global_key(root: Path, config_file: Path, settings: Settings) -> str:
    """A hash of everything that shapes every page: package versions, code, templates, docs, config, and the
    settings that change pages (Settings.key)."""
    key = hashlib.sha256()
    for dist in _DISTS:
        key.update(f"{dist}={version(dist)};".encode())
    layout = Layout(root)
    # Every YAML file next to the config: mkdocs.offline.yml INHERITs mkdocs.yml.
    configs = sorted({config_file, *config_file.parent.glob("*.yml")})
    paths = [*configs, root / "macros.py", layout.topics, layout.search_terms, layout.boilerplate]
    for tree in _TREES:
        paths += sorted(p for p in (root / tree).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for p in paths:
        if p.is_file():
            key.update(str(p.relative_to(root)).encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    key.update(settings.key(PAGES).encode())
    return key.hexdigest()


def _leaves(entries: list[object]) -> Iterable[tuple[str, str]]:
    """(title, src) of every page under these nav entries, in order."""
    for e in entries:
        if isinstance(e, str):
            yield "", e
        else:
            assert isinstance(e, dict)
            for title, value in e.items():
                if isinstance(value, str):
                    yield title, value
                else:
                    yield from _leaves(value)


def _skeleton(entries: list[object], depth: int = 0) -> list[object]:
    """The nav as every page shows it under navigation.prune: a sub-section below the top level
    (a province) collapsed to its title and first page (where its pruned link points)."""
    out: list[object] = []
    for e in entries:
        if isinstance(e, str):
            out.append(e)
            continue
        assert isinstance(e, dict)
        for title, value in e.items():
            if isinstance(value, str):
                out.append([title, value])
            elif depth >= 1:
                out.append([title, "section", next(iter(_leaves(value)), None)])
            else:
                out.append([title, _skeleton(value, depth + 1)])
    return out


def _sections(entries: list[object], found: dict[str, list[object]], depth: int = 0) -> None:
    """The pages of the sections the skeleton collapses (a province's cities), by src: the list holding them."""
    for e in entries:
        if isinstance(e, str):
            if depth >= 2:
                found[e] = entries
            continue
        assert isinstance(e, dict)
        for value in e.values():
            if isinstance(value, str):
                if depth >= 2:
                    found[value] = entries
            else:
                _sections(value, found, depth + 1)


def nav_context(nav: list[object]) -> dict[str, str]:
    """For each page of `nav` (by src), a hash of the navigation it renders: the pruned skeleton, the
    section it is in (its province's cities) and its previous and next pages (`<link rel=prev/next>`)."""
    skeleton = json.dumps(_skeleton(nav), ensure_ascii=False)
    order = list(_leaves(nav))
    sections: dict[str, list[object]] = {}
    _sections(nav, sections)
    out: dict[str, str] = {}
    for i, (_, src) in enumerate(order):
        own = json.dumps(list(_leaves(sections.get(src, []))), ensure_ascii=False)
        around = json.dumps([order[i - 1] if i else None, order[i + 1] if i + 1 < len(order) else None])
        out[src] = hashlib.sha256("\0".join([skeleton, own, around]).encode()).hexdigest()
    return out


def hidden_nav(nav: list[object]) -> str:
    """The navigation context of a page not in `nav` (nav_context): the pruned skeleton alone; such a page
    has no section of its own and no previous or next page."""
    skeleton = json.dumps(_skeleton(nav), ensure_ascii=False)
    return hashlib.sha256("\0".join([skeleton, "[]", json.dumps([None, None])]).encode()).hexdigest()


def fingerprint(base: str, nav: str, *parts: str) -> str:
    """One page's fingerprint: the global key, its nav context and its own inputs (e.g. a city's JSON)."""
    key = hashlib.sha256(f"{base}\0{nav}".encode())
    for part in parts:
        key.update(b"\0" + part.encode())
    return key.hexdigest()


@dataclass(frozen=True)
class Entry:
    """A skippable page of a built site: its fingerprint, its output file and that file's stat."""

    fingerprint: str
    dest: str  # relative to the site folder
    stat: tuple[int, int, int]  # inode, size, mtime_ns: the very file this build wrote
    # The page's anchor ids: MkDocs checks links to anchors against them, also when it is not rendered.
    anchors: tuple[str, ...] | None = None  # None: MkDocs collected none (anchor validation off)


def file_stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def site_tag(site: Path) -> str:
    """A short name for a site folder, for the cache files kept per site (site/ and the offline bundle)."""
    return hashlib.sha256(str(site).encode()).hexdigest()[:12]


def manifest_path(cache_dir: Path, site: Path) -> Path:
    return cache_dir / f"{MANIFEST}-{site_tag(site)}.json"


def load_manifest(cache_dir: Path, site: Path) -> dict[str, Entry]:
    """The previous build's entries for `site` (empty when there is none, it was another folder, or unreadable)."""
    try:
        kept = read_cache_file(manifest_path(cache_dir, site))  # None: absent or damaged (reported, removed)
        if kept is None:
            return {}
        data = json.loads(kept)
        if data["site"] != str(site):
            return {}
        return {
            src: Entry(e[0], e[1], tuple(e[2]), None if e[3] is None else tuple(e[3]))
            for src, e in data["pages"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return {}


def save_manifest(cache_dir: Path, site: Path, built: Path, pages: dict[str, tuple[str, str, Iterable[str]]]) -> None:
    """Record each page's fingerprint, output and anchor ids (`pages`: src -> (fingerprint, dest, anchors))
    as built into `built`, for the site that will stand at `site` (renamed there: inodes and mtimes stay)."""
    rows = {}
    for src, (fp, dest, anchors) in pages.items():
        stat = file_stat(built / dest)
        if stat is not None:
            rows[src] = [fp, dest, list(stat), None if anchors is None else sorted(anchors)]
    write_cache_file(manifest_path(cache_dir, site), json.dumps({"site": str(site), "pages": rows}, ensure_ascii=False))


def static_key(content: str | bytes | None, abs_src_path: str | None, digest: str | None = None) -> str | None:
    """What a non-page file of the site is made of: the SHA-256 of its bytes when the build generated them
    or `digest` gives it (a file of .cache/ whose digest store_files recorded), else its source file's
    path, size and mtime (None: neither, so never reused)."""
    if content is not None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        return "sha256:" + hashlib.sha256(data).hexdigest()
    if digest:
        return "sha256:" + digest
    if abs_src_path:
        try:
            st = os.stat(abs_src_path)
        except OSError:
            return None
        return f"s:{abs_src_path}\0{st.st_size}\0{st.st_mtime_ns}"
    return None


class StoredDigests:
    """The SHA-256 store_files() recorded for a file of .cache/ (None for any other file): each folder's
    list read once."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = Path(os.path.abspath(cache_dir))  # no symlinks resolved: no system call per file
        self.folders: dict[Path, dict[str, str] | None] = {}

    def __call__(self, path: str | None) -> str | None:
        if not path:
            return None
        p = Path(os.path.abspath(path))
        if self.cache_dir not in p.parents:
            return None
        for folder in p.parents:
            if folder == self.cache_dir:
                return None
            if folder not in self.folders:
                self.folders[folder] = stored_digests(folder) if is_stored_folder(folder) else None
            listed = self.folders[folder]
            if listed is not None:
                return listed.get(p.relative_to(folder).as_posix())
        return None


def load_static_manifest(cache_dir: Path, site: Path) -> dict[str, tuple[str, tuple[int, int, int]]]:
    """The previous build's non-page files of `site`: dest -> (static_key, stat of the file it wrote)."""
    try:
        kept = read_cache_file(cache_dir / f"{STATIC_MANIFEST}-{site_tag(site)}.json")
        if kept is None:
            return {}
        data = json.loads(kept)
        if data["site"] != str(site):
            return {}
        return {dest: (e[0], tuple(e[1])) for dest, e in data["files"].items()}  # type: ignore[misc]
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return {}


def reusable_static(
    kept: dict[str, tuple[str, tuple[int, int, int]]], dest: str, key: str | None, previous: Path
) -> bool:
    """True if the previous site holds this file with the same content key, as that build wrote it."""
    entry = kept.get(dest)
    return key is not None and entry is not None and entry[0] == key and file_stat(previous / dest) == entry[1]


def save_static_manifest(cache_dir: Path, site: Path, built: Path, keys: dict[str, str | None]) -> None:
    """Record each non-page file's key and stat as built into `built`, for the site that will stand at `site`."""
    rows = {}
    for dest, key in keys.items():
        stat = file_stat(built / dest) if key is not None else None
        if stat is not None:
            rows[dest] = [key, list(stat)]
    path = cache_dir / f"{STATIC_MANIFEST}-{site_tag(site)}.json"
    write_cache_file(path, json.dumps({"site": str(site), "files": rows}, ensure_ascii=False))


def reusable(entry: Entry | None, fp: str, previous: Path) -> bool:
    """True if the previous site holds this page's output, made from the same inputs."""
    return entry is not None and entry.fingerprint == fp and file_stat(previous / entry.dest) == entry.stat


def link_outputs(previous: Path, new: Path, dests: Iterable[str]) -> int:
    """Hard-link (copy where links fail) the previous site's outputs of the pages not rendered into the
    new site. MkDocs has finished writing by then, so no write can reach the previous site's files."""
    n = 0
    for dest in dests:
        target = new / dest
        if target.exists():  # MkDocs wrote it after all: keep the new file
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(previous / dest, target)
        except OSError:
            import shutil

            shutil.copy2(previous / dest, target)
        n += 1
    return n


def city_fingerprints(
    book: Rulebook, matches: dict[tuple[str, int], list[Match]], urls: dict[str, str]
) -> dict[str, str]:
    """For each city page (by src), everything its macro (macros.city_page) renders from: the city itself,
    its chart links, and each article's counterparts as listed (city name, number, level, the clauses shown,
    snippet — not the probability, which the page does not print — and the cities with none and why); for a large
    corpus (lists loaded from a script, align.similar_inline) only the lists' lengths.
    `urls`: each city page's URL (the relative links depend on it)."""
    snippets: dict[str, dict[int, str]] = {}

    def similar(m: Match) -> str:
        if m.city not in snippets:  # City.article(n) walks the whole city: index each city once
            snippets[m.city] = {a.n: snippet(a.text()) for a in book.cities[m.city].articles()}
        return snippets[m.city][m.n]

    inline = similar_inline(book)
    out: dict[str, str] = {}
    for slug, city in book.cities.items():
        src = f"cities/{slug}.md"
        if src not in urls:
            continue
        links = Links(root_prefix(urls[src]), not urls[src].endswith(".html"))
        extra = chains.city_chain_links(book, slug, links) if book.chains else ""
        if inline:
            rows = [
                [
                    a.n,
                    [
                        [m.city, book.cities[m.city].name, m.n, m.level, m.clauses[:3], similar(m)]
                        for m in matches.get((slug, a.n), [])
                    ],
                    sorted(getattr(matches, "none", {}).get((slug, a.n), {}).items()),
                ]
                for a in city.articles()
            ]
        else:  # a large corpus: the page holds only each list's length (its script holds the lists)
            rows = [[a.n, len(matches.get((slug, a.n), []))] for a in city.articles()]
        out[src] = "\0".join([city.model_dump_json(), extra, links.prefix, json.dumps(rows, ensure_ascii=False)])
    return out


def province_fingerprints(
    book: Rulebook, matches: dict[tuple[str, int], list[Match]], urls: dict[str, str], digests: Digests | None = None
) -> dict[str, str]:
    """For each per-province page of a large corpus (a topic's, compare/<topic>/<province>, and a chain
    type's, chains/<kind>/<province>; by src), what its macro renders from, taken wide: the provinces
    (the page links them all), every topic and the chain types' topics, the page's topic and its
    attributes, and of each city of its province the city itself, its tags, chains, comparison cells
    and alignment rows. `urls`: each page's URL (the relative links depend on it)."""
    if not topics.paged(book):
        return {}
    common = json.dumps(
        [
            [[p.key, p.name, [c.id for c in p.cities]] for p in book.provinces()],
            [t.model_dump(mode="json") for t in book.topics()],
            {k.value: t for k, t in topics.chain_topics(book).items()},
        ],
        ensure_ascii=False,
    )
    if digests is None:
        digests = Digests(book, matches)  # type: ignore[arg-type]
    cells_of: dict[str, list[str]] = {}
    for f in book.facts.values():
        for a in f.attributes:
            for slug, cell in a.cells.items():
                cells_of.setdefault(slug, []).append(a.id + "\0" + cell.model_dump_json())

    def own(c: City) -> bytes:  # each city's part, as a digest (the pages' inputs are not held)
        key = hashlib.sha256(digests.data(c.id) + digests.rows(c.id))
        key.update(json.dumps(cells_of.get(c.id, []), ensure_ascii=False).encode())
        return key.digest()

    out: dict[str, str] = {}
    for p in book.provinces():
        cities = hashlib.sha256(b"".join(own(c) for c in p.cities)).hexdigest()
        for t in book.topics():
            src = topics.province_path(t.id, p.key) + ".md"
            if src in urls:
                facts = book.facts.get(t.id)
                attrs = [a.model_dump_json(exclude={"cells"}) for a in facts.attributes] if facts else []
                out[src] = "\0".join([urls[src], common, t.id, json.dumps(attrs, ensure_ascii=False), cities])
        for kind in CHAIN_LABELS:
            src = f"chains/{kind.value}/{p.key}.md"
            if src in urls:
                out[src] = "\0".join([urls[src], common, kind.value, cities])
    return out
