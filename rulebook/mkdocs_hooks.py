"""MkDocs hooks: generate the per-city pages and the navigation from rules_data/.

Each generated page is one macro call; the content comes from data through macros.py.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rulebook import rawblock, render, search, site  # noqa: E402


def _root(config) -> Path:  # noqa: ANN001 - MkDocs config object
    return Path(config.config_file_path).resolve().parent


@event_priority(100)  # before the search plugin's on_config, which loads the jieba user dictionary
def on_config(config):  # noqa: ANN001, ANN201
    root = _root(config)
    book = site.rulebook(root)  # raises DataError listing every data error
    config.nav = site.nav(book)
    # The rulebook's own terms as the search plugin's jieba_dict_user, generated from the data.
    terms = search.search_terms(book, root)
    dict_path = Path(tempfile.gettempdir()) / f"rulebook-jieba-{abs(hash(str(root)))}.txt"
    dict_path.write_text(search.jieba_user_dict(terms), encoding="utf-8")
    plugin = config.plugins.get("material/search")
    if plugin is not None:
        plugin.config.jieba_dict_user = str(dict_path)
    search.use_terms(terms)
    # Generated HTML blocks skip Markdown's HTML parser (see rulebook/rawblock.py); added here, not in
    # mkdocs.yml, so the extension needs no import path at config validation.
    config.markdown_extensions.append(rawblock.RawBlockExtension())
    # Our page templates are compiled while pages are read, before on_env, so set their cache here.
    render.use_bytecode_cache(site.jinja_cache(root, "pages", Path(render.__file__)))
    return config


def on_files(files: Files, config) -> Files:  # noqa: ANN001
    book = site.rulebook(_root(config))
    for city in book.cities.values():
        files.append(File.generated(config, site.city_src(city.id), content=site.city_stub(city)))
    for topic in book.topics():
        files.append(File.generated(config, site.topic_src(topic.id), content=site.topic_stub(topic)))
    for kind, label in site.CHAIN_PAGES:
        files.append(File.generated(config, site.chain_src(kind), content=site.chain_stub(kind, label)))
    root = _root(config)
    for dest, src in site.VENDOR.items():
        path = root / src
        if not path.exists():
            raise PluginError(
                f"{src} is missing: run `npm ci` (scripts/setup.sh does) to install the pinned browser files"
            )
        files.append(File.generated(config, dest, abs_src_path=str(path)))
    for dest, text in search.search_files(book, root, cache_dir=root / ".cache" / "lookup").items():
        files.append(File.generated(config, dest, content=text))
    # Downloads are generated from the data at build time, never committed.
    for name, text in site.downloads(book, config.site_url).items():
        files.append(File.generated(config, f"data/{name}", content=text))
    return files


def on_env(env, config, files):  # noqa: ANN001, ANN201
    # Compiled theme templates are kept between builds: Jinja checks each template's source
    # checksum and its own version, so a changed template is recompiled.
    env.bytecode_cache = site.jinja_cache(_root(config), "theme", Path(__file__))
    return env


def on_page_content(html: str, page, config, files) -> str:  # noqa: ANN001
    # Ids inside fenced blocks are invisible to MkDocs' own raw-HTML scan (see rawblock.py); anchor
    # validation of links into generated pages needs them, and runs after every page is rendered.
    if page.present_anchor_ids is not None:
        page.present_anchor_ids |= rawblock.anchor_ids(html)
    return render.accessible_tables(html)
