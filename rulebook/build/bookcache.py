"""The build's caches kept in the git-ignored .cache/: the validated book, compiled templates, and files
derived from the book (kept until the data, the code or the settings change)."""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path

import jinja2

from rulebook.core.cachefiles import (
    fingerprint,
    package_files,
    read_cache_file,
    read_stored,
    remove_cache_file,
    store_files,
    write_cache_file,
)
from rulebook.core.settings import DATA, Settings
from rulebook.data.layout import add_data
from rulebook.data.load import Rulebook, load_rulebook


def jinja_cache(root: Path, env_name: str, *code: Path) -> jinja2.FileSystemBytecodeCache:
    """Where one Jinja environment's compiled templates are kept between builds (git-ignored .cache/).

    Jinja re-checks only each template's source, so the folder is keyed on what else shapes the
    compiled code: the Jinja, MkDocs and Material versions and `code` (e.g. the module that sets the
    environment's options, such as autoescape)."""
    key = fingerprint(("jinja2", "mkdocs", "mkdocs-material"), list(code))
    path = root / ".cache" / "jinja" / f"{env_name}-{key.hexdigest()[:16]}"
    path.mkdir(parents=True, exist_ok=True)
    return CheckedBytecodeCache(str(path))


class CheckedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates, each file checked when read (read_cache_file): a
    damaged one is compiled again, never run."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = read_cache_file(Path(self._get_cache_filename(bucket)))
        if data is not None:
            bucket.load_bytecode(io.BytesIO(data))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        buf = io.BytesIO()
        bucket.write_bytecode(buf)
        write_cache_file(Path(self._get_cache_filename(bucket)), buf.getvalue())


def _content_key(root: Path) -> str:
    """The key of what anything made from the book depends on: this package's code and every byte of
    rules_data/ (the settings that change the data are added by each user: Settings.key(DATA))."""
    key = fingerprint(("pydantic",), package_files())
    return add_data(key, root).hexdigest()[:24]


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


def rulebook(root: Path, settings: Settings, loaded: Rulebook | None = None) -> Rulebook:
    """The validated book of `root` under `settings`, for one build.

    It is kept in .cache/ between builds, keyed on the bytes of every file under rules_data/, of this
    package and the settings that change the data: parsing and checking the YAML is skipped until one of
    them changes. Bad data is never cached (load_rulebook raises first). `loaded`: the book the caller
    has just loaded from the same files (lint.check_and_load), used instead of loading again."""
    # e.g. allow_markup: a book is valid under its settings only
    key = fingerprint((), []).hexdigest() + _content_key(root) + settings.key(DATA)
    path = root / ".cache" / f"book-{hashlib.sha256(key.encode()).hexdigest()[:24]}.pickle"
    book = None
    data = read_cache_file(path)  # None when absent or damaged (reported, removed)
    if data is not None:
        try:
            book = pickle.loads(data)
        except Exception:  # an outdated cache entry is only a miss
            book = None
    if not isinstance(book, Rulebook):
        book = loaded if loaded is not None else load_rulebook(root, settings)
        for old in path.parent.glob("book-*.pickle"):
            remove_cache_file(old)
        write_cache_file(path, pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL))
    return book


def word_lengths(cache_dir: Path, texts: Iterable[str]) -> dict[str, str]:
    """{text: wordiff.token_lengths(text)} for 两市对照, kept in .cache/words-<key>.json by each text's
    SHA-256 (the key: jieba's version and the tokenizing code). Only texts not kept yet are tokenized, so
    a warm build does not load jieba's dictionary (0.7 s); the file then keeps only the texts asked for."""
    from rulebook.analysis import align
    from rulebook.views import wordiff

    key = fingerprint(("jieba",), [Path(wordiff.__file__), Path(align.__file__)]).hexdigest()[:24]
    path = cache_dir / f"words-{key}.json"
    data = read_cache_file(path)  # None when absent or damaged (reported, removed)
    try:
        kept = json.loads(data) if data is not None else {}
    except ValueError:  # an outdated cache entry is only a miss
        kept = {}
    digest = {t: hashlib.sha256(t.encode()).hexdigest()[:32] for t in texts}
    out = {t: kept.get(d) or wordiff.token_lengths(t) for t, d in digest.items()}
    if any(d not in kept for d in digest.values()) or len(kept) != len(set(digest.values())):
        for old in cache_dir.glob("words-*.json"):
            remove_cache_file(old)
        write_cache_file(path, json.dumps({d: out[t] for t, d in digest.items()}, separators=(",", ":")))
    return out
