"""The model layer: the schema (pydantic models of every file under rules_data/) and the domain's pure
knowledge — Chinese numerals and article labels, the structure patterns of a work rule, quantities, provinces,
and where the corpus turns large.

Import from the modules (`from rulebook.model.<module> import name`); the names below are also
re-exported here, each loaded when first used."""

from rulebook.core.lazy import lazy_exports

# The layer's public names (those other layers, scripts and tests import) -> the module holding each.
_EXPORTS = {
    "ARTICLE_RES": "segment",
    "Adoption": "schema",
    "Article": "schema",
    "Attribute": "schema",
    "BoilerplateRules": "schema",
    "CHAIN_LABELS": "schema",
    "CHAPTER_RE": "segment",
    "Cell": "schema",
    "CellStatus": "schema",
    "Chain": "schema",
    "ChainType": "schema",
    "Chapter": "schema",
    "City": "schema",
    "CityChains": "schema",
    "CityInput": "schema",
    "CityTags": "schema",
    "Correction": "schema",
    "CorrectionKind": "schema",
    "FieldError": "schema",
    "GB2260": "provinces",
    "HEADING_MAX": "segment",
    "INLINE_CHAPTER_RE": "segment",
    "INLINE_LABEL_RE": "segment",
    "Level": "schema",
    "MARKUP_MESSAGE": "schema",
    "MAX_TERM_CHARS": "schema",
    "NUM": "segment",
    "Node": "schema",
    "Paragraph": "schema",
    "Reference": "schema",
    "Relation": "schema",
    "SECTION_RE": "segment",
    "SLUG_RE": "schema",
    "SPACES": "segment",
    "SearchTerms": "schema",
    "Section": "schema",
    "Source": "schema",
    "Status": "schema",
    "StepStatus": "schema",
    "Superseded": "schema",
    "Taxonomy": "schema",
    "Topic": "schema",
    "TopicFacts": "schema",
    "Truncation": "schema",
    "article_number": "numerals",
    "cn_to_int": "numerals",
    "int_to_cn": "numerals",
    "label_markup": "schema",
    "parse_date": "numerals",
    "patterns_js": "segment",
    "province_key": "provinces",
    "quantities": "quantity",
    "rules_json": "quantity",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
