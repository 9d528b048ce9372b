"""The data layer: files on disk to models and back — where the data lives (Layout), canonical YAML, loading
and cross-checking the whole book, the linter, and the importer that turns a raw capture into a city file.

Import from the modules (`from rulebook.data.<module> import name`); the names below are also
re-exported here, each loaded when first used."""

from rulebook.core.lazy import lazy_exports

# The layer's public names (those other layers, scripts and tests import) -> the module holding each.
_EXPORTS = {
    "DataError": "load",
    "FileMemo": "load",
    "HEADER": "pipeline",
    "ImportError_": "importer",
    "ImportFailed": "importer",
    "LAYOUT": "layout",
    "Layout": "layout",
    "LoadOptions": "load",
    "MAX_SOURCE_ENV": "load",
    "ROOT": "layout",
    "Report": "importer",
    "Rulebook": "load",
    "add_data": "layout",
    "check_and_load": "lint",
    "check_rulebook": "load",
    "file_memo": "load",
    "group_provinces": "load",
    "import_checked": "pipeline",
    "import_city": "importer",
    "import_one": "pipeline",
    "load_boilerplate": "load",
    "load_file": "load",
    "load_rulebook": "load",
    "markup_errors": "load",
    "read_source": "load",
    "read_yaml": "load",
    "validate": "load",
    "validation_lines": "load",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
