"""Throw-away copies of the project, for tests and benchmarks that extend or break the data."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
PARTS = ["docs", "overrides", "rules_data", "rulebook", "scripts", "macros.py", "mkdocs.yml"]


def copy_project(dest: Path) -> Path:
    """A throw-away copy of the project (data, code, docs) to extend or break; node_modules linked."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
    if (ROOT / "node_modules").exists():
        (dest / "node_modules").symlink_to(ROOT / "node_modules")  # the pinned browser files, read-only
    return dest
