"""The build layer: MkDocs glue and what only a build needs — the hooks, the page registry, the build's
caches, incremental rebuilds, the CSP, printing, and the atomic swap of a finished site.

Import from the modules (`from rulebook.build.<module> import name`); the names below are also
re-exported here, each loaded when first used."""

from rulebook.core.lazy import lazy_exports

# The layer's public names (those other layers, scripts and tests import) -> the module holding each.
_EXPORTS = {
    "Build": "context",
    "BuildFailed": "atomic",
    "Entry": "incremental",
    "FOOTER_TEMPLATE": "printing",
    "Interrupted": "atomic",
    "PAGE_LINK": "printing",
    "Part": "printing",
    "Stamp": "printing",
    "build_site": "atomic",
    "cover_html": "printing",
    "derived_files": "bookcache",
    "derived_folder": "bookcache",
    "header_template": "printing",
    "nav_context": "incremental",
    "on_sigterm": "atomic",
    "overlay_html": "printing",
    "parts": "printing",
    "printed": "pages",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
