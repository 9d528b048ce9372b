"""Pagefind, measured against 条文检索 on the same built site (benchmark only; not part of the site).

Pagefind (PyPI `pagefind[extended]`, see requirements-bench.txt) indexes the city pages' HTML and
segments Chinese itself. It ranks pages; each page's sub-results are its headings' sections, here the
articles (h3 id="art_<n>"). To compare at article level, every sub-result of the top pages is scored
by the sum of its weighted locations' balanced scores (the signal Pagefind's own UI uses).

Served by Python's http.server: Pagefind runs WebAssembly, which deploy/nginx.conf's
Content-Security-Policy (no 'wasm-unsafe-eval') would block.
"""

from __future__ import annotations

import gzip
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

from benchlib import median

from rulebook.devtools.browser import Browser, serve
from rulebook.devtools.search_eval import ART_HREF, load_queries

TOP_PAGES = 20  # pages whose data (sub-results) is fetched per query, like the 20 results 条文检索 shows

_INIT = "async u => { window.pf = await import(u + 'pagefind/pagefind.js'); await window.pf.init(); }"
_SEARCH = """async ([q, top]) => {
  const t0 = performance.now();
  const s = await window.pf.search(q);
  const t1 = performance.now();
  const pages = await Promise.all(s.results.slice(0, top).map(r => r.data()));
  const t2 = performance.now();
  const subs = [];
  for (const p of pages) for (const sr of p.sub_results || []) {
    const score = (sr.weighted_locations || []).reduce((a, w) => a + w.balanced_score, 0);
    subs.push([sr.url, score]);
  }
  subs.sort((a, b) => b[1] - a[1]);
  return {search_ms: t1 - t0, data_ms: t2 - t0, urls: subs.map(x => x[0])};
}"""


def available() -> bool:
    return importlib.util.find_spec("pagefind") is not None


def index(site: Path) -> float:
    """Index the city pages into site/pagefind/; returns seconds."""
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", "cities/*/index.html"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t


def _refs(urls: list[str]) -> list[str]:
    out = []
    for u in urls:
        m = ART_HREF.search(u)
        if m and f"{m.group(1)}/{m.group(2)}" not in out:
            out.append(f"{m.group(1)}/{m.group(2)}")
    return out


def measure(site: Path, browser: Browser, n_queries: int) -> dict[str, object]:
    """Index size, bytes before the first result, latencies and the article refs for every quality query."""
    seconds = index(site)
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    out: dict[str, object] = {
        "index_seconds": seconds,
        "index_files": len(files),
        "index_bytes": sum(p.stat().st_size for p in files),
    }
    queries = load_queries()
    with serve(site) as url:
        page = browser.page()
        bodies: list[bytes] = []
        page.on("response", lambda r: "/pagefind/" in r.url and r.ok and bodies.append(r.body()))
        page.goto(url)
        t0 = time.perf_counter()
        page.evaluate(_INIT, url)
        first = page.evaluate(_SEARCH, [queries[0]["q"], TOP_PAGES])
        out["first_result_ms"] = (time.perf_counter() - t0) * 1000
        # Pagefind ships its files pre-compressed (gzip inside), so these are already transfer sizes.
        out["bytes_before_first"] = sum(len(b) for b in bodies)
        out["bytes_before_first_gzip"] = sum(len(gzip.compress(b, 6)) for b in bodies)
        refs = {queries[0]["q"]: _refs(first["urls"])}
        search_ms, data_ms = [], []
        for i, q in enumerate(queries[1:], start=1):
            r = page.evaluate(_SEARCH, [q["q"], TOP_PAGES])
            refs[q["q"]] = _refs(r["urls"])
            if i <= n_queries:
                search_ms.append(r["search_ms"])
                data_ms.append(r["data_ms"])
        out["search_ms_median"] = median(search_ms)
        out["data_ms_median"] = median(data_ms)
        out["refs"] = refs
        page.context.close()
    return out


def print_table(rows: list[tuple[int, dict[str, object]]], queries: int) -> None:
    """Markdown table of Pagefind per corpus size (quality only where the expected articles exist: 5)."""
    from rulebook.devtools.search_eval import score

    print(f"\n## Pagefind（对照；Python http.server；中位数，{queries} 次查询）\n")
    print(
        "| 城市数 | 建索引 | 索引文件 | 索引大小 | 首个结果前传输 | 首个结果 | search() | search() + 前 20 页数据 "
        "| recall@5 | MRR |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n, m in rows:
        quality = "— | —"
        if n == 5:
            s = score(m["refs"], load_queries())  # type: ignore[arg-type]
            quality = f"{s.recall_at_5:.3f} | {s.mrr:.3f}"
        print(
            f"| {n} | {m['index_seconds']:.1f} s | {m['index_files']} | {m['index_bytes'] / 1e6:.2f} MB "
            f"| {m['bytes_before_first'] / 1e3:.1f} kB | {m['first_result_ms']:.0f} ms "
            f"| {m['search_ms_median']:.0f} ms | {m['data_ms_median']:.0f} ms | {quality} |"
        )
