"""Load and cross-check everything under rules_data/; report every error at once.

Each error reads `file: key.path: message` (paths relative to the repository root).
"""

from __future__ import annotations

import hashlib
import pickle
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from itertools import groupby
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from rulebook.core.cachefiles import read_cache_file, remove_cache_file, write_cache_file
from rulebook.core.settings import DEFAULT_MAX_SOURCE_BYTES, Settings
from rulebook.data import yamlio
from rulebook.data.layout import ROOT, Layout
from rulebook.model.provinces import province_key
from rulebook.model.quantity import quantities
from rulebook.model.schema import (
    MARKUP_MESSAGE,
    Article,
    BoilerplateRules,
    CellStatus,
    City,
    CityChains,
    CityInput,
    CityTags,
    FieldError,
    SearchTerms,
    Source,
    Taxonomy,
    Topic,
    TopicFacts,
    label_markup,
)

M = TypeVar("M", bound=BaseModel)
_FAILED = object()  # read_yaml's result for a file that could not be parsed

# The source size limit's variable, for messages (its default and meaning: rulebook/core/settings.py).
MAX_SOURCE_ENV = next(f.metadata["env"] for f in fields(Settings) if f.name == "max_source_bytes")


class DataError(Exception):
    """Bad data: carries every error found, each `file: key.path: message`."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} data error(s):\n" + "\n".join(errors))


@dataclass(frozen=True)
class Province:
    key: str  # stable ASCII URL key (rulebook.model.provinces.province_key)
    name: str
    cities: list[City]


def group_provinces(cities: list[City]) -> list[Province]:
    """Cities (in reading order) grouped by province; raises when two names share a key (the same
    province spelled two ways would otherwise be two pages at one address)."""
    out = [Province(province_key(name), name, list(run)) for name, run in groupby(cities, key=lambda c: c.province)]
    seen: dict[str, str] = {}
    for p in out:
        if p.key in seen:
            raise ValueError(f"provinces {seen[p.key]!r} and {p.name!r} have the same key {p.key!r}")
        seen[p.key] = p.name
    return out


@dataclass
class Rulebook:
    """All data of the site, loaded once per build."""

    cities: dict[str, City] = field(default_factory=dict)
    inputs: dict[str, CityInput] = field(default_factory=dict)
    taxonomy: Taxonomy | None = None
    tags: dict[str, CityTags] = field(default_factory=dict)
    facts: dict[str, TopicFacts] = field(default_factory=dict)  # by topic id, in taxonomy order
    chains: dict[str, CityChains] = field(default_factory=dict)
    boilerplate: BoilerplateRules | None = None  # rules_data/boilerplate.yaml, for the importer
    search_terms: SearchTerms | None = None  # rules_data/search_terms.yaml (optional file)

    # The provinces, grouped once per book: every province page asks, and each ask sorted the whole corpus.
    _provinces: list[Province] | None = field(default=None, init=False, repr=False, compare=False)
    # Per city, its articles by topic, made on first ask: pages and scripts ask per (topic, city), and each
    # ask walked the city's articles (4.7 million topics_of calls in a 1,000-city rebuild).
    _by_topic: dict[str, dict[str, list[Article]]] | None = field(default=None, init=False, repr=False, compare=False)

    def ordered_cities(self) -> list[City]:
        """Cities in reading order: by province, then by name."""
        return sorted(self.cities.values(), key=lambda c: (c.province, c.name, c.id))

    def provinces(self) -> list[Province]:
        """The provinces in reading order, each with its cities (group_provinces; raises on a key clash)."""
        if self._provinces is None:
            self._provinces = group_provinces(self.ordered_cities())
        return self._provinces

    def province(self, key: str) -> Province:
        for p in self.provinces():
            if p.key == key:
                return p
        raise KeyError(f"unknown province key {key!r}")

    def topics(self) -> list[Topic]:
        return list(self.taxonomy.topics) if self.taxonomy else []

    def topic_ids(self) -> list[str]:
        return [t.id for t in self.topics()]

    def topic_articles(self, slug: str, topic_id: str) -> list[Article]:
        """The city's articles tagged with the topic, in document order."""
        if self._by_topic is None:
            self._by_topic = {}
        by_topic = self._by_topic.get(slug)
        if by_topic is None:
            by_topic = {}
            for a in self.cities[slug].articles():
                for t in dict.fromkeys(self.topics_of(slug, a.n)):
                    by_topic.setdefault(t, []).append(a)
            self._by_topic[slug] = by_topic
        return list(by_topic.get(topic_id, ()))

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
    """`data` through `model`; every validation error appended as `file: key.path: message`."""
    if data is _FAILED:
        return None  # the YAML error is already reported
    try:
        return model.model_validate(data)
    except ValidationError as e:
        errors.extend(f"{_rel(path, root)}: {line}" for line in validation_lines(e))
    return None


def validation_lines(e: ValidationError) -> list[str]:
    """One `key.path: message` per error; a FieldError's own path below its field is kept."""
    out = []
    for err in e.errors():
        loc, msg = _loc(err["loc"]), err["msg"]
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, FieldError):
            loc, msg = (loc if loc != "(root)" else "") + cause.path or "(root)", cause.message
        out.append(f"{loc}: {msg}")
    return out


def markup_errors(obj: BaseModel, rel: str) -> list[str]:
    """`file: key: message` for every name or label of `obj` that holds markup-like characters."""
    return [f"{rel}: {key}: {MARKUP_MESSAGE}: {', '.join(repr(t) for t in found)}" for key, found in label_markup(obj)]


class FileMemo:
    """Parsed and validated files of the previous lint, by path: (model, allow markup, sha256 of the bytes,
    object), one cache file per data file in the folder `path` (its name should carry the code's
    fingerprint), each read only when its file is loaded. load_file() reuses the model of every file whose
    bytes did not change; only clean files are kept: a file with errors is always parsed and reported
    again. After an edit only the changed files' entries are written (one pickle of every model was
    rewritten whole: a second per 300 cities)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries = _MemoEntries(path)
        self.used: set[str] = set()  # the entries this load read or made: the ones kept

    def save(self) -> None:
        """Write the entries this load made, forget those it did not use (files that are gone), and remove
        older memos (other code)."""
        prefix = self.path.name.split("-")[0] + "-"
        for old in self.path.parent.glob(prefix + "*"):
            if old != self.path and old.name != self.path.name + ".sum":
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    remove_cache_file(old)
        for key, entry in self.entries.made.items():
            if key in self.used:
                write_cache_file(
                    self.path / _memo_name(key), pickle.dumps((key, *entry), protocol=pickle.HIGHEST_PROTOCOL)
                )
        keep = {_memo_name(k) for k in self.used}
        for f in self.path.iterdir() if self.path.is_dir() else ():
            if f.name.removesuffix(".sum") not in keep:
                f.unlink(missing_ok=True)


def _memo_name(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32] + ".pickle"


class _MemoEntries:
    """A FileMemo's entries: read from its folder one at a time; those made by this load held until saved."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[str, tuple[str, bool, bytes, Any]] = {}

    def get(self, key: str) -> tuple[str, bool, bytes, Any] | None:
        if key in self.made:
            return self.made[key]
        kept = read_cache_file(self.folder / _memo_name(key))  # None when absent or damaged (reported, removed)
        try:
            entry = pickle.loads(kept) if kept is not None else None
        except Exception:  # outdated: only a miss
            return None
        if not (isinstance(entry, tuple) and len(entry) == 5 and entry[0] == key):
            return None
        return entry[1:]

    def __setitem__(self, key: str, entry: tuple[str, bool, bytes, Any]) -> None:
        self.made[key] = entry


@contextmanager
def file_memo(path: Path) -> Iterator[FileMemo]:
    """A FileMemo kept in `path`, saved when the block ends without an exception."""
    memo = FileMemo(path)
    yield memo
    memo.save()


@dataclass(frozen=True)
class LoadOptions:
    """How files are read: whether names may hold markup, the source size limit, the memo of parsed files."""

    allow_markup: bool = False
    max_source_bytes: int = DEFAULT_MAX_SOURCE_BYTES
    memo: FileMemo | None = None

    @classmethod
    def of(cls, settings: Settings, memo: FileMemo | None = None) -> LoadOptions:
        return cls(settings.allow_markup, settings.max_source_bytes, memo)


def load_file(model: type[M], path: Path, root: Path, errors: list[str], opts: LoadOptions | None = None) -> M | None:
    """One YAML file through its model and the markup check; None (errors appended) if it is broken."""
    opts = opts or LoadOptions()
    allowed, memo = opts.allow_markup, opts.memo
    if memo is not None:
        try:
            raw = path.read_bytes()
        except OSError:
            raw = None
        if raw is not None:
            key, digest = str(path), hashlib.sha256(raw).digest()
            hit = memo.entries.get(key)
            if hit is not None and hit[0] == model.__qualname__ and hit[1] == allowed and hit[2] == digest:
                memo.used.add(key)
                return hit[3]
            before = len(errors)
            obj = _load_file(model, path, root, errors, allowed)
            if obj is not None and len(errors) == before:
                memo.entries[key] = (model.__qualname__, allowed, digest, obj)
                memo.used.add(key)
            return obj
    return _load_file(model, path, root, errors, allowed)


def _load_file(model: type[M], path: Path, root: Path, errors: list[str], allowed: bool) -> M | None:
    obj = validate(model, read_yaml(path, root, errors), path, root, errors)
    if obj is not None and not allowed:
        found = markup_errors(obj, _rel(path, root))
        if found:
            errors.extend(found)
            return None
    return obj


def load_boilerplate(root: Path | None = None, opts: LoadOptions | None = None) -> BoilerplateRules:
    """rules_data/boilerplate.yaml through its model (for the importer, where no book is loaded)."""
    root = root or ROOT
    errors: list[str] = []
    rules = load_file(BoilerplateRules, Layout(root).boilerplate, root, errors, opts)
    if rules is None:
        raise DataError(errors)
    return rules


def read_source(
    root: Path, source: Source, rel: str, limit: int = DEFAULT_MAX_SOURCE_BYTES
) -> tuple[bytes | None, list[str]]:
    """The bytes of a source text under rules_data/sources/, or None and why (`rel` owns `source`); a file
    over `limit` bytes is refused."""
    sources = Layout(root).sources
    src = sources / source.file
    name = _rel(src, root)
    if not src.is_file():
        return None, [f"{rel}: source.file: {name} does not exist"]
    if not src.resolve().is_relative_to(sources.resolve()):
        return None, [f"{rel}: source.file: {name} leads outside rules_data/sources/"]
    size = src.stat().st_size
    if size > limit:
        return None, [
            f"{rel}: source.file: {name} is {size:,} bytes, over the limit of {limit:,} bytes "
            f"(set {MAX_SOURCE_ENV}=<bytes> to raise it)"
        ]
    try:
        raw = src.read_bytes()
    except OSError as e:
        return None, [f"{rel}: source.file: cannot read {name}: {e.strerror or e}"]
    return raw, []


def _source_errors(root: Path, source: Source, rel: str, limit: int) -> list[str]:
    raw, errors = read_source(root, source, rel, limit)
    if raw is not None:
        digest = hashlib.sha256(raw).hexdigest()
        if digest != source.sha256:
            name = _rel(Layout(root).sources / source.file, root)
            errors.append(f"{rel}: source.sha256: recorded {source.sha256} but {name} has {digest}")
    return errors


def _load_entities(
    model: type[M], files: dict[str, Path], root: Path, errors: list[str], opts: LoadOptions
) -> dict[str, M]:
    """Per-slug files whose `id` is the file name; a file with another id is broken (not loaded)."""
    out = {}
    for slug, p in files.items():
        obj = load_file(model, p, root, errors, opts)
        if obj is None:
            continue
        if obj.id != slug:  # type: ignore[attr-defined]
            errors.append(f"{_rel(p, root)}: id: id {obj.id!r} does not match the file name {slug!r}")  # type: ignore[attr-defined]
            continue
        out[slug] = obj
    return out


def load_rulebook(root: Path | None = None, settings: Settings | None = None) -> Rulebook:
    """Load every data file through the schema and cross-check them; raise DataError listing all errors.

    Names and labels with markup-like characters are refused unless `settings.allow_markup`; `settings`
    default to Settings() (the entry points read them from the environment: Settings.from_env())."""
    book, errors = check_rulebook(root, settings)
    if errors:
        raise DataError(errors)
    return book


def check_rulebook(
    root: Path | None = None, settings: Settings | None = None, *, memo: FileMemo | None = None
) -> tuple[Rulebook, list[str]]:
    """Everything that loads, and every error: a file that is broken is left out of the book and
    reported once (files that refer to it are not checked against it). `memo`: files parsed by an earlier
    lint, reused when their bytes did not change (lint.check_and_load)."""
    root = root or ROOT
    settings = settings or Settings()
    opts = LoadOptions.of(settings, memo)
    layout = Layout(root)
    data_dir = layout.data
    errors: list[str] = []
    book = Rulebook()

    book.boilerplate = load_file(BoilerplateRules, layout.boilerplate, root, errors, opts)
    terms_path = layout.search_terms
    if terms_path.exists():
        book.search_terms = load_file(SearchTerms, terms_path, root, errors, opts)

    input_files = {p.stem: p for p in sorted(layout.inputs.glob("*.yaml"))}
    city_files = {p.stem: p for p in sorted(layout.cities.glob("*.yaml"))}
    book.inputs = _load_entities(CityInput, input_files, root, errors, opts)
    book.cities = _load_entities(City, city_files, root, errors, opts)

    for slug in sorted(set(input_files) - set(city_files)):
        errors.append(
            f"{_rel(input_files[slug], root)}: id: no rules_data/cities/{slug}.yaml (run scripts/import_city.py)"
        )
    for slug in sorted(set(city_files) - set(input_files)):
        errors.append(f"{_rel(city_files[slug], root)}: id: no input file rules_data/inputs/{slug}.yaml")

    for slug in sorted(set(book.inputs) | set(book.cities)):
        inp, city = book.inputs.get(slug), book.cities.get(slug)
        if city and inp and inp.source != city.source:
            # The city file is stale; whether the input's source is right is the input's own question.
            errors.append(
                f"{_rel(city_files[slug], root)}: source: differs from rules_data/inputs/{slug}.yaml "
                "(re-run the importer)"
            )
            errors += _source_errors(root, inp.source, _rel(input_files[slug], root), opts.max_source_bytes)
        elif city:
            errors += _source_errors(root, city.source, _rel(city_files[slug], root), opts.max_source_bytes)
        elif inp:
            errors += _source_errors(root, inp.source, _rel(input_files[slug], root), opts.max_source_bytes)

    # Cities whose own file is broken are already reported: do not cascade errors from other files.
    broken = set(city_files) - set(book.cities)
    _load_comparison_layer(book, data_dir, root, errors, broken, opts)
    _load_chains(book, data_dir, root, errors, broken, opts)
    return book, errors


def _load_comparison_layer(
    book: Rulebook, data_dir: Path, root: Path, errors: list[str], broken: set[str], opts: LoadOptions
) -> None:
    """Topics, per-city tags and comparison facts, each checked against the city texts."""
    tax_path = data_dir / "topics.yaml"
    if not tax_path.exists():
        return
    book.taxonomy = load_file(Taxonomy, tax_path, root, errors, opts)
    # A broken taxonomy is one error: topic ids in tags and comparisons are not checked against it.
    checked = book.taxonomy is not None
    topic_ids = book.topic_ids()
    for i, tid in enumerate(topic_ids):
        if tid in topic_ids[:i]:
            errors.append(f"{_rel(tax_path, root)}: topics[{i}].id: duplicate topic id {tid!r}")
    known = set(topic_ids)

    present: set[str] = set()
    files = _per_city_files(book, data_dir / "tags", CityTags, root, errors, broken, present, opts)
    for rel, tags, city in files:
        book.tags[tags.city] = tags
        anchors = [a.anchor for a in city.articles()]
        for part, mapping in (("tags", tags.tags), ("suggested", tags.suggested)):
            for key, ids in mapping.items():
                if key not in anchors:
                    errors.append(f"{rel}: {part}.{key}: no such article in {city.id}")
                for tid in ids:
                    if checked and tid not in known:
                        errors.append(f"{rel}: {part}.{key}: unknown topic id {tid!r}")
        if tags.curated and tags.suggested:
            errors.append(f"{rel}: suggested: a curated file keeps no machine suggestions (confirm them into tags)")
        if tags.curated:
            for anchor in anchors:
                if anchor not in tags.tags:
                    errors.append(f"{rel}: tags.{anchor}: article has no topic")
    if topic_ids:
        for slug in sorted(set(book.cities) - present - broken):
            errors.append(f"rules_data/tags/{slug}.yaml: (file): missing: every city needs its topic tags")

    seen_attrs: dict[str, str] = {}
    for p in sorted((data_dir / "comparisons").glob("*.yaml")):
        rel = _rel(p, root)
        facts = load_file(TopicFacts, p, root, errors, opts)
        if not facts:
            continue
        if facts.topic != p.stem:
            errors.append(f"{rel}: topic: {facts.topic!r} does not match the file name {p.stem!r}")
        if checked and facts.topic not in known:
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


def _load_chains(
    book: Rulebook, data_dir: Path, root: Path, errors: list[str], broken: set[str], opts: LoadOptions
) -> None:
    """Approval chains: one file per city, every citation checked against the city's text."""
    if not (data_dir / "chains").exists():
        return
    present: set[str] = set()
    files = _per_city_files(book, data_dir / "chains", CityChains, root, errors, broken, present, opts)
    for rel, cc, city in files:
        book.chains[cc.city] = cc
        for i, ch in enumerate(cc.chains):
            if ch.status == CellStatus.source_missing and city.complete:
                errors.append(f"{rel}: chains[{i}].status: 原文缺失 but {city.id}'s source is complete")
            for j, n in enumerate(ch.nodes):
                errors.extend(_check_quote(city, n.article, n.quote, rel, f"chains[{i}].nodes[{j}]"))
            for j, e in enumerate(ch.edges):
                errors.extend(_check_quote(city, e.article, e.quote, rel, f"chains[{i}].edges[{j}]"))
    for slug in sorted(set(book.cities) - present - broken):
        errors.append(f"rules_data/chains/{slug}.yaml: (file): missing: every city needs its approval chains")


def _per_city_files(
    book: Rulebook,
    directory: Path,
    model: type[M],
    root: Path,
    errors: list[str],
    broken: set[str],
    present: set[str],
    opts: LoadOptions,
) -> Iterator[tuple[str, M, City]]:
    """Each valid per-city file (tags/, chains/) whose `city` names a loaded city; errors for the rest.

    Every file found is added to `present` (by file name), broken or not: it is never also "missing"."""
    for p in sorted(directory.glob("*.yaml")):
        rel = _rel(p, root)
        present.add(p.stem)
        obj = load_file(model, p, root, errors, opts)
        if obj is None:
            continue
        slug = obj.city  # type: ignore[attr-defined]
        if slug != p.stem:
            errors.append(f"{rel}: city: {slug!r} does not match the file name {p.stem!r}")
            continue  # not checked against another city's text
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
    if (candidate := cell.candidate()) is not None:  # a suggestion is checked like any quote
        errs += _check_quote(city, candidate.article, candidate.quote, rel, key)
    if cell.status in (CellStatus.value, CellStatus.suggested) and unit:
        found = [
            n for q in [*cell.quotes(), *filter(None, [cell.candidate()])] for n, u in quantities(q.quote) if u == unit
        ]
        if cell.number is None and found and cell.status == CellStatus.value:
            errs.append(f"{rel}: {key}.number: the quote states {found} {unit}; give the normalised number")
        elif cell.number is not None and not any(abs(n - cell.number) < 1e-9 for n in found):
            errs.append(f"{rel}: {key}.number: {cell.number:g} {unit} is not what the quote says ({found or 'none'})")
    elif cell.number is not None and not unit:
        errs.append(f"{rel}: {key}.number: attribute has no unit")
    return errs
