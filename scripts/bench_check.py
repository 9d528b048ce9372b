"""对标检查 benchmark: leave-one-city-out quality and the time to check a 60-article draft.

Usage: python scripts/bench_check.py [--sizes 5,300] [--runs 5]

Quality: each curated city's own text (its articles under 第X章/第X条 headings) is pasted as the draft,
with that city left out of the peers; per city: the split (articles found vs curated), the predicted
topic against the curated tags, for attributes the city regulates whether the draft article ranked first
is the cited one, how many 对应 answers cite the curated article, how many curated 有规定 cells are reported
as gaps, and for attributes it does not regulate whether the check says 无对应. The same JS
runs as on the page (assets/check-engine.js, rbCheck.evaluate).

Speed: 80 articles of 郴州 (its own, then its first again) as the draft, checked against every other city of a
site with N cities (5 = the real site; larger = synthetic cities added by rulebook/devtools/synthetic.py, then built);
the median of --runs checks in headless Chromium, timed by the page (performance.now around the check).
Numbers are from one run on this machine; compare them as ratios.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from benchlib import ROOT, copy_project, median, timed_build

from rulebook.devtools.browser import Browser, serve
from rulebook.devtools.synthetic import make_synthetic

CITIES = ["chenzhou", "zhuzhou", "jixi", "ziyang", "liyang"]
# 80 articles: 郴州's, then its first ones again, numbered on
DRAFT = """t => { const c = rbCheckCorpus.cities.find(x => x.id === 'chenzhou'); const lines = [];
  for (let k = 0; k < 80; k++) lines.push('第' + (k + 1) + '条　' + c.articles[k % c.articles.length][3]);
  return lines.join('\\n'); }"""
TIME = """([text, runs]) => { const peers = rbCheckCorpus.cities.map(c => c.id).filter(c => c !== 'chenzhou');
  const t0 = performance.now(); rbCheck.prepare(rbCheckCorpus, peers); const prep = performance.now() - t0;
  const out = []; for (let i = 0; i < runs; i++) { const d = rbCheck.split(text, rbSegmentPatterns);
  out.push(rbCheck.check(d, rbCheckCorpus, peers, rbQuantityRules).ms); } return [out, peers.length, prep]; }"""


def site_of(size: int, work: Path) -> Path:
    if size <= 5:
        project = ROOT
    else:
        project = copy_project(work / f"p{size}")
        make_synthetic(project, size - 5)
    out = work / f"site{size}"
    timed_build(project / "mkdocs.yml", out)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5,300")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    browser = Browser()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = []
        for size in sizes:
            site = site_of(size, work)
            with serve(site) as url:
                page = browser.page()
                page.goto(url + "check/")
                page.wait_for_function("window.rbCheck && window.rbCheckCorpus")
                if size <= 5:
                    res = page.evaluate(
                        "cs => cs.map(c => rbCheck.evaluate(rbCheckCorpus, c, rbSegmentPatterns, rbQuantityRules))",
                        CITIES,
                    )
                    print(
                        "| 城市 | 条数（切分/原文） | 主题命中 | 有规定：首位条文命中 | 对应答案正确 | 误报缺项 "
                        "| 未规定：无对应 |"
                    )
                    print("|---|---|---|---|---|---|---|")
                    keys = ("topicOk", "topicN", "matched", "regulated", "same", "sameRight", "falseGaps")
                    tot = dict.fromkeys((*keys, "unseen", "unregulated"), 0)
                    for m in res:
                        for k in tot:
                            tot[k] += m[k]
                    for m in [*res, dict(tot, city="合计", split="—", articles="—")]:
                        print(
                            f"| {m['city']} | {m['split']}/{m['articles']} | {m['topicOk'] / m['topicN']:.3f} | "
                            f"{m['matched'] / m['regulated']:.3f} | {m['sameRight']}/{m['same']} | {m['falseGaps']} | "
                            f"{(m['unseen'] / m['unregulated']) if m['unregulated'] else float('nan'):.3f} |"
                        )
                    print()
                text = page.evaluate(DRAFT)
                times, peers, prep = page.evaluate(TIME, [text, args.runs])
                corpus_bytes = (site / "assets/check/corpus.js").stat().st_size
                rows.append((size, peers, median(times), prep, corpus_bytes))
                page.context.close()
        # 预备: the peers' side, built once per choice of peers while the page loads (in its worker)
        print("| 城市数 | 对标城市 | 80 条草案检查用时（中位数） | 预备（载入后一次） | 随页载入的数据 |")
        print("|---|---|---|---|---|")
        for size, peers, ms, prep, b in rows:
            print(f"| {size} | {peers} | {ms:.0f} ms | {prep:.0f} ms | {b / 1e6:.1f} MB |")
    browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
