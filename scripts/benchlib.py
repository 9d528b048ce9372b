"""Shared pieces of the benchmark scripts: project copies, timed builds, a plain-Material twin, sizes."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from rulebook.data import yamlio
from rulebook.devtools.projects import PARTS, copy_project  # noqa: F401 - shared by the benchmark scripts
from rulebook.model.schema import City

ROOT = Path(__file__).resolve().parent.parent

LAST_PHASES: list[str] = []  # the `[phase]` lines (RULEBOOK_PHASES=1) of the last timed build


def timed_build(
    config: Path, out: Path, env: dict[str, str] | None = None, maintainer: bool = False
) -> tuple[float, int]:
    """Run `mkdocs build` (or, with `maintainer`, the project's scripts/build.py: lint, atomic swap, and the
    incremental reuse of unchanged city pages when `out` exists) in a child process; return (seconds, peak
    RSS in MB) of that child and its children. The build's phases are kept in LAST_PHASES."""
    if maintainer:
        cmd = [sys.executable, str(config.parent / "scripts" / "build.py"), "-q", "-f", str(config), "-d", str(out)]
    else:
        cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)]
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RULEBOOK_PHASES": "1", **(env or {})}
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: a chatty build cannot block on it
        proc = subprocess.Popen(cmd, cwd=config.parent, env=full_env, stdout=subprocess.DEVNULL, stderr=err)
        sampler = TreeRss(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        sampler.done.set()
        sampler.join()
        err.seek(0)
        text = err.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"build of {config} failed:\n{text[-3000:]}")
    LAST_PHASES[:] = [line for line in text.splitlines() if line.startswith("[phase] ")]
    # ru_maxrss is the largest single process; processes running at once (the build's worker, the search
    # pool) add up, so the peak is the larger of it and the sampled sum over the process tree.
    return seconds, max(usage.ru_maxrss // 1024, sampler.peak_kb // 1024)


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except OSError:
            continue
    return out


def _pss_kb(pid: int) -> int:
    # Proportional set size: a page forked workers share with their parent is counted once in the sum.
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
    except OSError:
        return 0


class TreeRss(threading.Thread):
    """Samples the memory of a process and all its descendants together (summed PSS) every second (Linux
    /proc). Not more often: reading a 3 GB process's smaps_rollup costs ~50 ms of CPU, taken from the build."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(1.0):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _tree(self.pid)))


def twin_markdown(city: City) -> str:
    """One city's page of the plain-Material twin: its articles as static Markdown."""
    out = [f"# {city.title}", ""]
    for ch in city.chapters:
        if ch.label:
            out += [f"## {ch.label} {ch.title or ''} {{#{ch.anchor}}}", ""]
        for a in ch.articles:
            out += [f"### {city.name}{a.label} {{#{a.anchor}}}", ""]
            out += [p.full_text() + "\n" for p in a.paragraphs]
    return "\n".join(out)


def load_city(project: Path, slug: str) -> City:
    return City.model_validate(
        yamlio.load((project / "rules_data/cities" / f"{slug}.yaml").read_text(encoding="utf-8"))
    )


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
        (docs / "cities" / f"{city.id}.md").write_text(twin_markdown(city), encoding="utf-8")
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


# What the one-city edit appends to an article: a maintainer's correction of the captured text.
EDIT_MARK = "（本条经基准测试修改。）"
_ARTICLE_LINE = re.compile(r"^\s*第[一二三四五六七八九十百零〇]+条")


def edit_city_source(project: Path, slug: str) -> float:
    """Edit one city the way a maintainer does, in the project at `project`; return the import's seconds.

    Appends a sentence to the city's second article in its raw source (rules_data/sources/), records the
    new hash in its input file (the one line a maintainer changes by hand), and re-imports it with the
    project's own importer (scripts/import_city.py SLUG), so lint finds the generated file fresh.
    """
    data = project / "rules_data"
    src = data / "sources" / f"{slug}.txt"
    raw = src.read_bytes()
    lines = raw.decode("utf-8").split("\n")
    hits = [i for i, line in enumerate(lines) if _ARTICLE_LINE.match(line)]
    if len(hits) < 2:
        raise ValueError(f"{src}: fewer than two article lines to edit")
    i = hits[1]
    lines[i] = lines[i].rstrip() + EDIT_MARK
    new = "\n".join(lines).encode("utf-8")
    src.write_bytes(new)
    inp = data / "inputs" / f"{slug}.yaml"
    text = inp.read_text(encoding="utf-8")
    old_hash, new_hash = hashlib.sha256(raw).hexdigest(), hashlib.sha256(new).hexdigest()
    if old_hash not in text:
        raise ValueError(f"{inp}: its source.sha256 is not the source's hash {old_hash}")
    inp.write_text(text.replace(old_hash, new_hash), encoding="utf-8")
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, str(project / "scripts/import_city.py"), "--quiet", slug],
        cwd=project,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t0


def edit_twin(project: Path, twin: Path, slug: str) -> None:
    """The same edit in the plain twin: rewrite that city's Markdown page from the re-imported city."""
    (twin / "docs/cities" / f"{slug}.md").write_text(twin_markdown(load_city(project, slug)), encoding="utf-8")


def site_sizes(site: Path) -> dict[str, float | str]:
    """Output size of a built site: bytes and files (all, and HTML pages), HTML bytes per page, disk usage."""
    total = files = 0
    html: list[int] = []
    largest = ("", -1)
    for dirpath, _, names in os.walk(site):
        for name in names:
            size = os.path.getsize(os.path.join(dirpath, name))
            total += size
            files += 1
            if name.endswith(".html"):
                html.append(size)
                if size > largest[1]:
                    largest = (os.path.relpath(os.path.join(dirpath, name), site), size)
    du = subprocess.run(["du", "-sk", str(site)], check=True, capture_output=True, text=True).stdout
    return {
        "bytes": total,
        "du_bytes": int(du.split()[0]) * 1024,
        "files": files,
        "html_pages": len(html),
        "html_bytes": sum(html),
        "html_median": median([float(x) for x in html]),
        "html_max": max(html, default=0),
        "html_max_page": largest[0],
    }


_REFS = re.compile(
    r"<script\b[^>]*\bsrc=\"([^\"]+)\"|<link\b[^>]*\brel=\"(?:stylesheet|modulepreload|preload)\"[^>]*\bhref=\"([^\"]+)\""
    r"|<img\b[^>]*\bsrc=\"([^\"]+)\""
)


def page_files(site: Path, page: str) -> dict[str, float]:
    """A page's HTML and the local files its HTML names (scripts, stylesheets, images), raw and gzip.

    Read from the built files, without a browser: what a script loads later (e.g. rows fetched on demand)
    is not counted here; bench.py measures that in headless Chromium unless --builds-only.
    """
    path = site / page / "index.html"
    html = path.read_bytes()
    seen: list[Path] = []
    for m in _REFS.finditer(html.decode("utf-8")):
        ref = next(g for g in m.groups() if g)
        ref = ref.split("#")[0].split("?")[0]
        if not ref or "://" in ref or ref.startswith(("data:", "//")):
            continue
        target = (path.parent / ref).resolve()
        if target.is_file() and target not in seen:
            seen.append(target)
    raw, gz = sizes(seen)
    return {
        "html_raw": len(html),
        "html_gzip": len(gzip.compress(html, 6)),
        "files": len(seen),
        "files_raw": raw,
        "files_gzip": gz,
        "total_raw": len(html) + raw,
        "total_gzip": len(gzip.compress(html, 6)) + gz,
    }


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
