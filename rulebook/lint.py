"""The data linter: every error in rules_data/ at once, as `file: key.path: message`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import paths, yamlio
from .data import DataError, load_rulebook
from .importer import ImportError_, import_city
from .models import BoilerplateRules, CityInput
from .pipeline import HEADER
from .site import fingerprint, write_cache_file


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


def check(root: Path | None = None, cache_dir: Path | None = None) -> list[str]:
    """lint(), for the build (MkDocs' on_config): the same errors, and a clean result remembered.

    With cache_dir, a clean pass is recorded there as `lint-<key>.ok`, keyed on the path and bytes of
    every file under rules_data/, this package's code and the pydantic and PyYAML versions (the
    generated files' canonical form); an unchanged rebuild then skips re-importing every city.
    Errors are never cached."""
    root = root or paths.ROOT
    if cache_dir is None:
        return lint(root)
    key = fingerprint(("pydantic", "PyYAML"), sorted(Path(__file__).parent.glob("*.py")))
    data = root / "rules_data"
    for p in sorted(data.rglob("*")):
        if p.is_file():
            key.update(p.relative_to(data).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    marker = cache_dir / f"lint-{key.hexdigest()[:24]}.ok"
    if marker.exists():
        return []
    errors = lint(root)
    if not errors:
        for old in cache_dir.glob("lint-*.ok"):
            old.unlink(missing_ok=True)
        write_cache_file(marker, "")
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
