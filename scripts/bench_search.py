"""Search benchmark: quality (recall@5, MRR) of the three search paths, index sizes and latency.

Usage: python scripts/bench_search.py [--sizes 5,50,300] [--queries 20]

Quality is measured on the real five cities with tests/search_queries.yaml, for the 条文检索 page,
Material's search box with jieba + our dictionary, and plain Material without segmentation.
Sizes and latencies (headless Chromium, localhost) are measured for the real corpus and for
synthetic corpora of N cities made from the real texts (rulebook/synthetic.py).
Prints Markdown tables; numbers are from one run on this machine, compare them as ratios.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchlib import (
    ROOT,
    copy_project,
    fmt_bytes,
    median,
    no_jieba_env,
    plain_material_twin,
    timed_build,
)
from browser import Browser, serve, serve_nginx
from search_eval import load_queries, lookup_results, material_results, score

from rulebook.synthetic import make_synthetic


def quality(site: Path, plain: Path, browser: Browser) -> list[tuple[str, float, float]]:
    queries = load_queries()
    rows = []
    with serve(site) as url:
        page = browser.page()
        res = {q["q"]: lookup_results(page, url, q["q"]) for q in queries}
        s = score(res, queries)
        rows.append(("条文检索（lunr 分片，jieba 词 + 双字）", s.recall_at_5, s.mrr))
        page = browser.page()
        page.goto(url)
        res = {q["q"]: material_results(page, q["q"]) for q in queries}
        s = score(res, queries)
        rows.append(("Material 搜索框（jieba + 本站词典）", s.recall_at_5, s.mrr))
    with serve(plain) as url:
        page = browser.page()
        page.goto(url)
        res = {q["q"]: material_results(page, q["q"]) for q in queries}
        s = score(res, queries)
        rows.append(("Material 默认（不分词，基线）", s.recall_at_5, s.mrr))
    return rows


def lookup_speed(site: Path, browser: Browser, n_queries: int) -> dict[str, float]:
    queries = [q["q"] for q in load_queries()][:n_queries]
    out: dict[str, float] = {}
    with site_server(site) as url:
        for label, city in (
            ("all", ""),
            ("one", "syn000" if (site / "lookup/shards/syn000.js").exists() else "zhuzhou"),
        ):
            page = browser.page()
            bodies: list[bytes] = []

            def keep(resp, bodies=bodies):  # noqa: ANN001, ANN202
                if "/lookup/" in resp.url and resp.ok:
                    bodies.append(resp.body())

            page.on("response", keep)
            t0 = time.perf_counter()
            lookup_results(page, url, queries[0], city=city)
            out[f"{label}_first_result_ms"] = (time.perf_counter() - t0) * 1000
            out[f"{label}_load_ms"] = float(page.get_attribute(".rb-lookup", "data-load-ms") or 0)
            out[f"{label}_engine"] = page.get_attribute(".rb-lookup", "data-engine")
            out[f"{label}_bytes_raw"] = sum(len(b) for b in bodies)
            out[f"{label}_bytes_gzip"] = sum(len(gzip.compress(b, 6)) for b in bodies)
            lat, wall, first, total = [], [], [], []
            for q in queries:
                t = time.perf_counter()
                page.fill("input[name=q]", q)
                page.press("input[name=q]", "Enter")
                page.wait_for_function(
                    "q => document.querySelector('.rb-lookup').dataset.state === 'done'"
                    " && document.querySelector('.rb-lookup-status').textContent.includes(q)",
                    arg=q,
                )
                wall.append((time.perf_counter() - t) * 1000)
                lat.append(float(page.get_attribute(".rb-lookup", "data-query-ms")))
                first.append(float(page.get_attribute(".rb-lookup", "data-first-ms")))
                total.append(float(page.get_attribute(".rb-lookup", "data-total-ms")))
            out[f"{label}_query_ms_median"] = median(lat)  # ranking in the page
            out[f"{label}_first_ms_median"] = median(first)  # submit to the ranked list shown, loading included
            out[f"{label}_total_ms_median"] = median(total)  # submit to every snippet shown
            out[f"{label}_wall_ms_median"] = median(wall)  # the same seen from Playwright (adds its own overhead)
    return out


def site_server(site: Path):  # noqa: ANN201 - a context manager yielding the base URL
    """nginx with deploy/nginx.conf (gzip, keep-alive: how the intranet serves it) when installed."""
    return serve_nginx(site) if shutil.which("nginx") or Path("/usr/sbin/nginx").exists() else serve(site)


def material_speed(site: Path, browser: Browser, n_queries: int) -> dict[str, float]:
    queries = [q["q"] for q in load_queries()][:n_queries]
    index = site / "search/search_index.json"
    raw = index.stat().st_size
    out = {"index_raw": raw, "index_gzip": len(gzip.compress(index.read_bytes(), 6))}
    with site_server(site) as url:
        page = browser.page()
        t0 = time.perf_counter()
        page.goto(url)
        material_results(page, queries[0])
        out["first_result_ms"] = (time.perf_counter() - t0) * 1000
        lat = []
        for q in queries[1:]:
            t = time.perf_counter()
            material_results(page, q)
            lat.append((time.perf_counter() - t) * 1000)
        out["query_ms_median"] = median(lat)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="5,50", help="corpus sizes in cities (5 = the real corpus)")
    ap.add_argument("--queries", type=int, default=20)
    args = ap.parse_args(argv)
    browser = Browser()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"## 检索质量（真实 5 市，{len(load_queries())} 条查询）\n")
        project = copy_project(work / "p5")
        site = work / "site5"
        timed_build(project / "mkdocs.yml", site)
        plain_cfg = plain_material_twin(project, work / "plain5", jieba=False)
        plain_site = work / "plainsite5"
        timed_build(plain_cfg, plain_site, env=no_jieba_env(work / "plain5"))
        print("| 检索方式 | recall@5 | MRR |\n|---|---|---|")
        for name, r, m in quality(site, plain_site, browser):
            print(f"| {name} | {r:.3f} | {m:.3f} |")
        print("\n## 检索规模与速度（headless Chromium，nginx 按 deploy/nginx.conf 提供）\n")
        print(
            "| 城市数（引擎） | 条文检索：全部城市首个结果前传输 (gzip) | 首个结果 | 排序计算 | 结果列表显示 "
            "| 摘要全部显示 | Playwright 观测 | 单城市筛选：传输 (gzip) | 排序计算 | Material 索引 (gzip) "
            "| Material 首个结果 | Material 查询 |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for n in [int(x) for x in args.sizes.split(",")]:
            if n == 5:
                s = site
            else:
                p = copy_project(work / f"p{n}")
                make_synthetic(p, n - 5)
                s = work / f"site{n}"
                timed_build(p / "mkdocs.yml", s)
            lk = lookup_speed(s, browser, args.queries)
            ms = material_speed(s, browser, args.queries)
            print(
                f"| {n} ({lk['all_engine']}) | {fmt_bytes(lk['all_bytes_gzip'])} | {lk['all_first_result_ms']:.0f} ms "
                f"| {lk['all_query_ms_median']:.1f} ms | {lk['all_first_ms_median']:.0f} ms "
                f"| {lk['all_total_ms_median']:.0f} ms | {lk['all_wall_ms_median']:.0f} ms "
                f"| {fmt_bytes(lk['one_bytes_gzip'])} "
                f"| {lk['one_query_ms_median']:.1f} ms "
                f"| {fmt_bytes(ms['index_gzip'])} ({fmt_bytes(ms['index_raw'])} raw) | {ms['first_result_ms']:.0f} ms "
                f"| {ms['query_ms_median']:.0f} ms |",
                flush=True,
            )
    browser.close()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "scripts"))
    sys.exit(main())
