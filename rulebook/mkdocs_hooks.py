"""MkDocs hooks: generate the pages of the registry (rulebook/pages.py) and the navigation from rules_data/.

Each generated page is one macro call; the content comes from data through macros.py.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rulebook import (  # noqa: E402
    align,
    cache,
    compare,
    csp,
    draftcheck,
    drafting,
    lint,
    pages,
    phases,
    rawblock,
    render,
    search,
    site,
)
from rulebook.data import DataError, Rulebook  # noqa: E402


def _root(config) -> Path:  # noqa: ANN001 - MkDocs config object
    return Path(config.config_file_path).resolve().parent


def _refused(errors: list[str]) -> PluginError:
    # A PluginError is printed by MkDocs as one ERROR line (no traceback) before "Aborted with a BuildError!".
    return PluginError(
        f"rules_data has {len(errors)} error(s), the same as scripts/lint.py reports; nothing was built:\n"
        + "\n".join(errors)
    )


def on_config(config):  # noqa: ANN001, ANN201
    # on_config runs before MkDocs cleans the site directory: bad or stale data (a generated city file
    # that is not what the importer makes from its source and input now) never replaces a site.
    root = _root(config)
    gc.unfreeze()  # `mkdocs serve`: the previous build's book may be collected (frozen in _configure)
    phases.mark("start (imports, MkDocs config)")
    errors, book = lint.check_and_load(root, cache_dir=root / ".cache")
    phases.mark("lint and load")
    if errors:
        raise _refused(errors)
    try:
        return _configure(config, root, book)
    except DataError as e:
        raise _refused(e.errors) from None


def _configure(config, root: Path, loaded: Rulebook | None):  # noqa: ANN001, ANN202
    book = cache.rulebook(root, loaded=loaded)  # lint's book when it linted: the data is loaded once
    # The book lives for the whole build: keep the collector from rescanning its millions of objects
    # (at 300 cities that scanning was half the time of building the search shards); forked workers too.
    gc.freeze()
    config.nav = pages.nav(book)
    terms = search.search_terms(book, root)
    search.use_terms(terms)
    # Generated HTML blocks skip Markdown's HTML parser (see rulebook/rawblock.py); added here, not in
    # mkdocs.yml, so the extension needs no import path at config validation.
    config.markdown_extensions.append(rawblock.RawBlockExtension())
    # Our page templates are compiled while pages are read, before on_env, so set their cache here.
    render.use_bytecode_cache(cache.jinja_cache(root, "pages", Path(render.__file__)))
    return config


def on_files(files: Files, config) -> Files:  # noqa: ANN001
    book = cache.rulebook(_root(config))
    phases.mark("configure (nav, terms)")
    hidden = pages.not_in_nav(book)  # reached from other pages; MkDocs would warn they are not in the nav
    for src, text in pages.generated(book):  # every generated page kind of the registry
        inclusion = InclusionLevel.NOT_IN_NAV if src in hidden else InclusionLevel.UNDEFINED
        files.append(File.generated(config, src, content=text, inclusion=inclusion))
    phases.mark("page stubs")
    root = _root(config)
    for dest, src in site.VENDOR.items():
        path = root / src
        if not path.exists():
            raise PluginError(
                f"{src} is missing: run `npm ci` (scripts/setup.sh does) to install the pinned browser files"
            )
        files.append(File.generated(config, dest, abs_src_path=str(path)))
    for dest, (src, name) in site.VENDOR_COMMONJS.items():
        if not (root / src).exists():
            raise PluginError(
                f"{src} is missing: run `npm ci` (scripts/setup.sh does) to install the pinned browser files"
            )
        text = site.commonjs_global((root / src).read_text(encoding="utf-8"), name)
        files.append(File.generated(config, dest, content=text))
    for dest, text in draftcheck.check_files(book).items():
        files.append(File.generated(config, dest, content=text))
    for dest, text in search.search_files(book, root, cache_dir=root / ".cache" / "lookup").items():
        if isinstance(text, Path):  # a cached shard: copied from its cache file, never held in memory
            files.append(File.generated(config, dest, abs_src_path=str(text)))
        else:
            files.append(File.generated(config, dest, content=text))
    phases.mark("vendor files, check data, search index")
    matches = align.for_book(book, root / ".cache" / "align")  # once per build, before downloads and pages
    phases.mark("alignment")
    for dest, text in align.similar_files(book, matches).items():  # none unless the corpus is large
        files.append(File.generated(config, dest, content=text))
    for dest, text in drafting.basket_files(book, matches).items():
        files.append(File.generated(config, dest, content=text))
    for dest, text in compare.two_city_files(book, matches).items():  # none unless pages are split
        files.append(File.generated(config, dest, content=text))
    # Downloads are generated from the data at build time, never committed.
    for name, text in site.downloads(book, config.site_url, root).items():
        files.append(File.generated(config, f"data/{name}", content=text))
    phases.mark("similar lists, basket data, downloads")
    return files


def on_env(env, config, files):  # noqa: ANN001, ANN201
    # Compiled theme templates are kept between builds: Jinja checks each template's source
    # checksum and its own version, so a changed template is recompiled.
    env.bytecode_cache = cache.jinja_cache(_root(config), "theme", Path(__file__))
    return env


def on_page_context(context, page, config, nav):  # noqa: ANN001, ANN201
    phases.mark("pages read and converted (macros, Markdown)", once=True)
    return context


def on_page_content(html: str, page, config, files) -> str:  # noqa: ANN001
    # Ids inside fenced blocks are invisible to MkDocs' own raw-HTML scan (see rawblock.py); anchor
    # validation of links into generated pages needs them, and runs after every page is rendered.
    if page.present_anchor_ids is not None:
        page.present_anchor_ids |= rawblock.anchor_ids(html)
    return render.accessible_tables(html)


def on_post_build(config) -> None:  # noqa: ANN001
    # The CSP allows exactly the inline scripts the theme wrote into these pages (rulebook/csp.py);
    # deploy/nginx.conf includes the file. The offline bundle is opened from disk: no server, no header.
    phases.mark("pages written (theme templates), static files")
    policy = csp.site_policy(Path(config.site_dir))
    if policy.problems:
        raise PluginError("\n".join(policy.problems))
    if not config.extra.get("offline"):
        try:
            include = csp.nginx_include(policy)
        except ValueError as e:
            raise PluginError(f"{csp.CONF_NAME}: {e}") from None
        (Path(config.site_dir) / csp.CONF_NAME).write_text(include, encoding="utf-8")
    phases.mark("CSP scan")
