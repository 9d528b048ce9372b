"""Load and cross-check everything under rules_data/; report every error at once.

Each error reads `file: key.path: message` (paths relative to the repository root).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from . import paths, yamlio
from .models import BoilerplateRules, CellStatus, City, CityChains, CityInput, CityTags, Taxonomy, Topic, TopicFacts
from .quantity import quantities

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
    taxonomy: Taxonomy | None = None
    tags: dict[str, CityTags] = field(default_factory=dict)
    facts: dict[str, TopicFacts] = field(default_factory=dict)  # by topic id, in taxonomy order
    chains: dict[str, CityChains] = field(default_factory=dict)

    def topics(self) -> list[Topic]:
        return list(self.taxonomy.topics) if self.taxonomy else []

    def topic_ids(self) -> list[str]:
        return [t.id for t in self.topics()]

    def topics_of(self, slug: str, n: int) -> list[str]:
        t = self.tags.get(slug)
        return t.tags.get(f"art_{n}", []) if t else []

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
        return yamlio.load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(parse)"
        errors.append(f"{_rel(path, root)}: {where}: YAML error: {getattr(e, 'problem', None) or e}")
        return _FAILED
    except (OSError, UnicodeDecodeError) as e:
        errors.append(f"{_rel(path, root)}: (file): cannot read as UTF-8 text: {e}")
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


def _check_ids(items: dict[str, Any], files: dict[str, Path], root: Path, errors: list[str]) -> None:
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
    _check_ids(book.inputs, input_files, root, errors)
    _check_ids(book.cities, city_files, root, errors)

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

    # Cities whose own file is broken are already reported: do not cascade errors from other files.
    broken = set(city_files) - set(book.cities)
    _load_comparison_layer(book, data_dir, root, errors, broken)
    _load_chains(book, data_dir, root, errors, broken)
    if errors:
        raise DataError(errors)
    return book


def _load_comparison_layer(book: Rulebook, data_dir: Path, root: Path, errors: list[str], broken: set[str]) -> None:
    """Topics, per-city tags and comparison facts, each checked against the city texts."""
    tax_path = data_dir / "topics.yaml"
    if not tax_path.exists():
        return
    book.taxonomy = validate(Taxonomy, read_yaml(tax_path, root, errors), tax_path, root, errors)
    topic_ids = book.topic_ids()
    for i, tid in enumerate(topic_ids):
        if tid in topic_ids[:i]:
            errors.append(f"{_rel(tax_path, root)}: topics[{i}].id: duplicate topic id {tid!r}")
    known = set(topic_ids)

    for rel, tags, city in _per_city_files(book, data_dir / "tags", CityTags, root, errors, broken):
        book.tags[tags.city] = tags
        anchors = [a.anchor for a in city.articles()]
        for key, ids in tags.tags.items():
            if key not in anchors:
                errors.append(f"{rel}: tags.{key}: no such article in {city.id}")
            for tid in ids:
                if tid not in known:
                    errors.append(f"{rel}: tags.{key}: unknown topic id {tid!r}")
        if tags.curated:
            for anchor in anchors:
                if anchor not in tags.tags:
                    errors.append(f"{rel}: tags.{anchor}: article has no topic")
    if topic_ids:
        for slug in sorted(set(book.cities) - set(book.tags) - broken):
            errors.append(f"rules_data/tags/{slug}.yaml: (file): missing: every city needs its topic tags")

    seen_attrs: dict[str, str] = {}
    for p in sorted((data_dir / "comparisons").glob("*.yaml")):
        rel = _rel(p, root)
        facts = validate(TopicFacts, read_yaml(p, root, errors), p, root, errors)
        if not facts:
            continue
        if facts.topic != p.stem:
            errors.append(f"{rel}: topic: {facts.topic!r} does not match the file name {p.stem!r}")
        if facts.topic not in known:
            errors.append(f"{rel}: topic: unknown topic id {facts.topic!r}")
        book.facts[facts.topic] = facts
        for i, attr in enumerate(facts.attributes):
            key = f"attributes[{i}]"
            if attr.id in seen_attrs:
                errors.append(f"{rel}: {key}.id: duplicate attribute id {attr.id!r} (also in {seen_attrs[attr.id]})")
            seen_attrs[attr.id] = rel
            for slug in sorted(set(book.cities) - set(attr.cells)):
                errors.append(f"{rel}: {key}.cells.{slug}: missing (use 未规定, 原文缺失 or 待整理)")
            for slug, cell in attr.cells.items():
                if slug in broken:
                    continue
                errors.extend(_check_cell(book, rel, f"{key}.cells.{slug}", slug, attr.unit, cell))
    book.facts = {t: book.facts[t] for t in topic_ids if t in book.facts}


def _check_quote(city: City, article: int | None, quote: str | None, rel: str, key: str) -> list[str]:
    if article is None or quote is None:
        return []
    if article not in {a.n for a in city.articles()}:
        return [f"{rel}: {key}.article: {city.id} has no article {article}"]
    if quote not in city.article(article).text():
        return [f"{rel}: {key}.quote: not found verbatim in {city.id} art_{article}: {quote!r}"]
    return []


def _load_chains(book: Rulebook, data_dir: Path, root: Path, errors: list[str], broken: set[str]) -> None:
    """Approval chains: one file per city, every citation checked against the city's text."""
    if not (data_dir / "chains").exists():
        return
    for rel, cc, city in _per_city_files(book, data_dir / "chains", CityChains, root, errors, broken):
        book.chains[cc.city] = cc
        for i, ch in enumerate(cc.chains):
            if ch.status == CellStatus.source_missing and city.complete:
                errors.append(f"{rel}: chains[{i}].status: 原文缺失 but {city.id}'s source is complete")
            for j, n in enumerate(ch.nodes):
                errors.extend(_check_quote(city, n.article, n.quote, rel, f"chains[{i}].nodes[{j}]"))
            for j, e in enumerate(ch.edges):
                errors.extend(_check_quote(city, e.article, e.quote, rel, f"chains[{i}].edges[{j}]"))
    for slug in sorted(set(book.cities) - set(book.chains) - broken):
        errors.append(f"rules_data/chains/{slug}.yaml: (file): missing: every city needs its approval chains")


def _per_city_files(
    book: Rulebook, directory: Path, model: type[M], root: Path, errors: list[str], broken: set[str]
) -> Iterator[tuple[str, M, City]]:
    """Each valid per-city file (tags/, chains/) whose `city` names a loaded city; errors for the rest."""
    for p in sorted(directory.glob("*.yaml")):
        rel = _rel(p, root)
        obj = validate(model, read_yaml(p, root, errors), p, root, errors)
        if obj is None:
            continue
        slug = obj.city  # type: ignore[attr-defined]
        if slug != p.stem:
            errors.append(f"{rel}: city: {slug!r} does not match the file name {p.stem!r}")
        if slug in broken:
            continue  # that city's own file is broken and already reported
        if slug not in book.cities:
            errors.append(f"{rel}: city: unknown city id {slug!r}")
            continue
        yield rel, obj, book.cities[slug]


def _check_cell(book: Rulebook, rel: str, key: str, slug: str, unit: str | None, cell) -> list[str]:  # noqa: ANN001
    city = book.cities.get(slug)
    if city is None:
        return [f"{rel}: {key}: unknown city id {slug!r}"]
    errs = []
    if cell.status == CellStatus.source_missing and city.complete:
        errs.append(f"{rel}: {key}.status: 原文缺失 but {slug}'s source is complete")
    for j, q in enumerate(cell.quotes()):
        errs += _check_quote(city, q.article, q.quote, rel, key if j == 0 else f"{key}.more[{j - 1}]")
    if cell.status == CellStatus.value and unit:
        found = [n for q in cell.quotes() for n, u in quantities(q.quote) if u == unit]
        if cell.number is None and found:
            errs.append(f"{rel}: {key}.number: the quote states {found} {unit}; give the normalised number")
        elif cell.number is not None and not any(abs(n - cell.number) < 1e-9 for n in found):
            errs.append(f"{rel}: {key}.number: {cell.number:g} {unit} is not what the quote says ({found or 'none'})")
    elif cell.number is not None and not unit:
        errs.append(f"{rel}: {key}.number: attribute has no unit")
    return errs
