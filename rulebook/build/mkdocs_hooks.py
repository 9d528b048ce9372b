"""MkDocs hooks: generate the pages of the registry (rulebook/build/pages.py) and the navigation from rules_data/.

Each generated page is one macro call; the content comes from data through macros.py.
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import jieba
from mkdocs.exceptions import Abort, PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from rulebook.analysis import align
from rulebook.build import bookcache, context, csp, incremental, pages, site_files
from rulebook.build.atomic import os_error_line
from rulebook.core import parallel
from rulebook.core.phases import Phases
from rulebook.core.settings import Settings, SettingsError
from rulebook.data import lint
from rulebook.data.load import DataError, Rulebook
from rulebook.model import scale
from rulebook.search import index
from rulebook.views import chains, draft_check, rawblock, render
from rulebook.views.links import Links

log = logging.getLogger("mkdocs.plugins.rulebook")


_LOADED = time.perf_counter()  # the first phase of a build is measured from here (imports, MkDocs config)


def _refused(errors: list[str]) -> PluginError:
    # A PluginError is printed by MkDocs as one ERROR line (no traceback) before "Aborted with a BuildError!".
    return PluginError(
        f"rules_data has {len(errors)} error(s), the same as scripts/lint.py reports; nothing was built:\n"
        + "\n".join(errors)
    )


_DIRTY_WARNING = "A 'dirty' build is being performed"


@dataclass
class _Startup:
    """What MkDocs tells the hooks once, at startup, for every build of the process (`mkdocs serve`)."""

    command: str = "build"
    dirty: bool = False


# MkDocs calls hooks as plain functions and on_build_error gets no config: these two slots are the
# hooks' only state. The build itself (rulebook/build/context.py) is made anew in every on_config and
# carried on the config, where macros.py reads it.
_startup = _Startup()
_current: list[context.Build] = []


def _drop_dirty_warning(record: logging.LogRecord) -> bool:
    # The skipping is ours and exact (rulebook/build/incremental.py), so MkDocs' caution about stale
    # navigation does not apply, and under --strict the warning alone would abort the build.
    return not str(record.msg).startswith(_DIRTY_WARNING)


def on_startup(command: str, dirty: bool) -> None:
    _startup.command, _startup.dirty = command, dirty


def on_config(config):  # noqa: ANN001, ANN201
    try:
        return _on_config(config)
    except OSError as e:  # disk full, no permission: one line (MkDocs prints a PluginError so); -v: traceback
        log.debug("on_config failed", exc_info=e)
        raise PluginError(os_error_line(e)) from None


def _on_config(config):  # noqa: ANN001, ANN202
    # on_config runs before MkDocs cleans the site directory: bad or stale data (a generated city file
    # that is not what the importer makes from its source and input now) never replaces a site.
    root = Path(config.config_file_path).resolve().parent
    gc.unfreeze()  # `mkdocs serve`: the previous build's book may be collected (frozen below)
    try:
        settings = Settings.from_env()
    except SettingsError as e:
        raise _refused(e.errors) from None
    # Incremental only when scripts/build.py asks for it: --dirty and the previous site to reuse pages from.
    dirty = bool(_startup.dirty and _startup.command == "build" and settings.previous_site)
    build = context.Build(
        root,
        settings,
        command=_startup.command,
        dirty=dirty,
        site_url=config.site_url,
        phases=Phases(settings.phases, start=None if _current else _LOADED),
    )
    _current[:] = [build]
    config[context.CONFIG_KEY] = build
    if dirty:
        for name in ("mkdocs.commands.build", "properdocs.commands.build"):  # MkDocs or its fork ProperDocs
            build_log = logging.getLogger(name)
            if _drop_dirty_warning not in build_log.filters:
                build_log.addFilter(_drop_dirty_warning)
    build.phases.mark("start (imports, MkDocs config)")
    errors, book = lint.check_and_load(root, cache_dir=build.cache_dir, forks=build.forks, settings=settings)
    build.phases.mark("lint and load")
    if errors:
        raise _refused(errors)
    try:
        return _configure(config, build, book)
    except DataError as e:
        raise _refused(e.errors) from None


def _configure(config, build: context.Build, loaded: Rulebook | None):  # noqa: ANN001, ANN202
    # lint's book when it linted: the data is loaded once
    book = build.book = bookcache.rulebook(build.root, build.settings, loaded=loaded)
    # The book lives for the whole build: keep the collector from rescanning its millions of objects
    # (at 300 cities that scanning was half the time of building the search shards); forked workers too.
    gc.freeze()
    # The alignment and the downloads are made on the second core while this process configures and
    # builds the search index (on_files waits for them). They read only the book.
    if build.forks:
        parallel.clean_stale(build.cache_dir)  # what a killed build's worker was writing
        # A small corpus without its alignment: jieba's dictionary is loaded once, here, for this process's
        # search index and the worker's alignment (a second load cost 0.6 s of CPU and 60 MB).
        if not scale.large(len(book.cities)) and not index.terms_taught():
            if not align.cache_path(book, build.align_dir).exists():
                jieba.dt.check_initialized()
        build.worker = parallel.start(lambda: _warm(build), scratch=build.cache_dir)
    if not build.site_url:  # once per build: the downloads' links depend on it
        log.info(
            "mkdocs.yml has no site_url: the links in the spreadsheets (data/topics/*.xlsx) are paths, "
            "not clickable; set site_url to the address readers use"
        )
    config.nav = pages.nav(book)
    # Generated HTML blocks skip Markdown's HTML parser (see rulebook/views/rawblock.py); added here, not in
    # mkdocs.yml, so the extension needs no import path at config validation.
    config.markdown_extensions.append(rawblock.RawBlockExtension())
    # Our page templates are compiled while pages are read, before on_env, so set their cache here.
    render.use_bytecode_cache(bookcache.jinja_cache(build.root, "pages", Path(render.__file__)))
    return config


def on_files(files: Files, config) -> Files:  # noqa: ANN001
    build = context.of(config)
    book = build.the_book()
    build.phases.mark("configure (nav)")
    hidden = pages.not_in_nav(book)  # reached from other pages; MkDocs would warn they are not in the nav
    for src, text in pages.generated(book):  # every generated page kind of the registry
        inclusion = InclusionLevel.NOT_IN_NAV if src in hidden else InclusionLevel.UNDEFINED
        files.append(File.generated(config, src, content=text, inclusion=inclusion))
    build.phases.mark("page stubs")
    try:
        _search_and_vendor(files, config, build)
    except BaseException:
        _stop_worker(build)
        raise
    worker, build.worker = build.worker, None
    if worker:
        done = worker.wait()  # on failure its cache entries are missing: made below, errors reported here
        if not done:
            log.info("the alignment and downloads worker failed; making them in this process")
        if build.phases.enabled:  # profiling (and tests): did it leave what the calls below read?
            ready = align.cache_path(book, build.align_dir).exists()
            ready = ready and site_files.downloads_ready(build.root, build.settings, build.site_url)
            build.phases.mark(
                f"waited for the alignment and downloads worker ({'done' if done else 'failed'}, "
                f"cache {'ready' if ready else 'missing'})"
            )
    build.alignment()  # once per build, before downloads and pages
    build.phases.mark("alignment")
    return _finish_files(files, config, build)


def _stop_worker(build: context.Build) -> None:
    worker, build.worker = build.worker, None
    if worker:
        worker.stop()


def on_build_error(error: Exception) -> None:
    if _current:
        _stop_worker(_current[0])  # the build failed: what the worker makes is not needed
    if isinstance(error, OSError):
        # Disk full, no permission, read-only: one line naming the file, not MkDocs' traceback (with
        # `mkdocs build -v`, or scripts/build.py --debug, the traceback is logged first).
        log.debug("the build failed", exc_info=error)
        raise Abort(os_error_line(error)) from None


def _search_and_vendor(files: Files, config, build: context.Build) -> None:  # noqa: ANN001
    book, root = build.the_book(), build.root
    for dest, src in site_files.VENDOR.items():
        path = root / src
        if not path.exists():
            raise PluginError(
                f"{src} is missing: run `npm ci` (scripts/setup.sh does) to install the pinned browser files"
            )
        files.append(File.generated(config, dest, abs_src_path=str(path)))
    for dest, (src, name) in site_files.VENDOR_COMMONJS.items():
        if not (root / src).exists():
            raise PluginError(
                f"{src} is missing: run `npm ci` (scripts/setup.sh does) to install the pinned browser files"
            )
        text = site_files.commonjs_global((root / src).read_text(encoding="utf-8"), name)
        files.append(File.generated(config, dest, content=text))
    for dest, text in draft_check.check_files(book).items():
        files.append(File.generated(config, dest, content=text))
    for dest, text in index.search_files(book, root, cache_dir=root / ".cache" / "lookup").items():
        files.append(_generated(config, dest, text))
    build.phases.mark("vendor files, check data, search index")


def _warm(build: context.Build) -> None:
    # In the worker: fill the cache entries that the build's alignment(), downloads() and word_table() read
    # in on_files and in the pages.
    from threadpoolctl import threadpool_limits

    if not index.terms_taught():  # jieba's own dictionary, if the build loaded it before forking
        align.adopt_dictionary(jieba.dt)
    # One thread: the build process and its search pool hold the other core, and BLAS/OpenMP threads
    # competing with them spin (at 3,000 cities the parallel part was no faster than running serially).
    with threadpool_limits(limits=1):
        build.downloads()  # the alignment first: the downloads include it
    build.word_table()  # 两市对照's tokens into .cache/ (the alignment may have loaded jieba already)


def _finish_files(files: Files, config, build: context.Build) -> Files:  # noqa: ANN001
    book, matches = build.the_book(), build.alignment()
    # 他市对应条文 lists (large corpus), 条文篮 and 两市对照 data (split topic pages): one script per city each,
    # kept in .cache/ by their inputs
    for dest, text in site_files.city_scripts(book, matches, build.digests(), build.root, build.words).items():
        files.append(File.generated(config, dest, content=text))
    links = Links(directory_urls=config["use_directory_urls"])
    for dest, text in chains.chart_files(book, links).items():  # 审批流程 charts' full-size SVG files
        files.append(File.generated(config, dest, content=text))
    _plan_pages(files, config, build)
    # Downloads are generated from the data at build time, never committed.
    for name, text in build.downloads().items():
        files.append(_generated(config, f"data/{name}", text))
    build.phases.mark("similar lists, basket data, downloads")
    return files


def _generated(config, dest: str, text: str | bytes | Path) -> File:  # noqa: ANN001
    # A Path is a file in .cache/ (search index, downloads), copied from there: never held in memory.
    if isinstance(text, Path):
        return File.generated(config, dest, abs_src_path=str(text))
    return File.generated(config, dest, content=text)


def _plan_pages(files: Files, config, build: context.Build) -> None:  # noqa: ANN001
    """Fingerprint the city pages; in an incremental build, mark those the previous site holds as unmodified."""
    book, matches, root, previous = build.the_book(), build.alignment(), build.root, build.settings.previous_site
    if not previous:
        return
    base = incremental.global_key(root, Path(config.config_file_path), build.settings)
    navs = incremental.nav_context(config.nav)
    by_src = {f.src_uri: f for f in files}
    urls = {f.src_uri: f.url for f in files}
    fps = incremental.city_fingerprints(book, matches, {s: u for s, u in urls.items() if s.startswith("cities/")})
    provinces = incremental.province_fingerprints(book, matches, urls, build.digests())  # not in the nav: hidden_nav
    fps |= provinces
    hidden = incremental.hidden_nav(config.nav)
    manifest = incremental.load_manifest(build.cache_dir, previous) if build.dirty else {}
    planned: dict[str, tuple[str, str]] = {}
    skipped: dict[str, incremental.Entry] = {}
    for src, own in fps.items():
        f = by_src.get(src)
        nav = navs.get(src, hidden if src in provinces else None)
        if f is None or nav is None:
            continue
        fp = incremental.fingerprint(base, nav, own)
        planned[src] = (fp, f.dest_uri)
        entry = manifest.get(src)
        if entry is not None and incremental.reusable(entry, fp, previous):
            f.is_modified = lambda: False  # MkDocs (dirty) then neither reads nor renders it
            skipped[src] = entry
    build.planned, build.skipped = planned, skipped


def on_env(env, config, files):  # noqa: ANN001, ANN201
    # Compiled theme templates are kept between builds: Jinja checks each template's source
    # checksum and its own version, so a changed template is recompiled.
    build = context.of(config)
    env.bytecode_cache = bookcache.jinja_cache(build.root, "theme", Path(__file__))
    # A page not rendered has no anchor ids of its own: give it the previous build's, so links into it
    # are checked as in a full build (MkDocs validates them after every page is built).
    build.files = files  # on_post_build records each page's anchor ids
    _plan_static(files, build)
    for src, entry in build.skipped.items():
        f = files.get_file_from_path(src)
        if f is not None and f.page is not None and entry.anchors is not None:
            f.page.present_anchor_ids = set(entry.anchors)
    return env


def _plan_static(files: Files, build: context.Build) -> None:
    """Key the non-page files (MkDocs copies or writes them next); in an incremental build, leave out those
    the previous site holds with the same content: on_post_build links them, once MkDocs is done writing."""
    previous = build.settings.previous_site
    if not previous:
        return
    kept = incremental.load_static_manifest(build.cache_dir, previous) if build.dirty else {}
    recorded = incremental.StoredDigests(build.cache_dir)
    for f in files:
        if f.is_documentation_page():
            continue
        # MkDocs 1.6 keeps a generated file's content here (File.generated(content=...)); None: a source file
        content = getattr(f, "_content", None)
        key = incremental.static_key(content, f.abs_src_path, None if content is not None else recorded(f.abs_src_path))
        build.static[f.dest_uri] = key
        if kept and incremental.reusable_static(kept, f.dest_uri, key, previous):
            f.is_modified = lambda: False  # MkDocs (dirty) then does not copy it
            build.static_skipped.append(f.dest_uri)


def on_page_context(page_context, page, config, nav):  # noqa: ANN001, ANN201 - the first argument is positional
    context.of(config).phases.mark("pages read and converted (macros, Markdown)", once=True)
    return page_context


def on_page_content(html: str, page, config, files) -> str:  # noqa: ANN001
    # Ids inside fenced blocks are invisible to MkDocs' own raw-HTML scan (see rawblock.py); anchor
    # validation of links into generated pages needs them, and runs after every page is rendered.
    if page.present_anchor_ids is not None:
        page.present_anchor_ids |= rawblock.anchor_ids(html)
    return render.accessible_tables(html)


def on_post_page(output: str, page, config) -> str:  # noqa: ANN001
    return render.trim_indentation(output)


def on_post_build(config) -> None:  # noqa: ANN001
    # The CSP allows exactly the inline scripts the theme wrote into these pages (rulebook/build/csp.py);
    # deploy/nginx.conf includes the file. The offline bundle is opened from disk: no server, no header.
    build = context.of(config)
    build.phases.mark("pages written (theme templates), static files")
    site_dir = Path(config.site_dir)
    previous = build.settings.previous_site
    if build.skipped and previous:
        incremental.link_outputs(previous, site_dir, [e.dest for e in build.skipped.values()])
    if build.static_skipped and previous:
        incremental.link_outputs(previous, site_dir, build.static_skipped)
    target = previous or site_dir  # the site folder this build will stand at
    memo = build.cache_dir / f"csp-scan-{incremental.site_tag(target)}.json"
    policy = csp.site_policy(site_dir, memo=memo, forks=build.forks)
    if policy.problems:
        raise PluginError("\n".join(policy.problems))
    if not config.extra.get("offline"):
        try:
            include = csp.nginx_include(policy)
        except ValueError as e:
            raise PluginError(f"{csp.CONF_NAME}: {e}") from None
        (site_dir / csp.CONF_NAME).write_text(include, encoding="utf-8")
    if build.planned and previous:
        files: Files = build.files
        rows = {}
        for src, (fp, dest) in build.planned.items():
            f = files.get_file_from_path(src)
            anchors = f.page.present_anchor_ids if f is not None and f.page is not None else None
            rows[src] = (fp, dest, anchors)
        incremental.save_manifest(build.cache_dir, previous, site_dir, rows)
    if build.static and previous:
        incremental.save_static_manifest(build.cache_dir, previous, site_dir, build.static)
    build.phases.mark("CSP scan, page manifest")
