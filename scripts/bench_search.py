"""Search benchmark: quality (recall@5, MRR) of the search UIs, index sizes and latency.

Usage: python scripts/bench_search.py [--sizes 5,50,300] [--queries 20]

Quality is measured on the real five cities with tests/search_queries.yaml, for the header search
box (typed key by key), the 条文检索 page, and, as baselines, plain Material sites (the same texts as
static Markdown) with and without jieba. Sizes and latencies (headless Chromium, nginx) are measured
for the real corpus and for synthetic corpora of N cities made from the real texts
(rulebook/devtools/synthetic.py). The header box's latency is from the last keystroke to the panel drawn with
its snippets (the page's own clock: the input event's timestamp to the DOM update), typed at one key
every 80 ms into a fresh page once focusing the box has loaded the index's entry files (lunr shards at
5 cities, the term index's meta at 300); "首个结果" is a fresh page's first query timed from the click
into the box, loading included. Prints Markdown tables; numbers are from one run on this machine,
compare them as ratios.
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
    copy_project,
    fmt_bytes,
    median,
    no_jieba_env,
    plain_material_twin,
    timed_build,
)

from rulebook.devtools.browser import Browser, serve, serve_nginx
from rulebook.devtools.search_eval import ART_HREF, header_results, load_queries, lookup_results, score
from rulebook.devtools.synthetic import make_synthetic


def material_results(page, q: str) -> list[str]:  # noqa: ANN001 - a Playwright page
    """Top results of Material's own search box (the plain baselines), as 'city/n' refs ('-' for others)."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(q)
    box.press("End")  # Material searches on keyup; fill() sends none
    page.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && !/初始化|Initializing/.test(m.textContent) && m.textContent.trim() !== '' }",
        timeout=60000,
    )
    page.wait_for_timeout(50)
    hrefs = page.eval_on_selector_all(
        ".md-search-result__list a.md-search-result__link", "as => as.map(a => a.getAttribute('href'))"
    )
    out = []
    for h in hrefs:
        if "#" not in (h or ""):
            continue  # a page's group header (its title), not a result slot
        m = ART_HREF.search(h)
        out.append(f"{m.group(1)}/{m.group(2)}" if m else "-")
    return out


def quality(site: Path, plains: list[tuple[str, Path]], browser: Browser) -> list[tuple[str, float, float]]:
    queries = load_queries()
    rows = []
    with serve(site) as url:
        page = browser.page()
        page.goto(url + "cities/zhuzhou/")
        res = {q["q"]: header_results(page, q["q"]) for q in queries}
        s = score(res, queries)
        rows.append(("页首检索框（条文检索引擎，逐字输入）", s.recall_at_5, s.mrr))
        page = browser.page()
        res = {q["q"]: lookup_results(page, url, q["q"]) for q in queries}
        s = score(res, queries)
        rows.append(("条文检索（lunr 分片，jieba 词 + 双字）", s.recall_at_5, s.mrr))
    for name, plain in plains:
        with serve(plain) as url:
            page = browser.page()
            page.goto(url)
            res = {q["q"]: material_results(page, q["q"]) for q in queries}
            s = score(res, queries)
            rows.append((name, s.recall_at_5, s.mrr))
    return rows


def p95(xs: list[float]) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(0.95 * (len(s) - 1)))] if s else float("nan")


def header_speed(site: Path, browser: Browser, n_queries: int, delay_ms: int = 80) -> dict[str, float]:
    """The header box at this size: bytes before the first result, and last keystroke -> panel drawn."""
    queries = [q["q"] for q in load_queries()][:n_queries]
    start = sorted((site / "cities").glob("*/index.html"))[0].parent.name
    out: dict[str, float] = {}
    with site_server(site) as url:
        page = browser.page()
        bodies: list[bytes] = []

        def keep(resp):  # noqa: ANN001, ANN202
            if ("/lookup/" in resp.url or "vendor/lunr" in resp.url) and resp.ok:
                bodies.append(resp.body())

        page.on("response", keep)
        page.goto(url + f"cities/{start}/")
        t0 = time.perf_counter()
        header_results(page, queries[0])
        out["first_result_ms"] = (time.perf_counter() - t0) * 1000
        out["bytes_gzip"] = sum(len(gzip.compress(b, 6)) for b in bodies)
        out["requests"] = len(bodies)
        out["engine"] = page.get_attribute(".rb-search", "data-engine")
        # the entry files any first query loads before its own buckets or shards
        entry = ["lookup/meta.js"] + (["lookup/terms/meta.js"] if out["engine"] == "terms" else [])
        out["entry_gzip"] = sum(len(gzip.compress((site / f).read_bytes(), 6)) for f in entry)
        first, total = [], []
        for q in queries:
            page.goto(url + f"cities/{start}/")  # a fresh page: only what typing this query loads
            box = page.locator("#rb-search-input")
            box.click()
            page.wait_for_selector(".rb-search[data-warm]")  # focus loaded the index's entry files
            box.press_sequentially(q, delay=delay_ms)
            page.wait_for_function(
                "q => { const b = document.querySelector('.rb-search');"
                " return b.dataset.state === 'done' && b.dataset.query === q }",
                arg=q,
                timeout=30000,
            )
            first.append(float(page.get_attribute(".rb-search", "data-first-ms")))
            total.append(float(page.get_attribute(".rb-search", "data-total-ms")))
        out["first_ms_median"], out["first_ms_p95"] = median(first), p95(first)
        out["total_ms_median"], out["total_ms_p95"] = median(total), p95(total)
    return out


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
        plains = []
        for name, jieba in (("纯 Material 搜索（jieba 分词）", True), ("纯 Material 默认（不分词）", False)):
            cfg = plain_material_twin(project, work / f"plain5-{jieba}", jieba=jieba)
            timed_build(
                cfg, work / f"plainsite5-{jieba}", env=None if jieba else no_jieba_env(work / f"plain5-{jieba}")
            )
            plains.append((name, work / f"plainsite5-{jieba}"))
        print("| 检索方式 | recall@5 | MRR |\n|---|---|---|")
        for name, r, m in quality(site, plains, browser):
            print(f"| {name} | {r:.3f} | {m:.3f} |", flush=True)
        print("\n## 检索速度（headless Chromium，nginx 按 deploy/nginx.conf 提供）\n")
        print(
            "| 城市数（引擎） | 入口文件 (gzip) "
            "| 页首检索框：首个结果前传输 (gzip) | 请求数 | 首个结果（冷） | 末键到结果列表 中位/p95 "
            "| 末键到含摘要的面板 中位/p95 | 条文检索：首个结果前传输 (gzip) | 排序计算 | 结果列表显示 "
            "| 摘要全部显示 | 单城市筛选：传输 (gzip) | 排序计算 |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for n in [int(x) for x in args.sizes.split(",")]:
            if n == 5:
                s = site
            else:
                p = copy_project(work / f"p{n}")
                make_synthetic(p, n - 5)
                s = work / f"site{n}"
                timed_build(p / "mkdocs.yml", s)
            hb = header_speed(s, browser, args.queries)
            lk = lookup_speed(s, browser, args.queries)
            print(
                f"| {n} ({hb['engine']}) | {fmt_bytes(hb['entry_gzip'])} | {fmt_bytes(hb['bytes_gzip'])} "
                f"| {hb['requests']:.0f} "
                f"| {hb['first_result_ms']:.0f} ms "
                f"| {hb['first_ms_median']:.0f} / {hb['first_ms_p95']:.0f} ms "
                f"| {hb['total_ms_median']:.0f} / {hb['total_ms_p95']:.0f} ms "
                f"| {fmt_bytes(lk['all_bytes_gzip'])} | {lk['all_query_ms_median']:.1f} ms "
                f"| {lk['all_first_ms_median']:.0f} ms | {lk['all_total_ms_median']:.0f} ms "
                f"| {fmt_bytes(lk['one_bytes_gzip'])} | {lk['one_query_ms_median']:.1f} ms |",
                flush=True,
            )
    browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
