"""Cache-file utilities every layer may use: a key from versions and bytes, files written whole or not
at all, and folders of files that are complete or absent."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # the rulebook package's folder


def package_files() -> list[Path]:
    """Every module of the package, sorted: what a cache keyed on "the code" depends on."""
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def version(dist: str) -> str:
    """An installed distribution's version, "-" when it is not installed (ProperDocs, the fallback
    builder, may run without the mkdocs distribution)."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def fingerprint(dists: tuple[str, ...], files: list[Path]) -> hashlib._Hash:
    """A hash of installed distributions' versions and files' bytes: what a cache entry depends on
    besides its own data (extend it with update())."""
    key = hashlib.sha256()
    for dist in dists:
        key.update(f"{dist}={version(dist)};".encode())
    for path in files:
        key.update(hashlib.sha256(path.read_bytes()).digest())
    return key


def write_cache_file(path: Path, data: str | bytes) -> None:
    """Write a cache file whole or not at all (a build killed mid-write must not leave half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data.encode() if isinstance(data, str) else data)
    os.replace(tmp, path)


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
