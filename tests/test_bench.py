"""The scale benchmark at a tiny size: scripts/bench.py --builds-only writes every number, bench_plot.py draws them."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from rulebook.data import yamlio

ROOT = Path(__file__).resolve().parent.parent
SIZES = (5, 12)
SVG = "{http://www.w3.org/2000/svg}"
FIXTURE_MARKS = {"run": "build"}  # scripts/bench.py builds the site (conftest marks its users)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str, Path]:
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "results.json"
    sizes = ",".join(map(str, SIZES))
    args = ["--sizes", sizes, "--builds-only", "--reps", "1", "--json", str(out), "--workdir", str(tmp / "work")]
    proc = subprocess.run(
        [sys.executable, "scripts/bench.py", *args, "--keep"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "one-city rebuild" in proc.stderr  # progress goes to stderr
    (work,) = (tmp / "work").iterdir()  # the run's own temp dir under --workdir
    return json.loads(out.read_text(encoding="utf-8")), proc.stdout, work


def test_every_size_has_every_number(run: tuple[dict, str, Path]) -> None:
    results, _, _ = run
    assert results["meta"]["sizes"] == list(SIZES) and results["meta"]["builds_only"] is True
    assert [r["cities"] for r in results["sizes"]] == list(SIZES)
    for r in results["sizes"]:
        b = r["build"]
        for side in ("ours", "plain"):
            assert b[side]["cold_s"] > 0 and b[side]["median_s"] > 0
            assert b[side]["cold_rss_mb"] > 50 and b[side]["max_rss_mb"] >= b[side]["cold_rss_mb"]
            assert len(b[side]["runs"]) == r["reps"] == 1
        assert b["ratio_cold"] == pytest.approx(b["ours"]["cold_s"] / b["plain"]["cold_s"])
        assert b["ratio_rss"] == pytest.approx(b["ours"]["max_rss_mb"] / b["plain"]["max_rss_mb"])
        rb = r["rebuild"]
        assert rb["city"] == "zhuzhou" and rb["import_s"] > 0
        assert rb["ours_s"] > 0 and rb["plain_s"] > 0 and rb["ours_rss_mb"] > 50 and rb["plain_rss_mb"] > 50
        assert rb["ratio"] == pytest.approx(rb["ours_s"] / rb["plain_s"])
        for side in ("ours", "plain"):
            o = r["output"][side]
            assert o["du_bytes"] >= o["bytes"] > o["html_bytes"] > 0
            assert o["files"] > o["html_pages"] > r["cities"]  # a page per city, and more
            assert 0 < o["html_median"] <= o["html_max"] <= o["html_bytes"]
            assert o["html_max_page"].endswith(".html")
        # ours has compare pages, downloads, search shards: more than the twin's articles alone
        assert r["output"]["ours"]["bytes"] > r["output"]["plain"]["bytes"]
        cp = r["compare_page"]
        assert cp["page"] == "compare/meetings/"
        assert cp["html_raw"] > cp["html_gzip"] > 0 and cp["files"] > 0 and cp["files_raw"] > cp["files_gzip"] > 0
        assert cp["total_gzip"] == cp["html_gzip"] + cp["files_gzip"]
        assert r["align"]["articles"] > 0 and r["align"]["vectorize"] > 0
        assert r["pages"] is None and r["search"] is None  # --builds-only: no browser
    small, big = results["sizes"]
    assert big["align"]["articles"] > small["align"]["articles"]
    assert big["output"]["ours"]["html_pages"] > small["output"]["ours"]["html_pages"]


def test_the_rebuild_saw_a_maintainers_edit(run: tuple[dict, str, Path]) -> None:
    """The edited source, its recorded hash and the re-imported city agree, and both rebuilt sites show it."""
    results, _, work = run
    mark = results["meta"]["edit_mark"]
    for n in SIZES:
        data = work / f"p{n}" / "rules_data"
        raw = (data / "sources/zhuzhou.txt").read_bytes()
        assert mark in raw.decode("utf-8")
        inp = yamlio.load((data / "inputs/zhuzhou.yaml").read_text(encoding="utf-8"))
        assert inp["source"]["sha256"] == hashlib.sha256(raw).hexdigest()
        assert mark in (data / "cities/zhuzhou.yaml").read_text(encoding="utf-8")
        for site in (f"site{n}", f"plainsite{n}"):
            assert mark in (work / site / "cities/zhuzhou/index.html").read_text(encoding="utf-8")


def test_tables_are_printed(run: tuple[dict, str, Path]) -> None:
    _, stdout, _ = run
    rows = [line for line in stdout.splitlines() if line.startswith(("| 5 |", "| 12 |"))]
    assert len(rows) == 3 * len(SIZES)  # scale, builds, alignment
    assert "改一市后重建" in stdout


def _check_svg(path: Path) -> ET.Element:
    assert path.stat().st_size < 200_000
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    # text drawn as paths: the SVG needs no font on the reader's machine
    assert next(root.iter(f"{SVG}path"), None) is not None
    assert not list(root.iter(f"{SVG}text"))
    return root


def test_plot_writes_a_valid_svg(run: tuple[dict, str, Path], tmp_path: Path) -> None:
    results, _, _ = run
    src = tmp_path / "r.json"
    src.write_text(json.dumps(results), encoding="utf-8")
    out = tmp_path / "plot.svg"
    subprocess.run([sys.executable, "scripts/bench_plot.py", str(src), "-o", str(out)], cwd=ROOT, check=True)
    root = _check_svg(out)
    ids = {g.get("id", "") for g in root.iter(f"{SVG}g")}
    assert len([i for i in ids if i.startswith("axes_")]) == 2  # two panels
    series = {"rb-build-ours", "rb-build-plain", "rb-rebuild-ours", "rb-size-ours", "rb-size-plain"}
    assert series <= ids
    for gid in series:  # a line with a point per size
        (g,) = [g for g in root.iter(f"{SVG}g") if g.get("id") == gid]
        line = next(g.iter(f"{SVG}path"))
        assert line.get("d", "").count("L") == len(SIZES) - 1
    out2 = tmp_path / "again.svg"
    subprocess.run([sys.executable, "scripts/bench_plot.py", str(src), "-o", str(out2)], cwd=ROOT, check=True)
    assert out.read_bytes() == out2.read_bytes()  # same numbers, same file: no dates or random ids


def test_committed_plot_is_a_small_svg() -> None:
    _check_svg(ROOT / "docs/assets/performance.svg")
