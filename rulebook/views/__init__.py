"""The views layer: pure generators, data in and Markdown/HTML/JSON/xlsx out, unit-tested without MkDocs —
city pages, topic tables, 逐条对照, chains, citations, the basket, 对标检查 data, downloads.

Import from the modules (`from rulebook.views.<module> import name`); the names below are also
re-exported here, each loaded when first used."""

from rulebook.core.lazy import lazy_exports

# The layer's public names (those other layers, scripts and tests import) -> the module holding each.
_EXPORTS = {
    "DEFAULT_LINKS": "links",
    "Links": "links",
    "RawBlockExtension": "rawblock",
    "SimilarLink": "render",
    "SimilarSource": "render",
    "cell_citations": "topics",
    "city_page": "render",
    "city_path": "links",
    "download_files": "exports",
    "fence": "rawblock",
    "groups": "article_grid",
    "html_block": "render",
    "iter_download_files": "exports",
    "md_text": "render",
    "province_table": "render",
    "render_html": "render",
    "root_prefix": "links",
    "similar_inline": "similar",
    "snippet": "render",
    "topic": "topics",
    "topic_downloads": "links",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
