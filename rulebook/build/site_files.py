"""The site's generated files that are not pages: the vendored browser files and the data/ downloads."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rulebook.analysis.align import Alignment
from rulebook.build.bookcache import derived_files, derived_folder
from rulebook.core.cachefiles import (
    fingerprint,
    package_files,
    read_cache_file,
    read_stored,
    remove_cache_file,
    write_cache_file,
)
from rulebook.core.settings import DATA, Settings
from rulebook.data.load import Rulebook
from rulebook.model.schema import City
from rulebook.views import basket, exports, similar, topics
from rulebook.views.exports import download_files, iter_download_parts
from rulebook.views.wordiff import token_lengths

if TYPE_CHECKING:
    from rulebook.build.digests import Digests

# Third-party browser files: installed from the npm registry (package.json + lock), copied into the site.
VENDOR = {
    "assets/vendor/lunr.min.js": "node_modules/lunr/lunr.min.js",
    "assets/vendor/mammoth.browser.min.js": "node_modules/mammoth/mammoth.browser.min.js",
    "assets/vendor/docx.js": "node_modules/docx/dist/index.iife.js",
    "assets/vendor/exceljs.min.js": "node_modules/exceljs/dist/exceljs.bare.min.js",
}
# CommonJS files (module.exports) wrapped so a plain <script> defines the global instead of throwing.
VENDOR_COMMONJS = {
    "assets/vendor/diff_match_patch.js": ("node_modules/diff-match-patch/index.js", "diff_match_patch"),
}


def commonjs_global(source: str, name: str) -> str:
    """A CommonJS module as a browser script that sets window.<name> to its exports."""
    return f"(function () {{ var module = {{ exports: {{}} }};\n{source}\nwindow.{name} = module.exports; }})();\n"


Matches = Alignment


def _workbook_memo(root: Path) -> Callable[[str, object, Callable[[], bytes]], bytes]:
    """Workbooks and the comparison files kept in .cache/xlsx/ by the data they are made from
    (exports.download_files' `memo`): after one city is edited only those whose rows changed are made again."""
    code = fingerprint(("openpyxl",), [Path(exports.__file__)]).hexdigest()[:16]
    folder = root / ".cache" / "xlsx"

    def memo(name: str, data: object, make: Callable[[], bytes]) -> bytes:
        key = hashlib.sha256(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()[:24]
        stem = name.replace("/", "_")
        path = folder / f"{stem}-{code}-{key}{Path(name).suffix}"
        kept = read_cache_file(path)  # None when absent or damaged (reported, removed)
        if kept is not None:
            return kept
        made = make()
        for old in folder.glob(f"{stem}-*{Path(name).suffix}"):
            remove_cache_file(old)
        write_cache_file(path, made)
        return made

    return memo


PARTS = "download-parts"  # in .cache/: each city's parts of the whole-corpus downloads (exports.CITY_FILES)
PARTS_MADE = "download-parts-made.json"  # in .cache/: the cities whose parts the last downloads made


def _city_parts(root: Path, book: Rulebook, matches: Matches, digests: Digests | None = None) -> exports.Parts:
    """Each city's parts of the whole-corpus downloads (exports.city_parts), kept in .cache/download-parts/
    by what they are made from: the code, the city, its tags and its alignment rows. After one city's
    edit only the cities whose data or alignment rows changed have their parts made again; the whole
    files are written from the parts piece by piece (exports.assembled)."""
    folder = root / ".cache" / PARTS
    code = fingerprint(("pydantic",), package_files()).hexdigest()
    cities = book.ordered_cities()
    if digests is None:
        from rulebook.build.digests import Digests

        digests = Digests(book, matches)
    keys = {}
    for c in cities:
        key = hashlib.sha256(code.encode())
        key.update(digests.data(c.id) + digests.rows(c.id))
        keys[c.id] = key.hexdigest()[:32]
    if folder.is_dir():  # parts of cities or data gone
        current = set(keys.values())
        for old in folder.iterdir():
            if old.name.split(".")[0] not in current:
                old.unlink(missing_ok=True)
    made: list[str] = []

    def part(c: City, name: str) -> str:
        index = exports.CITY_FILES.index(name)
        kept = read_cache_file(folder / f"{keys[c.id]}.{index}")  # None: absent or damaged (reported, removed)
        if kept is not None:
            return kept.decode()
        parts = exports.city_parts(book, matches, c)
        for i, n in enumerate(exports.CITY_FILES):
            write_cache_file(folder / f"{keys[c.id]}.{i}", parts[n])
        made.append(c.id)
        return parts[name]

    def parts(name: str) -> Iterator[str]:
        yield from (part(c, name) for c in cities)
        if name == exports.CITY_FILES[0]:  # every city's parts are kept now: say which were made
            write_cache_file(root / ".cache" / PARTS_MADE, json.dumps(made))

    return parts


_DISTS = ("openpyxl",)


def _extra(site_url: str | None, settings: Settings) -> str:
    return f"{site_url or ''}\0{settings.key(DATA)}"


def downloads_ready(root: Path, settings: Settings, site_url: str | None = None) -> bool:
    """Whether .cache/ holds this data's downloads complete (downloads() then only reads them)."""
    return read_stored(derived_folder(root, "downloads", _extra(site_url, settings), _DISTS)) is not None


def downloads(
    book: Rulebook,
    matches: Matches,
    site_url: str | None = None,
    root: Path | None = None,
    settings: Settings | None = None,
    digests: Digests | None = None,
) -> dict[str, str | bytes | Path]:
    """The data/ files of a build (`matches`: its alignment; `settings`: those the book was loaded with).

    `site_url` (mkdocs.yml) makes the spreadsheets' links to articles absolute; without it they are
    paths relative to the site root. With `root`, each file is written to .cache/downloads-<key>/ as it
    is made and given as its path there, kept until the data or the code changes (writing the workbooks
    was a third of a warm five-city build; at 3,000 cities holding every file at once was +3 GB)."""
    if root:
        memo = _workbook_memo(root)
        return dict(
            derived_files(
                root,
                "downloads",
                _extra(site_url, settings or Settings()),
                lambda: iter_download_parts(book, matches, site_url, memo, _city_parts(root, book, matches, digests)),
                _DISTS,
            )
        )
    return dict(download_files(book, matches, site_url))


SCRIPTS = "city-scripts"  # in .cache/: the per-city scripts (similar lists, basket, 两市对照) by their inputs


def city_scripts(
    book: Rulebook,
    matches: Matches,
    digests: Digests,
    root: Path | None = None,
    words: Callable[[str], str] = token_lengths,
) -> dict[str, str]:
    """The scripts the pages load per city — 他市对应条文 lists (similar.similar_files, large corpus only),
    条文篮 data (basket.basket_files) and 两市对照 data (topics.two_city_files, split topic pages only) — and
    their index files, as those functions make them. With `root`, each city's script is kept in
    .cache/city-scripts/ by what it is made from (the code, the taxonomy and search terms, and: the city's
    alignment rows and the data of the cities they name; the city's data and rows), so after one city's
    edit only the scripts whose inputs changed are made again."""
    kinds: list[tuple[str, Callable[[str], str], Callable[[str], bytes]]] = []
    if not similar.similar_inline(book):
        kinds.append(
            (
                "similar",
                lambda slug: similar.similar_script(book, matches, slug),
                lambda slug: digests.rows(slug) + b"".join(digests.data(p) for p in digests.peers(slug)),
            )
        )
    kinds.append(
        (
            "basket",
            lambda slug: basket.city_script(book, slug, matches),
            lambda slug: digests.data(slug) + digests.rows(slug),
        )
    )
    paged = topics.paged(book)
    if paged:
        kinds.append(
            (
                "two",
                lambda slug: topics.two_city_script(book, book.cities[slug], matches, words),
                lambda slug: digests.data(slug) + digests.rows(slug),
            )
        )
    paths = {
        "similar": similar.similar_script_path,
        "basket": basket.city_script_path,
        "two": topics.two_city_script_path,
    }
    folder = root / ".cache" / SCRIPTS if root else None
    common = hashlib.sha256()
    if folder:
        common.update(fingerprint(("jieba", "pydantic"), package_files()).digest())
        common.update(book.taxonomy.model_dump_json().encode() if book.taxonomy else b"-")
        common.update(book.search_terms.model_dump_json().encode() if book.search_terms else b"-")
    present = set(os.listdir(folder)) if folder and folder.is_dir() else set()
    keep: set[str] = set()
    made: dict[str, dict[str, str]] = {}
    for kind, make, inputs in kinds:
        out = made[kind] = {}
        for slug in book.cities:
            if folder is None:
                out[slug] = make(slug)
                continue
            key = hashlib.sha256(common.digest() + kind.encode() + slug.encode() + inputs(slug)).hexdigest()[:24]
            name = f"{kind}-{slug}-{key}.js"
            keep |= {name, name + ".sum"}
            kept = read_cache_file(folder / name) if name in present else None  # None: absent or damaged
            if kept is not None:
                out[slug] = kept.decode()
            else:
                out[slug] = make(slug)
                write_cache_file(folder / name, out[slug])
    for name in present - keep:  # scripts of earlier data, cities gone
        (folder / name).unlink(missing_ok=True)  # type: ignore[operator]
    files: dict[str, str] = {}
    if "similar" in made:
        files |= {paths["similar"](slug): made["similar"][slug] for slug in book.cities}
    files["basket/meta.js"] = basket.basket_files_meta(book)
    files |= {paths["basket"](slug): made["basket"][slug] for slug in book.cities}
    if paged:
        files[topics.two_city_index_path()] = topics.two_city_index_script(book)
        files |= {paths["two"](c.id): made["two"][c.id] for c in book.ordered_cities()}
    return files
