"""The data linter: every error in rules_data/ at once, as `file: key.path: message`."""

from __future__ import annotations

from pathlib import Path

from . import paths, yamlio
from .data import DataError, load_rulebook
from .importer import ImportError_, import_city
from .models import BoilerplateRules, CityInput
from .pipeline import HEADER


def lint(root: Path | None = None) -> list[str]:
    """Return every error found (empty list: the data is clean)."""
    root = root or paths.ROOT
    try:
        book = load_rulebook(root)
    except DataError as e:
        return e.errors
    errors: list[str] = []
    rules = BoilerplateRules.model_validate(
        yamlio.load((root / "rules_data/boilerplate.yaml").read_text(encoding="utf-8"))
    )
    for slug, inp in sorted(book.inputs.items()):
        errors += _check_generated(root, slug, inp, rules)
    return errors


def _check_generated(root: Path, slug: str, inp: CityInput, rules: BoilerplateRules) -> list[str]:
    """The committed city file must be exactly what the importer makes from source + input."""
    rel_in = f"rules_data/inputs/{slug}.yaml"
    try:
        city, _ = import_city((root / "rules_data/sources" / inp.source.file).read_bytes(), inp, rules)
    except ImportError_ as e:
        return [f"{rel_in}: (import): {e}"]
    target = root / "rules_data/cities" / f"{slug}.yaml"
    if target.read_text(encoding="utf-8") != HEADER + yamlio.dump(city):
        return [f"rules_data/cities/{slug}.yaml: (file): stale; run scripts/import_city.py {slug}"]
    return []
