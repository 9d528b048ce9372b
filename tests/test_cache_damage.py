"""Damaged cache files (issue 30.2): every cache entry is checked against the size and SHA-256 recorded
when it was written; a truncated, changed or emptied one is reported in one line, removed and made again,
and the site is byte for byte what a build from clean caches makes."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, copy_project

from rulebook.core import cachefiles


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if data else b"x")  # an empty file cannot be cut: one byte added


def flip(path: Path) -> None:
    data = bytearray(path.read_bytes() or b"\0")
    data[len(data) // 2] ^= 0x20
    path.write_bytes(bytes(data))


def empty(path: Path) -> None:
    path.write_bytes(b"" if path.stat().st_size else b"x")


DAMAGES = [truncate, flip, empty]


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__)
def test_a_damaged_cache_file_is_reported_removed_and_a_miss(tmp_path, damage, caplog):
    path = tmp_path / "lookup" / "abc.js"
    cachefiles.write_cache_file(path, "rbLookupShard('x', {});\n")
    assert cachefiles.read_cache_file(path) == b"rbLookupShard('x', {});\n"
    damage(path)
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.rulebook.cache"):
        assert cachefiles.read_cache_file(path) is None
    assert not path.exists() and not cachefiles.sum_path(path).exists()
    [line] = [r.getMessage() for r in caplog.records]
    assert str(path) in line and "damaged cache entry" in line and "\n" not in line
    cachefiles.write_cache_file(path, "")  # an empty entry is an entry too
    assert cachefiles.read_cache_file(path) == b""


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("which", ["lookup/terms/meta.js", ".files.json"])
def test_a_damaged_file_of_a_stored_folder_makes_the_folder_a_miss(tmp_path, damage, which, caplog):
    folder = tmp_path / "terms-k"
    files = [("lookup/terms/meta.js", "rbTermMeta({});\n"), ("lookup/docs/0.js", b"rbDocs([]);\n")]
    cachefiles.store_files(folder, iter(files))
    assert list(cachefiles.read_stored(folder) or {}) == ["lookup/terms/meta.js", "lookup/docs/0.js"]
    damage(folder / which)
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.rulebook.cache"):
        assert cachefiles.read_stored(folder) is None
    assert not folder.exists()  # removed: the next build makes it whole again
    assert len(caplog.records) == 1 and "damaged cache entry" in caplog.records[0].getMessage()


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# Every kind of file a build keeps in .cache/ (globs under it), each damaged in one way, the three ways
# in turn (every kind in each way took three builds, ~45 s of a suite at its limit; the tests above run
# each way through the same checks every kind's reader calls).
KINDS = [
    "lookup/*.js",  # a city's search shard
    "lookup/*.counts.json",
    "lookup/terms-*/lookup/terms/meta.js",  # the term index
    "lookup/terms-*/lookup/docs/0.js",
    "lookup/terms-*/.files.json",
    "lookup/term-index-state.json",  # what the term index was made from (the next edit updates it)
    "downloads-*/topics/meetings.xlsx",
    "downloads-*/articles.csv",
    "downloads-*/.files.json",
    "download-parts/*.0",  # a city's part of articles.json
    "xlsx/*meetings.xlsx-*.xlsx",
    "align/align-*.json",
    "book-*.pickle",
    "words-*.json",
    "jinja/pages-*/*.cache",
    "jinja/theme-*/*.cache",
    "csp-scan-*.json",
    "pages-manifest-*.json",
    "imported-*.json",
    "models-*/*.pickle",  # a parsed data file of the lint's memo
    "lint-*.ok",
]


@pytest.mark.slow
@pytest.mark.build
def test_a_build_repairs_every_kind_of_damaged_cache_file_and_ships_what_a_clean_build_ships(tmp_path):
    project = copy_project(tmp_path / "project")  # no .cache/ but the alignment: the first build is a clean one
    if (ROOT / ".cache/align").is_dir():  # the slowest entry, one file for this data (damaged below all the same)
        shutil.copytree(ROOT / ".cache/align", project / ".cache/align")
    target = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

    def build() -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, str(project / "scripts/build.py"), "-d", str(target)]
        return subprocess.run(cmd, capture_output=True, text=True, cwd=project, env=env, timeout=600)

    first = build()
    assert first.returncode == 0, first.stderr[-2000:]
    expected = snapshot(target)
    for round_ in range(1):
        damaged = []
        for i, pattern in enumerate(KINDS):
            found = sorted(p for p in (project / ".cache").glob(pattern) if not p.name.endswith(".sum"))
            assert found, pattern  # every kind is there after a build
            DAMAGES[(i + round_) % 3](found[0])
            damaged.append(found[0])
        result = build()
        assert result.returncode == 0, result.stderr[-3000:]
        log = result.stdout + result.stderr
        assert "Traceback" not in log
        reported = [line for line in log.splitlines() if "damaged cache entry" in line]
        # a folder is reported once (its first damaged file), so the term index and the downloads count once
        assert len(reported) == len(KINDS) - 4, "\n".join(reported)
        assert snapshot(target) == expected, f"round {round_}: the site differs from a clean build"
