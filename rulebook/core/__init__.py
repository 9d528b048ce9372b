"""The core layer: utilities every layer may use and that know nothing of the rulebook — cache files
written whole or not at all, fork pools and process helpers, the typed settings, build phases, page scripts.

Import from the modules (`from rulebook.core.<module> import name`); the names below are also
re-exported here, each loaded when first used."""

from rulebook.core.lazy import lazy_exports

# The layer's public names (those other layers, scripts and tests import) -> the module holding each.
_EXPORTS = {
    "DEFAULT_MAX_SOURCE_BYTES": "settings",
    "PACKAGE": "cachefiles",
    "Phases": "phases",
    "Settings": "settings",
    "SettingsError": "settings",
    "die_with_parent": "process",
    "fingerprint": "cachefiles",
    "js_call": "jsdata",
    "lazy_exports": "lazy",
    "package_files": "cachefiles",
    "pid_alive": "process",
    "read_stored": "cachefiles",
    "store_files": "cachefiles",
    "version": "cachefiles",
    "write_cache_file": "cachefiles",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
