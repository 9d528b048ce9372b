"""The analysis layer: machine results computed from the data — article alignment, curation suggestions
(待核) and the editor workflow that applies them. Never curated facts.

Import from the modules (`from rulebook.analysis.<module> import name`); the names below are also
re-exported here, each loaded when first used."""

from rulebook.core.lazy import lazy_exports

# The layer's public names (those other layers, scripts and tests import) -> the module holding each.
_EXPORTS = {
    "Corpus": "align",
    "Match": "align",
    "Scores": "suggest",
    "Suggester": "suggest",
    "add_pending": "curation",
    "add_suggestions": "curation",
    "cached_alignment": "align",
    "canonical_text": "curation",
    "canonicalize": "curation",
    "leave_one_out": "suggest",
    "sentences": "align",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
