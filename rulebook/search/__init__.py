"""The search layer: the article indexes the browser searches (lunr shards, the term-partitioned index).

Import from the modules (`from rulebook.search.<module> import name`); the names below are also
re-exported here, each loaded when first used."""

from rulebook.core.lazy import lazy_exports

# The layer's public names (those other layers, scripts and tests import) -> the module holding each.
_EXPORTS = {
    "fnv1a": "index",
    "length_norm": "index",
    "search_terms": "index",
    "term_weight": "index",
    "weight": "index",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
