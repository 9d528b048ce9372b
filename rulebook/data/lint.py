"""The data linter: every error in rules_data/ at once, as `file: key.path: message`."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from pydantic import ValidationError

from rulebook.core import parallel
from rulebook.core.cachefiles import (
    cache_file_ok,
    fingerprint,
    package_files,
    read_cache_file,
    remove_cache_file,
    write_cache_file,
)
from rulebook.core.settings import DATA, Settings, SettingsError
from rulebook.data import layout
from rulebook.data.importer import ImportFailed, import_city
from rulebook.data.layout import Layout, add_data
from rulebook.data.load import (
    FileMemo,
    Rulebook,
    check_rulebook,
    file_memo,
    read_source,
    validation_lines,
)
from rulebook.model.schema import CityInput

FORK_MIN_CITIES = 64  # fewer re-imports finish before a pool of workers has started
_FORMATTED = re.compile(r"^rules_data/\S+: ")  # a line that already names its file


def lint(root: Path | None = None, forks: bool = False, settings: Settings | None = None) -> list[str]:
    """Return every error found (empty list: the data is clean).

    The import check runs for every city whose input file and source text can be read, even when
    other files have errors, so a source the importer cannot read shows the importer's reason.
    `settings`: None reads them from the environment (a bad value is an error line like any other)."""
    try:
        settings = settings or Settings.from_env()
    except SettingsError as e:
        return e.errors
    return _lint(root or layout.ROOT, settings, forks=forks)[0]


def _lint(
    root: Path,
    settings: Settings,
    fresh: dict[str, str] | None = None,
    forks: bool = False,
    memo: FileMemo | None = None,
) -> tuple[list[str], Rulebook | None]:
    """lint(), and the book it checked when the data is clean (the same as load_rulebook(root)).
    `forks`: the import checks may run in forked workers (parallel.map_forked).

    `fresh`: cities (slug -> key, see _import_key) whose import check passed in a clean lint with
    these very files and code: not imported again. Filled with this run's keys when it is clean."""
    book, errors = check_rulebook(root, settings, memo=memo)
    if book.boilerplate is None:
        return errors, None  # the importer cannot run; boilerplate.yaml's own errors are reported
    keys = {}
    todo = []
    for slug, inp in sorted(book.inputs.items()):
        if fresh is not None:
            keys[slug] = _import_key(root, slug, inp)
            if fresh.get(slug) == keys[slug]:
                continue
        todo.append(slug)
    # Re-importing every city is most of a cold lint: on every core (workers inherit the book), in order.
    checks = parallel.map_forked(
        lambda slug: _check_generated(root, book, slug, book.inputs[slug], settings.max_source_bytes),
        todo,
        forks,
        FORK_MIN_CITIES,
    )
    for found in checks:
        errors += found
    if fresh is not None:
        fresh.clear()
        if not errors:
            fresh.update(keys)
    return errors, None if errors else book


def _import_key(root: Path, slug: str, inp: CityInput) -> str:
    """What a city's import check depends on: its input, source and city files and boilerplate.yaml
    (the code, the library versions and the settings are in the caller's cache key)."""
    layout = Layout(root)
    key = hashlib.sha256()
    for path in (layout.inputs / f"{slug}.yaml", layout.sources / inp.source.file, layout.cities / f"{slug}.yaml"):
        try:
            key.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            key.update(b"-")
    key.update(hashlib.sha256(layout.boilerplate.read_bytes()).digest())
    return key.hexdigest()


def check(root: Path | None = None, cache_dir: Path | None = None, settings: Settings | None = None) -> list[str]:
    """lint(), for the build (MkDocs' on_config): see check_and_load()."""
    return check_and_load(root, cache_dir, settings=settings)[0]


def check_and_load(
    root: Path | None = None, cache_dir: Path | None = None, forks: bool = False, settings: Settings | None = None
) -> tuple[list[str], Rulebook | None]:
    """check(), and the clean book it loaded when it had to lint (None on a cache hit or with errors), so the
    build need not load the data a second time (cache.rulebook(root, loaded=book)).

    lint(), for the build (MkDocs' on_config): the same errors, and a clean result remembered.

    With cache_dir, a clean pass is recorded there as `lint-<key>.ok`, keyed on the path and bytes of
    every file under rules_data/, this package's code and the pydantic and PyYAML versions (the
    generated files' canonical form); an unchanged rebuild then skips re-importing every city.
    Errors are never cached."""
    root = root or layout.ROOT
    try:
        settings = settings or Settings.from_env()
    except SettingsError as e:
        return e.errors, None
    if cache_dir is None:
        return _lint(root, settings, forks=forks)
    key = fingerprint(("pydantic", "PyYAML"), package_files())
    key.update(settings.key(DATA).encode())  # e.g. allow_markup and the source size limit change the verdict
    add_data(key, root)
    marker = cache_dir / f"lint-{key.hexdigest()[:24]}.ok"
    if cache_file_ok(marker):
        return [], None
    # After an edit only the changed files are parsed again and only the changed cities re-imported:
    # both memos are keyed by the code and settings (`code`), their entries by the files' bytes.
    code = fingerprint(("pydantic", "PyYAML"), package_files())
    code.update(settings.key(DATA).encode())
    tag = code.hexdigest()[:24]
    fresh_path = cache_dir / f"imported-{tag}.json"
    kept = read_cache_file(fresh_path)  # None when absent or damaged (reported, removed)
    try:
        fresh = json.loads(kept) if kept is not None else {}
        fresh = fresh if isinstance(fresh, dict) else {}
    except ValueError:
        fresh = {}
    with file_memo(cache_dir / f"models-{tag}") as memo:
        errors, book = _lint(root, settings, fresh, forks, memo)
    if not errors:
        for old in [*cache_dir.glob("lint-*.ok"), *cache_dir.glob("imported-*.json")]:
            remove_cache_file(old)
        write_cache_file(fresh_path, json.dumps(fresh))
        write_cache_file(marker, "")
    return errors, book


def import_errors(rel: str, e: Exception) -> list[str]:
    """An importer failure as `file: (import): message` lines, one per problem."""
    if isinstance(e, ValidationError):  # the importer made a City the schema refuses
        return [f"{rel}: (import): {line}" for line in validation_lines(e)]
    lines = [line for line in str(e).splitlines() if line.strip()] or [type(e).__name__]
    return [line if _FORMATTED.match(line) else f"{rel}: (import): {line}" for line in lines]


def _check_generated(root: Path, book: Rulebook, slug: str, inp: CityInput, limit: int) -> list[str]:
    """The committed city file must be exactly what the importer makes from source + input."""
    rel_in = f"rules_data/inputs/{slug}.yaml"
    raw, _ = read_source(root, inp.source, rel_in, limit)
    if raw is None:
        return []  # missing, too large or unreadable: the loader reports it
    digest = hashlib.sha256(raw).hexdigest()
    # A changed source is reported by its hash already; import it anyway to show what else is wrong.
    probe = inp if digest == inp.source.sha256 else _with_digest(inp, digest)
    assert book.boilerplate is not None
    try:
        city, _ = import_city(raw, probe, book.boilerplate)
    except (ImportFailed, ValueError) as e:  # UnicodeDecodeError and ValidationError are ValueErrors
        return import_errors(rel_in, e)
    if probe is not inp or slug not in book.cities:
        return []  # a changed source, a broken or missing city file: reported by the loader
    # Compared as data: dumping YAML for every city was most of a lint at 300 cities. The file's canonical
    # text (layout, header) is checked by `scripts/import_city.py --check` and its test.
    if city != book.cities[slug]:
        return [f"rules_data/cities/{slug}.yaml: (file): stale; run scripts/import_city.py {slug}"]
    return []


def _with_digest(inp: CityInput, digest: str) -> CityInput:
    return inp.model_copy(update={"source": inp.source.model_copy(update={"sha256": digest})})
