"""Load and cross-check everything under rules_data/; report every error at once.

Each error reads `file: key.path: message` (paths relative to the repository root).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from . import paths
from .models import BoilerplateRules, City, CityInput

M = TypeVar("M", bound=BaseModel)
_FAILED = object()  # read_yaml's result for a file that could not be parsed


class DataError(Exception):
    """Bad data: carries every error found, each `file: key.path: message`."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} data error(s):\n" + "\n".join(errors))


@dataclass
class Rulebook:
    """All data of the site, loaded once per build."""

    cities: dict[str, City] = field(default_factory=dict)
    inputs: dict[str, CityInput] = field(default_factory=dict)

    def city(self, slug: str) -> City:
        try:
            return self.cities[slug]
        except KeyError:
            raise KeyError(f"unknown city id {slug!r} (known: {', '.join(sorted(self.cities))})") from None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def read_yaml(path: Path, root: Path, errors: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(parse)"
        errors.append(f"{_rel(path, root)}: {where}: YAML error: {getattr(e, 'problem', None) or e}")
        return _FAILED
    except OSError as e:
        errors.append(f"{_rel(path, root)}: (file): {e}")
    return _FAILED


def validate(model: type[M], data: Any, path: Path, root: Path, errors: list[str]) -> M | None:
    if data is _FAILED:
        return None  # the YAML error is already reported
    try:
        return model.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            errors.append(f"{_rel(path, root)}: {_loc(err['loc'])}: {err['msg']}")
    return None


def _check_ids(kind: str, items: dict[str, Any], files: dict[str, Path], root: Path, errors: list[str]) -> None:
    for slug, obj in items.items():
        if obj.id != slug:
            errors.append(f"{_rel(files[slug], root)}: id: id {obj.id!r} does not match the file name {slug!r}")


def load_rulebook(root: Path | None = None) -> Rulebook:
    """Load every data file through the schema and cross-check them; raise DataError listing all errors."""
    root = root or paths.ROOT
    data_dir = root / "rules_data"
    errors: list[str] = []
    book = Rulebook()

    bp_path = data_dir / "boilerplate.yaml"
    validate(BoilerplateRules, read_yaml(bp_path, root, errors), bp_path, root, errors)

    input_files = {p.stem: p for p in sorted((data_dir / "inputs").glob("*.yaml"))}
    for slug, p in input_files.items():
        inp = validate(CityInput, read_yaml(p, root, errors), p, root, errors)
        if inp:
            book.inputs[slug] = inp
    city_files = {p.stem: p for p in sorted((data_dir / "cities").glob("*.yaml"))}
    for slug, p in city_files.items():
        city = validate(City, read_yaml(p, root, errors), p, root, errors)
        if city:
            book.cities[slug] = city
    _check_ids("input", book.inputs, input_files, root, errors)
    _check_ids("city", book.cities, city_files, root, errors)

    for slug in sorted(set(input_files) - set(city_files)):
        errors.append(
            f"{_rel(input_files[slug], root)}: id: no rules_data/cities/{slug}.yaml (run scripts/import_city.py)"
        )
    for slug in sorted(set(city_files) - set(input_files)):
        errors.append(f"{_rel(city_files[slug], root)}: id: no input file rules_data/inputs/{slug}.yaml")

    for slug, city in book.cities.items():
        src = data_dir / "sources" / city.source.file
        rel = _rel(city_files[slug], root)
        if not src.exists():
            errors.append(f"{rel}: source.file: {_rel(src, root)} does not exist")
        else:
            digest = hashlib.sha256(src.read_bytes()).hexdigest()
            if digest != city.source.sha256:
                errors.append(f"{rel}: source.sha256: recorded {city.source.sha256} but {_rel(src, root)} has {digest}")
        inp = book.inputs.get(slug)
        if inp and inp.source != city.source:
            errors.append(f"{rel}: source: differs from rules_data/inputs/{slug}.yaml (re-run the importer)")

    if errors:
        raise DataError(errors)
    return book
