"""Build caches kept in the git-ignored .cache/: the validated book, compiled templates, and the
helpers other caches key and write their entries with."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import pickle
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import jinja2

from .data import Rulebook, load_rulebook, settings_key
from .layout import Layout

_cache: dict[Path, tuple[tuple[tuple[str, float], ...], Rulebook]] = {}


def fingerprint(dists: tuple[str, ...], files: list[Path]) -> hashlib._Hash:
    """A hash of installed distributions' versions and files' bytes: what a cache entry depends on
    besides its own data (extend it with update())."""
    key = hashlib.sha256()
    for dist in dists:
        key.update(f"{dist}={importlib.metadata.version(dist)};".encode())
    for path in files:
        key.update(hashlib.sha256(path.read_bytes()).digest())
    return key


def write_cache_file(path: Path, data: str | bytes) -> None:
    """Write a cache file whole or not at all (a build killed mid-write must not leave half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data.encode() if isinstance(data, str) else data)
    os.replace(tmp, path)


def jinja_cache(root: Path, env_name: str, *code: Path) -> jinja2.FileSystemBytecodeCache:
    """Where one Jinja environment's compiled templates are kept between builds (git-ignored .cache/).

    Jinja re-checks only each template's source, so the folder is keyed on what else shapes the
    compiled code: the Jinja, MkDocs and Material versions and `code` (e.g. the module that sets the
    environment's options, such as autoescape)."""
    key = fingerprint(("jinja2", "mkdocs", "mkdocs-material"), list(code))
    path = root / ".cache" / "jinja" / f"{env_name}-{key.hexdigest()[:16]}"
    path.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(path))


def _stamp(root: Path) -> tuple[tuple[str, float], ...]:
    return tuple((str(p), p.stat().st_mtime) for p in Layout(root).files())


def add_data(key: hashlib._Hash, root: Path) -> hashlib._Hash:
    """Extend a cache key with the path and bytes of every file under the root's rules_data/."""
    data = Layout(root).data
    for p in Layout(root).files():
        key.update(p.relative_to(data).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return key


def _content_key(root: Path) -> str:
    key = fingerprint(("pydantic",), sorted(Path(__file__).parent.glob("*.py")))
    key.update(settings_key().encode())  # e.g. RULEBOOK_ALLOW_MARKUP: a book is valid under its settings only
    return add_data(key, root).hexdigest()[:24]


_FILES_LIST = ".files.json"


def read_stored(folder: Path) -> dict[str, Path] | None:
    """The files store_files() kept in `folder` ({name: path}, in their order), or None if it holds no
    complete set."""
    try:
        names = json.loads((folder / _FILES_LIST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # no entry, or an unreadable one
    if not all((folder / n).is_file() for n in names):
        return None
    return {n: folder / n for n in names}


def store_files(folder: Path, items: Iterable[tuple[str, str | bytes]], replaces: str = "") -> dict[str, Path]:
    """Write each (name, content) of `items` into `folder` as soon as it is made, so only one is held in
    memory (at 3,000 cities the downloads and the search index are hundreds of MB each); {name: path}.

    The folder is complete or absent: it is filled under a temporary name, its list of names written
    last, then renamed. `replaces`: a glob of the folder's siblings it supersedes (older keys), removed."""
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    names = []
    try:
        for name, data in items:
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data.encode() if isinstance(data, str) else data)
            names.append(name)
        tmp.mkdir(parents=True, exist_ok=True)
        (tmp / _FILES_LIST).write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in folder.parent.glob(replaces) if replaces else ():
        if old.is_dir() and old != folder:
            shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return {n: folder / n for n in names}


def derived_folder(root: Path, name: str, extra: str, dists: tuple[str, ...] = ()) -> Path:
    """The .cache/ folder derived_files keeps these files in (see there for the key)."""
    key = fingerprint(dists, [])
    key.update(_content_key(root).encode() + b"\0" + extra.encode())
    return root / ".cache" / f"{name}-{key.hexdigest()[:24]}"


def derived_files(
    root: Path,
    name: str,
    extra: str,
    make: Callable[[], Iterable[tuple[str, str | bytes]]],
    dists: tuple[str, ...] = (),
) -> dict[str, Path]:
    """Files made from the book, kept in .cache/<name>-<key>/ (store_files): {file name: its path there},
    in the order `make` yields them; made again only when the key changes. The key is what the book's
    own cache key covers (every byte of rules_data/ and of this package, the settings) plus `extra` and
    the versions of `dists`."""
    folder = derived_folder(root, name, extra, dists)
    kept = read_stored(folder)
    return kept if kept is not None else store_files(folder, make(), replaces=f"{name}-*")


def rulebook(root: Path, loaded: Rulebook | None = None) -> Rulebook:
    """Load the data once per build; reload only if a file under rules_data/ changed (mkdocs serve).

    A validated book is also kept in .cache/ between builds, keyed on the bytes of every file under
    rules_data/ and of this package: parsing and checking the YAML is skipped until one of them changes.
    Bad data is never cached (load_rulebook raises first). `loaded`: the book the caller has just loaded
    from the same files (lint.check_and_load), used instead of loading again."""
    stamp = _stamp(root)
    hit = _cache.get(root)
    if hit and hit[0] == stamp:
        return hit[1]
    path = root / ".cache" / f"book-{_content_key(root)}.pickle"
    book = None
    if path.exists():
        try:
            book = pickle.loads(path.read_bytes())
        except Exception:  # an unreadable or outdated cache entry is only a miss
            book = None
    if not isinstance(book, Rulebook):
        book = loaded if loaded is not None else load_rulebook(root)
        for old in path.parent.glob("book-*.pickle"):
            old.unlink()
        write_cache_file(path, pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL))
    _cache[root] = (stamp, book)
    return book


def cached(root: Path) -> Rulebook:
    """The book loaded at the start of this build (no file-system check: pages are rendered after on_config)."""
    hit = _cache.get(root)
    return hit[1] if hit else rulebook(root)
