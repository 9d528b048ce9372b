"""Benchmark: build time and memory against plain Material, rebuilds, output size, page weight, search at scale.

Usage: python scripts/bench.py [--sizes 5,300,1000,3000] [--reps 7] [--queries 20] [--builds-only]
                               [--json results.json] [--workdir DIR] [--keep] [--no-pagefind]
                               [--no-plain] [--no-align] [--layout national|cycle]
       python scripts/bench.py --sizes 10000 --builds-only --no-plain --no-align --json r10k.json   (10,000 once)

For each corpus size (5 = the real cities; larger ones are synthetic documents, made from the real texts by
rulebook/devtools/synthetic.py: by default the national layout, 31 provinces of at most 100 governments, some
with 2–3 versions, each version a document), in one run: it builds the real site and a plain mkdocs-material
site of the same articles as static Markdown (no macros, no data layer, same jieba search), alternately,
`--reps` times (once for 300 cities and more); the first build of ours is cold (no .cache/). Then it edits one
city as a maintainer does (an article of 株洲's raw source, its hash in the input file, re-imported by
scripts/import_city.py) and rebuilds ours with the same .cache/, and the twin with that city's page rewritten.
Ours is built the maintainer's way, scripts/build.py (lint, atomic swap; a build over an existing site
re-renders only the city pages whose inputs changed); each build's phases (RULEBOOK_PHASES) are kept in the
JSON. It reports output size (bytes and du of both sites), HTML bytes per page (median, max), the compare
page's weight (its HTML and the files it names), and the cold cost of the article alignment alone
(rulebook/analysis/align.py, in a child process, no cache; --no-align skips it, the build's own phases still
show the wait for it). Unless --builds-only, it measures in headless Chromium what pages load and the search
figures of scripts/bench_search.py (and Pagefind when installed): bytes (gzip) before the header box's first
result, and its panel's latency. --no-plain builds ours only (the twin costs as much again at 10,000
documents); ratios are then left out. Prints Markdown tables and a line per goal of issue 32; --json writes
every number (rewritten after each size). Progress goes to stderr. The working dir is on disk (under the
system temp dir unless --workdir).
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_pagefind
import benchlib
from bench_search import header_speed, lookup_speed
from benchlib import (
    EDIT_MARK,
    ROOT,
    copy_project,
    edit_city_source,
    edit_twin,
    fmt_bytes,
    median,
    page_files,
    plain_material_twin,
    site_sizes,
    timed_build,
)

from rulebook.data import yamlio
from rulebook.devtools.browser import Browser, serve
from rulebook.devtools.synthetic import make_synthetic
from rulebook.model import scale

EDIT_CITY = "zhuzhou"  # the city edited before the rebuild: a real one, quoted by curated comparison cells
COMPARE_PAGE = "compare/meetings/"
PAGES = [
    ("首页", ""),
    ("城市页（株洲）", "cities/zhuzhou/"),
    ("比较页（会议制度）", COMPARE_PAGE),
    ("流程图页（发文签发）", "chains/outgoing/"),
    ("条文检索页", "lookup/?kw=%E5%9C%88%E9%98%85"),
]


def page_weight(site: Path, browser: Browser) -> list[tuple[str, int, int, int]]:
    """Bytes a first visit loads (HTML + every asset), raw and gzip, and the request count."""
    rows = []
    with serve(site) as url:
        for label, path in PAGES:
            page = browser.page()
            bodies: list[bytes] = []

            def keep(req, bodies=bodies):  # noqa: ANN001, ANN202
                if req.response():
                    bodies.append(req.response().body())

            page.on("requestfinished", keep)
            page.goto(url + path, wait_until="networkidle")
            if path.startswith("chains/"):
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered)"
                )
            page.wait_for_timeout(300)
            raw = sum(len(b) for b in bodies)
            gz = sum(len(gzip.compress(b, 6)) for b in bodies)
            rows.append((label, raw, gz, len(bodies)))
            page.context.close()
    return rows


_ALIGN = """
import gc, json, sys, time
from pathlib import Path
from rulebook.analysis import align
from rulebook.data.load import load_rulebook
from rulebook.model import scale
book = load_rulebook(Path(sys.argv[1]))
gc.freeze()  # as the build does once the book is loaded
t0 = time.perf_counter()
import scipy.optimize, sklearn.feature_extraction.text, sklearn.preprocessing  # what a cold build loads first
align._tokenizer().check_initialized()  # and jieba's own dictionary
t1 = time.perf_counter()
large = scale.large(len(book.cities))
# up to 60 cities: the TF-IDF vectors alone, then align() (which makes them again); above: align_local's
# hashed vectors are part of its one pass, so only the total is measured
arts = sum(len(c.articles()) for c in book.cities.values())
if not large:
    align.Corpus.of(book)
t2 = time.perf_counter()
align.align(book)  # the build's path: clause-level and calibrated up to 60 cities, local (MinHash-LSH) above
t3 = time.perf_counter()
vec = None if large else t2 - t1
print(json.dumps({"articles": arts, "setup": t1 - t0, "vectorize": vec, "total": t3 - t2,
                  "match": None if large else max(0.0, t3 - t2 - (t2 - t1))}))
"""


def alignment_cost(project: Path) -> dict[str, float]:
    """Seconds of a cold alignment of the project's book, in a child process: loading scikit-learn and jieba's
    dictionary (`setup`), the TF-IDF vectors alone (`vectorize`), and align() (`total`: vectors and matching)."""
    out = subprocess.run(
        [sys.executable, "-c", _ALIGN, str(project)], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _run(runs: list[tuple[float, int]]) -> dict:
    return {
        "cold_s": runs[0][0],
        "cold_rss_mb": runs[0][1],
        "median_s": median([t for t, _ in runs]),
        "max_rss_mb": max(m for _, m in runs),
        "runs": [{"s": t, "rss_mb": m} for t, m in runs],
    }


def measure_size(n: int, work: Path, args: argparse.Namespace, browser: Browser | None) -> dict:
    """Every figure for one corpus size; the size's files stay under `work`."""
    res: dict = {"cities": n}
    t0 = time.perf_counter()
    project = copy_project(work / f"p{n}")
    res["generate_s"] = 0.0
    if n > 5:
        t1 = time.perf_counter()
        make_synthetic(project, n - 5, national=args.layout == "national")
        res["generate_s"] = time.perf_counter() - t1
        log(f"{n} cities: {n - 5} synthetic documents made in {res['generate_s']:.1f} s")
    res["corpus"] = corpus_shape(project)
    # "cold" is a build without .cache/, not one that first compiles the copy's Python (copy_project leaves
    # out __pycache__; a checkout that has run once, or an installed package, has it)
    compileall.compile_dir(project / "rulebook", quiet=1)
    compileall.compile_file(project / "macros.py", quiet=1)
    plain_cfg = None
    twin = work / f"plain{n}"
    if not args.no_plain:
        plain_cfg = plain_material_twin(project, twin)
    res["prepare_s"] = time.perf_counter() - t0
    log(f"{n} cities: project{'' if args.no_plain else ' and plain twin'} ready ({res['prepare_s']:.1f} s)")
    site, plainsite = work / f"site{n}", work / f"plainsite{n}"
    reps = args.reps if n < 300 else 1
    res["reps"] = reps
    ours, plain = [], []
    for r in range(reps):  # alternate, so both see the same machine state; ours' first build is cold
        ours.append(timed_build(project / "mkdocs.yml", site, maintainer=True))
        if r == 0:
            res["phases_cold"] = list(benchlib.LAST_PHASES)
        log(f"{n} cities: ours build {r + 1}/{reps} {ours[-1][0]:.1f} s, {ours[-1][1]} MB")
        if plain_cfg is not None:
            plain.append(timed_build(plain_cfg, plainsite))
            log(f"{n} cities: plain build {r + 1}/{reps} {plain[-1][0]:.1f} s, {plain[-1][1]} MB")
    res["build"] = {"ours": _run(ours), "plain": _run(plain) if plain else None}
    b = res["build"]
    b["ratio_cold"] = b["ratio_median"] = b["ratio_rss"] = None
    if plain:
        b["ratio_cold"] = b["ours"]["cold_s"] / b["plain"]["cold_s"]
        b["ratio_median"] = b["ours"]["median_s"] / b["plain"]["median_s"]
        b["ratio_rss"] = b["ours"]["max_rss_mb"] / b["plain"]["max_rss_mb"]
    res["output"] = {"ours": site_sizes(site), "plain": site_sizes(plainsite) if plain else None}
    res["compare_page"] = {"page": COMPARE_PAGE, **page_files(site, COMPARE_PAGE)}

    import_s = edit_city_source(project, EDIT_CITY)
    # the maintainer's path: scripts/build.py reuses the unchanged city pages of the previous site
    t_ours, m_ours = timed_build(project / "mkdocs.yml", site, maintainer=True)
    res["phases_rebuild"] = list(benchlib.LAST_PHASES)
    log(f"{n} cities: one-city rebuild (ours) {t_ours:.1f} s, {m_ours} MB (import {import_s:.1f} s)")
    t_plain = m_plain = None
    if plain_cfg is not None:
        edit_twin(project, twin, EDIT_CITY)
        t_plain, m_plain = timed_build(plain_cfg, plainsite)
        log(f"{n} cities: one-city rebuild (plain) {t_plain:.1f} s, {m_plain} MB")
    for built in (site, plainsite) if plain_cfg is not None else (site,):  # the rebuild must show the edit
        page = (built / "cities" / EDIT_CITY / "index.html").read_text(encoding="utf-8")
        if EDIT_MARK not in page:
            raise RuntimeError(f"{built}: the rebuilt page of {EDIT_CITY} lacks the edit")
    res["rebuild"] = {
        "city": EDIT_CITY,
        "import_s": import_s,
        "ours_s": t_ours,
        "ours_rss_mb": m_ours,
        "plain_s": t_plain,
        "plain_rss_mb": m_plain,
        "ratio": t_ours / t_plain if t_plain else None,
        "ours_vs_cold": t_ours / b["ours"]["cold_s"],
    }

    res["align"] = None if args.no_align else alignment_cost(project)
    if res["align"]:
        log(f"{n} cities: alignment alone {res['align']}")
    res["pages"], res["search"], res["pagefind"] = None, None, None
    if browser is not None:
        res["pages"] = [
            {"page": label, "path": path, "raw": raw, "gzip": gz, "requests": count}
            for (label, raw, gz, count), (_, path) in zip(page_weight(site, browser), PAGES, strict=True)
        ]
        log(f"{n} cities: page weights measured")
        lk = lookup_speed(site, browser, args.queries)
        hs = header_speed(site, browser, args.queries)
        res["search"] = {"lookup": lk, "header": hs}
        log(f"{n} cities: search measured (header panel median {hs['total_ms_median']:.0f} ms)")
        if not args.no_pagefind and bench_pagefind.available():  # last: it writes site/pagefind/
            res["pagefind"] = bench_pagefind.measure(site, browser, args.queries)
            log(f"{n} cities: Pagefind measured")
    return res


def _f(x: float | None, fmt: str = ".1f", unit: str = "") -> str:
    """A number for the tables; — when not measured (--no-plain, --no-align)."""
    return "—" if x is None else f"{x:{fmt}}{unit}"


def _b(x: float | None) -> str:
    return "—" if x is None else fmt_bytes(int(x))


def corpus_shape(project: Path) -> dict[str, int]:
    """Documents, governments, provinces and articles of a project, read from its input and city files without
    validating them (the build does): a version's document says which government it is of by its slug
    (`syn0123_2012` is an older version of `syn0123`)."""
    data = project / "rules_data"
    provinces: dict[str, set[str]] = {}
    docs = articles = versioned = 0
    for path in sorted((data / "inputs").glob("*.yaml")):
        meta = yamlio.load(path.read_text(encoding="utf-8"))["metadata"]
        slug = path.stem
        government = slug.split("_")[0] if slug.startswith("syn") else slug
        provinces.setdefault(meta["province"], set()).add(government)
        docs += 1
        versioned += "replaces" in meta
        city = yamlio.load((data / "cities" / f"{slug}.yaml").read_text(encoding="utf-8"))
        articles += sum(len(ch["articles"]) for ch in city["chapters"])
    return {
        "documents": docs,
        "governments": sum(len(g) for g in provinces.values()),
        "provinces": len(provinces),
        "max_governments_per_province": max((len(g) for g in provinces.values()), default=0),
        "documents_replacing_another": versioned,
        "articles": articles,
    }


def _header(r: dict, key: str) -> float | None:
    """A figure of the header search box (None: no browser in this run)."""
    return r["search"]["header"][key] if r["search"] else None


# Issue 32's goals, checked where the run measured the figure: (label, size it applies to or None for every
# size, the figure from a size's results, the bound).
GOALS = [
    ("冷构建时间比 ≤ 2×", None, lambda r: r["build"]["ratio_cold"], 2.0),
    ("3,000 改一市后重建 < 60 s", 3000, lambda r: r["rebuild"]["ours_s"], 60.0),
    ("3,000 冷构建 < 6 min", 3000, lambda r: r["build"]["ours"]["cold_s"], 360.0),
    ("3,000 峰值内存 < 4 GB", 3000, lambda r: r["build"]["ours"]["max_rss_mb"], 4000.0),
    ("10,000 冷构建 < 30 min", 10000, lambda r: r["build"]["ours"]["cold_s"], 1800.0),
    ("10,000 峰值内存 < 10 GB", 10000, lambda r: r["build"]["ours"]["max_rss_mb"], 10000.0),
    ("10,000 改一市后重建 < 2 min", 10000, lambda r: r["rebuild"]["ours_s"], 120.0),
    ("10,000 每页 HTML 中位 < 100 kB", 10000, lambda r: r["output"]["ours"]["html_median"], 100e3),
    (
        "10,000 页首检索首个结果前 < 100 kB (gzip)",
        10000,
        lambda r: (r["search"] or {}).get("header", {}).get("bytes_gzip"),
        100e3,
    ),
    (
        "10,000 页首检索面板中位 < 150 ms",
        10000,
        lambda r: (r["search"] or {}).get("header", {}).get("total_ms_median"),
        150.0,
    ),
]


def goal_lines(results: dict) -> list[str]:
    """One line per goal and size it applies to: met, missed, or not measured in this run."""
    out = []
    for label, size, figure, bound in GOALS:
        for r in results["sizes"]:
            if size is not None and r["cities"] != size:
                continue
            value = figure(r)
            verdict = (
                "未测"
                if value is None
                else ("达到" if value < bound or (size is None and value <= bound) else "未达到")
            )
            out.append(f"- {r['cities']}：{label}：{verdict}（{_f(value, '.3g')}）")
    return out


def print_tables(results: dict) -> None:
    sizes = results["sizes"]
    print("## 语料（城市数即文档数；合成文档按 rulebook/devtools/synthetic.py）\n")
    print("| 城市数 | 文档 | 政府 | 省份 | 每省政府数（最多） | 取代旧版的文档 | 条文 | 生成用时 |")
    print("|---|---|---|---|---|---|---|---|")
    for r in sizes:
        c = r["corpus"]
        print(
            f"| {r['cities']} | {c['documents']} | {c['governments']} | {c['provinces']} "
            f"| {c['max_governments_per_province']} | {c['documents_replacing_another']} | {c['articles']} "
            f"| {r['generate_s']:.1f} s |"
        )
    print("\n## 规模（每个城市数在同一次运行中测得；本站第一次构建为冷构建，没有 `.cache/`）\n")
    print(
        "| 城市数 | 本站冷构建 | 纯 Material | 时间比 | 峰值内存 本站 / 纯 | 内存比 | 改一市后重建 本站 / 纯 "
        "| 输出 本站 / 纯 | 每页 HTML 中位 / 最大 本站 | 纯 | 比较页 HTML + 所引文件（gzip） |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in sizes:
        b, rb, o = r["build"], r["rebuild"], r["output"]
        bp, op = b["plain"] or {}, o["plain"] or {}
        cp = r["compare_page"]
        print(
            f"| {r['cities']} | {b['ours']['cold_s']:.1f} s | {_f(bp.get('cold_s'), '.1f', ' s')} "
            f"| {_f(b['ratio_cold'], '.2f', '×')} "
            f"| {b['ours']['max_rss_mb']} / {_f(bp.get('max_rss_mb'), 'd')} MB | {_f(b['ratio_rss'], '.2f', '×')} "
            f"| {rb['ours_s']:.1f} / {_f(rb['plain_s'], '.1f')} s "
            f"| {fmt_bytes(o['ours']['du_bytes'])} / {_b(op.get('du_bytes'))} "
            f"| {fmt_bytes(o['ours']['html_median'])} / {fmt_bytes(o['ours']['html_max'])} "
            f"| {_b(op.get('html_median'))} / {_b(op.get('html_max'))} "
            f"| {fmt_bytes(cp['html_gzip'])} + {fmt_bytes(cp['files_gzip'])} |"
        )
    print("\n## 构建（本站 vs 同文本的纯 Material 站点，中位数）\n")
    print("| 城市数 | 次数 | 本站构建 | 纯 Material | 时间比 | 本站峰值内存 | 纯 Material 峰值内存 | 内存比 |")
    print("|---|---|---|---|---|---|---|---|")
    for r in sizes:
        b = r["build"]
        bp = b["plain"] or {}
        print(
            f"| {r['cities']} | {r['reps']} | {b['ours']['median_s']:.1f} s | {_f(bp.get('median_s'), '.1f', ' s')} "
            f"| {_f(b['ratio_median'], '.2f', '×')} | {b['ours']['max_rss_mb']} MB "
            f"| {_f(bp.get('max_rss_mb'), 'd', ' MB')} | {_f(b['ratio_rss'], '.2f', '×')} |"
        )
    aligned = [r for r in sizes if r["align"] is not None]
    if aligned:
        print("\n## 条文对齐（单独测量：冷计算，不用缓存；构建中的对齐与此相同）\n")
        print("| 城市数 | 条文数 | 方法 | 载入库与词典 | 向量化 | 匹配 | 合计（不含载入） | 每千条 | 占本站冷构建 |")
        print("|---|---|---|---|---|---|---|---|---|")
    for r in aligned:
        n, cost = r["cities"], r["align"]
        total = cost["total"]
        arts = int(cost["articles"])
        method = "按文档顺序" if not scale.large(n) else "MinHash-LSH 候选（本地对齐）"

        def sec(v: float | None) -> str:
            return "—" if v is None else f"{v:.1f} s"

        print(
            f"| {n} | {arts} | {method} | {cost['setup']:.1f} s | {sec(cost['vectorize'])} | {sec(cost['match'])} "
            f"| {total:.1f} s "
            f"| {1000 * total / max(1, arts):.2f} s | {100 * total / r['build']['ours']['cold_s']:.0f}% |"
        )
    print("\n## 目标（议题 32；本次运行测得的）\n")
    print("\n".join(goal_lines(results)))
    measured = [r for r in sizes if r["pages"] is not None]
    if not measured:
        return
    print("\n## 页面重量（首次访问加载的 HTML 与全部资源，headless Chromium）\n")
    print("| 城市数 | 页面 | 请求数 | 原始大小 | gzip |\n|---|---|---|---|---|")
    for r in measured:
        for w in r["pages"]:
            print(f"| {r['cities']} | {w['page']} | {w['requests']} | {fmt_bytes(w['raw'])} | {fmt_bytes(w['gzip'])} |")
    queries = results["meta"]["queries"]
    print(f"\n## 检索（headless Chromium，nginx 按 deploy/nginx.conf 提供；中位数，{queries} 次查询）\n")
    print(
        "| 城市数（引擎） | 条文检索：首个结果前传输 (gzip) | 排序计算 | 结果列表显示 | 摘要全部显示 "
        "| 单城市筛选：传输 | 排序计算 | 页首检索框：首个结果前传输 (gzip) | 末键到含摘要的面板 中位/p95 |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in measured:
        lk, ms = r["search"]["lookup"], r["search"]["header"]
        print(
            f"| {r['cities']} ({lk['all_engine']}) | {fmt_bytes(lk['all_bytes_gzip'])} "
            f"| {lk['all_query_ms_median']:.1f} ms "
            f"| {lk['all_first_ms_median']:.0f} ms | {lk['all_total_ms_median']:.0f} ms "
            f"| {fmt_bytes(lk['one_bytes_gzip'])} | {lk['one_query_ms_median']:.1f} ms "
            f"| {fmt_bytes(ms['bytes_gzip'])} | {ms['total_ms_median']:.0f} / {ms['total_ms_p95']:.0f} ms |"
        )
    pagefind = [(r["cities"], r["pagefind"]) for r in measured if r["pagefind"] is not None]
    if pagefind:
        bench_pagefind.print_table(pagefind, queries)
    else:
        print(
            "\n（未测 Pagefind 对照：未安装（`.venv/bin/pip install -r requirements-bench.txt`）或用了 --no-pagefind）"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="5,300,1000")
    ap.add_argument("--reps", type=int, default=7, help="builds per size (median reported); 1 for sizes >= 300")
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument(
        "--builds-only",
        "--no-browser",
        action="store_true",
        help="builds, rebuild, output sizes and alignment only (no headless Chromium)",
    )
    ap.add_argument("--json", type=Path, help="write every number here (rewritten after each size)")
    ap.add_argument("--workdir", type=Path, help="where the copies and sites go (default: a new temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep each size's copies and sites (default: deleted)")
    ap.add_argument("--no-pagefind", action="store_true", help="skip the Pagefind comparison")
    ap.add_argument("--no-plain", action="store_true", help="build ours only (no plain-Material twin, no ratios)")
    ap.add_argument("--no-align", action="store_true", help="skip the separate cold alignment measurement")
    ap.add_argument(
        "--layout",
        choices=("national", "cycle"),
        default="national",
        help="synthetic documents: 31 provinces, ≤100 governments each, some with 2–3 versions (default); "
        "or the old ten provinces in turn, one document a city",
    )
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="rulebook-bench-", dir=args.workdir))
    log(f"working dir {work}")
    browser = None if args.builds_only else Browser()
    results: dict = {
        "meta": {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "argv": sys.argv[1:] if argv is None else argv,
            "sizes": sizes,
            "reps": args.reps,
            "queries": args.queries,
            "builds_only": args.builds_only,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "edit_city": EDIT_CITY,
            "edit_mark": EDIT_MARK,
            "plain": not args.no_plain,
            "layout": args.layout,
        },
        "sizes": [],
    }
    try:
        for n in sizes:
            results["sizes"].append(measure_size(n, work, args, browser))
            if args.json:
                args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            if not args.keep:
                for part in (f"p{n}", f"plain{n}", f"site{n}", f"plainsite{n}"):
                    shutil.rmtree(work / part, ignore_errors=True)
    finally:
        if browser is not None:
            browser.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print_tables(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
