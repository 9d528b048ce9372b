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
        cost = r["align"]
        assert cost["articles"] > 0 and cost["setup"] > 0 and cost["vectorize"] > 0
        assert cost["total"] >= cost["match"] >= 0
        assert r["pages"] is None and r["search"] is None  # --builds-only: no browser
        c = r["corpus"]  # read back from the project's files: one document per "city" of the size
        assert c["documents"] == r["cities"] and c["provinces"] <= c["governments"] <= c["documents"]
        assert c["articles"] == r["align"]["articles"] > 0
    small, big = results["sizes"]
    assert small["generate_s"] == 0 and big["generate_s"] > 0
    # the national layout: 7 synthetic documents of 4 governments, three of them with an older version
    assert results["meta"]["layout"] == "national" and results["meta"]["plain"] is True
    assert small["corpus"]["documents_replacing_another"] == 0
    assert big["corpus"]["governments"] == small["corpus"]["governments"] + 4
    assert big["corpus"]["documents_replacing_another"] == 3
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
    assert len(rows) == 4 * len(SIZES)  # corpus, scale, builds, alignment
    assert "改一市后重建" in stdout
    goals = [line for line in stdout.splitlines() if "冷构建时间比 ≤ 2×" in line]
    assert [g.split("：")[0] for g in goals] == ["- 5", "- 12"]  # one line per size, each met or not
    assert all(("：达到（" in g) != ("：未达到（" in g) for g in goals)


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


def test_a_run_without_the_twin_prints_and_plots(run: tuple[dict, str, Path], tmp_path: Path) -> None:
    """The JSON of `--no-plain` (a single 10,000-document run): no plain figures, no ratios; the tables say — and
    the plot leaves plain Material's lines out; merged with a full run, the plot has every size."""
    results, _, _ = run
    ours_only = json.loads(json.dumps(results))
    ours_only["meta"]["plain"] = False
    for r in ours_only["sizes"]:
        r["build"].update(plain=None, ratio_cold=None, ratio_median=None, ratio_rss=None)
        r["output"]["plain"] = None
        r["rebuild"].update(plain_s=None, plain_rss_mb=None, ratio=None)
        r["cities"] *= 1000  # as if larger sizes: 5000 and 12000
    src = tmp_path / "ours.json"
    src.write_text(json.dumps(ours_only), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", f"import json, bench; bench.print_tables(json.load(open({str(src)!r})))"],
        cwd=ROOT / "scripts",
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| 12000 |")]
    assert len(rows) == 4 and "| — |" in rows[1]  # the scale table's plain column
    assert "- 12000：冷构建时间比 ≤ 2×：未测（—）" in proc.stdout
    full = tmp_path / "full.json"
    full.write_text(json.dumps(results), encoding="utf-8")
    out = tmp_path / "merged.svg"
    subprocess.run([sys.executable, "scripts/bench_plot.py", str(full), str(src), "-o", str(out)], cwd=ROOT, check=True)
    root = _check_svg(out)
    lines = {
        g.get("id"): next(g.iter(f"{SVG}path")).get("d", "")
        for g in root.iter(f"{SVG}g")
        if g.get("id", "").startswith("rb-")
    }
    assert lines["rb-build-ours"].count("L") == 2 * len(SIZES) - 1  # 5, 12, 5000, 12000
    assert lines["rb-build-plain"].count("L") == len(SIZES) - 1  # the full run's sizes only
    assert lines["rb-rebuild-plain"].count("L") == len(SIZES) - 1


def test_committed_plot_is_a_small_svg() -> None:
    _check_svg(ROOT / "docs/assets/performance.svg")
