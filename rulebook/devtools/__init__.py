"""The devtools layer: for tests, benchmarks and scripts only — a served site and a browser, synthetic
corpora, project copies, the link check, the search quality queries. The site's build never imports it.

Import from the modules (`from rulebook.devtools.<module> import name`); the names below are also
re-exported here, each loaded when first used."""

from rulebook.core.lazy import lazy_exports

# The layer's public names (those other layers, scripts and tests import) -> the module holding each.
_EXPORTS = {
    "ART_HREF": "search_eval",
    "Browser": "browser",
    "NOT_LOCAL": "browser",
    "PARTS": "projects",
    "available": "browser",
    "check_site": "linkcheck",
    "copy_project": "projects",
    "expected_refs": "search_eval",
    "header_results": "search_eval",
    "load_queries": "search_eval",
    "lookup_results": "search_eval",
    "make_synthetic": "synthetic",
    "nginx": "browser",
    "score": "search_eval",
    "serve": "browser",
    "serve_nginx": "browser",
    "write_cases": "js_cases",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
