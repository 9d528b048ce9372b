"""Shared fixtures: the data, a temp copy of the project, and one real site build per session."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rulebook.data import Rulebook, load_rulebook  # noqa: E402

SLUGS = ["chenzhou", "zhuzhou", "jixi", "ziyang", "liyang"]
PROJECT_PARTS = ["docs", "rules_data", "rulebook", "scripts", "macros.py", "mkdocs.yml"]


@pytest.fixture(scope="session")
def book() -> Rulebook:
    return load_rulebook(ROOT)


def copy_project(dest: Path) -> Path:
    """A throw-away copy of the project (data, code, docs) to break or extend in a test."""
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
    return dest


def mkdocs_build(project: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
    )


def add_city(project: Path, slug: str, text: str, province: str = "测试省", level: str = "县级市") -> None:
    """Add a raw source + input file to a project copy and run the real importer on it."""
    raw = text.encode("utf-8")
    (project / "rules_data/sources" / f"{slug}.txt").write_bytes(raw)
    (project / "rules_data/inputs" / f"{slug}.yaml").write_text(
        f"id: {slug}\nsource:\n  file: {slug}.txt\n  sha256: {hashlib.sha256(raw).hexdigest()}\n"
        f"  captured_from: 测试夹具\nmetadata:\n  province: {province}\n  level: {level}\n",
        encoding="utf-8",
    )
    subprocess.run([sys.executable, str(project / "scripts/import_city.py"), slug, "--quiet"], check=True, cwd=project)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once with mkdocs --strict from this checkout."""
    out = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, out)
    assert result.returncode == 0, result.stderr[-3000:]
    return out
