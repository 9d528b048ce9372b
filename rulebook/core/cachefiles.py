"""Cache-file utilities every layer may use: a key from versions and bytes, files written whole or not
at all, and folders of files that are complete or absent.

Every cache file is checked when read: its size and SHA-256 are recorded when it is written (a
`<name>.sum` beside it; for a folder, in its list of files), and an entry that does not match (cut
short, a byte changed, emptied) is reported in one line, removed, and read as a miss, so the caller
makes it again and the build's output is what a build without .cache/ makes."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # the rulebook package's folder

# under MkDocs' logger, so a build prints the line (at INFO: --strict stops on warnings, and a repaired
# cache is no reason to refuse a build)
log = logging.getLogger("mkdocs.plugins.rulebook.cache")


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


def _record(data: bytes) -> str:
    return f"{len(data)} {hashlib.sha256(data).hexdigest()}"


def sum_path(path: Path) -> Path:
    """Where a cache file's record (size and SHA-256) is kept."""
    return path.with_name(path.name + ".sum")


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_cache_file(path: Path, data: str | bytes) -> None:
    """Write a cache file whole or not at all (a build killed mid-write must not leave half a file), and
    its record, which read_cache_file checks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode() if isinstance(data, str) else data
    _replace(sum_path(path), _record(raw).encode())
    _replace(path, raw)


def remove_cache_file(path: Path) -> None:
    """Remove a cache file and its record."""
    path.unlink(missing_ok=True)
    sum_path(path).unlink(missing_ok=True)


def damaged(path: Path, why: str) -> None:
    """Report a damaged cache entry in one line (it is then removed and made again)."""
    log.info("damaged cache entry %s (%s): removed, made again", path, why)


def _mismatch(data: bytes, record: str) -> str | None:
    """Why `data` is not what `record` says, or None when it is."""
    try:
        size, digest = record.split()
        size_n = int(size)
    except ValueError:
        return "its record is unreadable"
    if len(data) != size_n:
        return f"{len(data):,} bytes, {size_n:,} written"
    if hashlib.sha256(data).hexdigest() != digest:
        return "its content changed after it was written (SHA-256 differs)"
    return None


def read_cache_file(path: Path) -> bytes | None:
    """A cache file's bytes if it is whole and as written, else None (absent, or damaged: reported,
    removed). A file without its record (written by older code) is a miss too."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        record = sum_path(path).read_text(encoding="utf-8")
    except (OSError, ValueError):
        remove_cache_file(path)  # no record: older code's entry, or its record was lost
        return None
    why = _mismatch(data, record)
    if why:
        damaged(path, why)
        remove_cache_file(path)
        return None
    return data


def cache_file_ok(path: Path) -> bool:
    """Whether a cache file is whole and as written (read_cache_file: a damaged one is removed)."""
    return read_cache_file(path) is not None


_FILES_LIST = ".files.json"


def stored_digests(folder: Path) -> dict[str, str]:
    """{name: SHA-256} of the files store_files() listed in `folder` ({} when it holds no list). Not checked
    against the files: read_stored() does that when the folder is taken from the cache."""
    try:
        listed = json.loads((folder / _FILES_LIST).read_text(encoding="utf-8"))
        return {str(n): str(digest) for n, _, digest in listed["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def is_stored_folder(folder: Path) -> bool:
    return (folder / _FILES_LIST).is_file()


def read_stored(folder: Path) -> dict[str, Path] | None:
    """The files store_files() kept in `folder` ({name: path}, in their order), or None if it holds no
    complete set. Each file's size and SHA-256 are checked against the list: a damaged folder is
    reported, removed and a miss."""
    try:
        listed = json.loads((folder / _FILES_LIST).read_text(encoding="utf-8"))
        entries = [(str(n), int(size), str(digest)) for n, size, digest in listed["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        if folder.is_dir():  # a folder with no readable list (or older code's list): made again
            if (folder / _FILES_LIST).exists():
                damaged(folder / _FILES_LIST, "unreadable")
            shutil.rmtree(folder, ignore_errors=True)
        return None
    for name, size, digest in entries:
        path = folder / name
        try:
            data = path.read_bytes()
        except OSError:
            why: str | None = "missing"
        else:
            why = _mismatch(data, f"{size} {digest}")
        if why:
            damaged(path, why)
            shutil.rmtree(folder, ignore_errors=True)
            return None
    return {n: folder / n for n, _, _ in entries}


def store_files(
    folder: Path, items: Iterable[tuple[str, str | bytes | Path | Iterable[str]]], replaces: str = ""
) -> dict[str, Path]:
    """Write each (name, content) of `items` into `folder` as soon as it is made, so only one is held in
    memory (at 3,000 cities the downloads and the search index are hundreds of MB each); {name: path}.
    A content that is a Path is a file kept unchanged from an older folder: hard-linked (copied where
    links fail), never rewritten in place, so the older folder may be removed afterwards. Any other
    iterable is the file's text in pieces, written as they come (a file assembled from many parts).

    The folder is complete or absent: it is filled under a temporary name, its list of names written
    last, then renamed. `replaces`: a glob of the folder's siblings it supersedes (older keys), removed."""
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    names: list[str] = []
    records: list[list[object]] = []
    try:
        for name, data in items:
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, Path):
                try:
                    os.link(data, path)
                except OSError:
                    shutil.copyfile(data, path)
                raw = path.read_bytes()
            elif isinstance(data, str | bytes):
                raw = data.encode() if isinstance(data, str) else data
                path.write_bytes(raw)
            else:
                size, digest = 0, hashlib.sha256()
                with path.open("wb") as f:
                    for piece in data:
                        chunk = piece.encode()
                        f.write(chunk)
                        size += len(chunk)
                        digest.update(chunk)
                names.append(name)
                records.append([name, size, digest.hexdigest()])
                continue
            names.append(name)
            records.append([name, len(raw), hashlib.sha256(raw).hexdigest()])
        tmp.mkdir(parents=True, exist_ok=True)
        listed = json.dumps({"files": records}, ensure_ascii=False)
        (tmp / _FILES_LIST).write_text(listed, encoding="utf-8")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in folder.parent.glob(replaces) if replaces else ():
        if old.is_dir() and old != folder:
            shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return {n: folder / n for n in names}
