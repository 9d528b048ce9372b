"""Benchmark: build time and memory against plain Material, page weight, and search at scale.

Usage: python scripts/bench.py [--sizes 5,300,1000] [--reps 7] [--queries 20] [--builds-only]

For each corpus size (5 = the real cities; larger ones are synthetic, made from the real texts by
rulebook/synthetic.py) it builds the real site and a plain mkdocs-material site of the same articles
as static Markdown (no macros, no data layer, same jieba search), several times, and reports the
median build time, peak RSS and their ratio measured in the same run, and the cold cost of the
article alignment alone (rulebook/align.py, in a child process of its own, no cache). Then it measures
page weight in headless Chromium and the search figures of scripts/bench_search.py (skipped with
--builds-only). Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_pagefind
from bench_search import header_speed, lookup_speed
from benchlib import ROOT, copy_project, fmt_bytes, median, plain_material_twin, timed_build

from rulebook import align
from rulebook.browser import Browser, serve
from rulebook.synthetic import make_synthetic

PAGES = [
    ("首页", ""),
    ("城市页（株洲）", "cities/zhuzhou/"),
    ("比较页（会议制度）", "compare/meetings/"),
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
from rulebook import align
from rulebook.data import load_rulebook
book = load_rulebook(Path(sys.argv[1]))
gc.freeze()  # as the build does once the book is loaded
t0 = time.perf_counter()
corpus = align.Corpus.of(book)
t1 = time.perf_counter()
align.align_corpus(corpus)
t2 = time.perf_counter()
print(json.dumps({"articles": len(corpus.keys), "vectorize": t1 - t0, "match": t2 - t1}))
"""


def alignment_cost(project: Path) -> dict[str, float]:
    """Seconds of a cold alignment of the project's book (TF-IDF vectors, then matching), in a child process."""
    out = subprocess.run(
        [sys.executable, "-c", _ALIGN, str(project)], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="5,300,1000")
    ap.add_argument("--reps", type=int, default=7, help="builds per size (median reported); 1 for sizes >= 300")
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--builds-only", action="store_true", help="build time, memory and alignment only")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    browser = None if args.builds_only else Browser()
    builds, aligns, searches, weights, pagefind = [], [], [], None, []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in sizes:
            project = copy_project(work / f"p{n}")
            if n > 5:
                make_synthetic(project, n - 5)
            plain_cfg = plain_material_twin(project, work / f"plain{n}")
            reps = args.reps if n < 300 else 1
            ours, plain = [], []
            for r in range(reps):  # alternate, so both see the same machine state
                ours.append(timed_build(project / "mkdocs.yml", work / f"site{n}"))
                plain.append(timed_build(plain_cfg, work / f"plainsite{n}-{r}"))
            t_ours, t_plain = median([t for t, _ in ours]), median([t for t, _ in plain])
            m_ours, m_plain = max(m for _, m in ours), max(m for _, m in plain)
            builds.append((n, reps, t_ours, t_plain, m_ours, m_plain))
            print(f"built {n}: ours {t_ours:.1f} s / plain {t_plain:.1f} s", file=sys.stderr, flush=True)
            aligns.append((n, alignment_cost(project), t_ours))
            print(f"aligned {n}: {aligns[-1][1]}", file=sys.stderr, flush=True)
            if browser is None:
                continue
            site = work / f"site{n}"
            if n == 5:
                weights = page_weight(site, browser)
            lk = lookup_speed(site, browser, args.queries)
            ms = header_speed(site, browser, args.queries)
            searches.append((n, lk, ms))
            if bench_pagefind.available():  # last: it writes site/pagefind/
                pagefind.append((n, bench_pagefind.measure(site, browser, args.queries)))

    print("## 构建（本站 vs 同文本的纯 Material 站点，中位数）\n")
    print("| 城市数 | 次数 | 本站构建 | 纯 Material | 时间比 | 本站峰值内存 | 纯 Material 峰值内存 | 内存比 |")
    print("|---|---|---|---|---|---|---|---|")
    for n, reps, to, tp, mo, mp in builds:
        print(f"| {n} | {reps} | {to:.1f} s | {tp:.1f} s | {to / tp:.2f}× | {mo} MB | {mp} MB | {mo / mp:.2f}× |")
    print("\n## 条文对齐（单独测量：冷计算，不用缓存；构建中的对齐与此相同）\n")
    print("| 城市数 | 条文数 | 方法 | 向量化 | 匹配 | 合计 | 每千条 | 占本站构建 |")
    print("|---|---|---|---|---|---|---|---|")
    for n, cost, t_ours in aligns:
        total = cost["vectorize"] + cost["match"]
        arts = int(cost["articles"])
        exact = "逐块全比" if arts <= align.EXACT_MAX_ARTICLES else "聚类分块"
        method = "按文档顺序" if n <= align.STRUCTURED_MAX_CITIES else exact
        print(
            f"| {n} | {arts} | {method} | {cost['vectorize']:.1f} s | {cost['match']:.1f} s | {total:.1f} s "
            f"| {1000 * total / max(1, arts):.2f} s | {100 * total / t_ours:.0f}% |"
        )
    if browser is None:
        return 0
    if weights:
        print("\n## 页面重量（首次访问加载的 HTML 与全部资源，5 市）\n")
        print("| 页面 | 请求数 | 原始大小 | gzip |\n|---|---|---|---|")
        for label, raw, gz, count in weights:
            print(f"| {label} | {count} | {fmt_bytes(raw)} | {fmt_bytes(gz)} |")
    print(f"\n## 检索（headless Chromium，nginx 按 deploy/nginx.conf 提供；中位数，{args.queries} 次查询）\n")
    print(
        "| 城市数（引擎） | 条文检索：首个结果前传输 (gzip) | 排序计算 | 结果列表显示 | 摘要全部显示 "
        "| 单城市筛选：传输 | 排序计算 | 页首检索框：首个结果前传输 (gzip) | 末键到含摘要的面板 中位/p95 |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n, lk, ms in searches:
        print(
            f"| {n} ({lk['all_engine']}) | {fmt_bytes(lk['all_bytes_gzip'])} | {lk['all_query_ms_median']:.1f} ms "
            f"| {lk['all_first_ms_median']:.0f} ms | {lk['all_total_ms_median']:.0f} ms "
            f"| {fmt_bytes(lk['one_bytes_gzip'])} | {lk['one_query_ms_median']:.1f} ms "
            f"| {fmt_bytes(ms['bytes_gzip'])} | {ms['total_ms_median']:.0f} / {ms['total_ms_p95']:.0f} ms |"
        )
    if pagefind:
        bench_pagefind.print_table(pagefind, args.queries)
    else:
        print("\n（未安装 Pagefind，未测对照：`.venv/bin/pip install -r requirements-bench.txt`）")
    browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
