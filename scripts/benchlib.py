"""Shared pieces of the benchmark scripts: project copies, timed builds, a plain-Material twin, sizes."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from rulebook import yamlio  # noqa: E402
from rulebook.models import City  # noqa: E402
from rulebook.projects import PARTS, copy_project  # noqa: E402, F401 - shared with the tests


def timed_build(config: Path, out: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run `mkdocs build` in a child process; return (seconds, peak RSS in MB) of that child alone."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)]
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=config.parent, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"build of {config} failed:\n{proc.stderr.read().decode()[-3000:]}")
    return seconds, usage.ru_maxrss // 1024


def plain_material_twin(project: Path, dest: Path, jieba: bool = True) -> Path:
    """The same articles as static Markdown under plain Material (no macros, no data layer, no hooks).

    With jieba=False, jieba is hidden from the build, i.e. Material's default search without segmentation.
    """
    docs = dest / "docs"
    (docs / "cities").mkdir(parents=True, exist_ok=True)
    names = []
    for path in sorted((project / "rules_data/cities").glob("*.yaml")):
        city = City.model_validate(yamlio.load(path.read_text(encoding="utf-8")))
        names.append(city.name)
        out = [f"# {city.title}", ""]
        for ch in city.chapters:
            if ch.label:
                out += [f"## {ch.label} {ch.title or ''} {{#{ch.anchor}}}", ""]
            for a in ch.articles:
                out += [f"### {city.name}{a.label} {{#{a.anchor}}}", ""]
                out += [p.full_text() + "\n" for p in a.paragraphs]
        (docs / "cities" / f"{city.id}.md").write_text("\n".join(out), encoding="utf-8")
    (docs / "index.md").write_text("# 市政府工作规则\n\n" + "、".join(names) + "\n", encoding="utf-8")
    (dest / "mkdocs.yml").write_text(
        "site_name: plain\ntheme:\n  name: material\n  language: zh\n  font: false\n"
        "plugins:\n  - search:\n      lang: zh\nmarkdown_extensions:\n  - attr_list\n",
        encoding="utf-8",
    )
    if not jieba:
        block = dest / "_nojieba"
        block.mkdir(exist_ok=True)
        (block / "jieba.py").write_text("raise ImportError('hidden for the baseline')\n", encoding="utf-8")
    return dest / "mkdocs.yml"


def no_jieba_env(dest: Path) -> dict[str, str]:
    return {"PYTHONPATH": str(dest / "_nojieba")}


def sizes(paths: list[Path]) -> tuple[int, int]:
    """Total raw and gzip bytes of files."""
    raw = gz = 0
    for p in paths:
        data = p.read_bytes()
        raw += len(data)
        gz += len(gzip.compress(data, 6))
    return raw, gz


def median(xs: list[float]) -> float:
    s = sorted(xs)
    n = len(s)
    return (s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2) if s else float("nan")


def fmt_bytes(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"
