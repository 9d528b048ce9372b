"""Run the search quality set through the site's two search UIs in a real browser and score it.

Shared by tests/test_search_browser.py and scripts/bench_search.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

QUERIES = Path(__file__).with_name("search_queries.yaml")
ART_HREF = re.compile(r"cities/([a-z0-9_]+)(?:/(?:index\.html)?|\.html)(?:\?[^#]*)?#art_(\d+)")


def load_queries() -> list[dict]:
    return yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]


def expected_refs(q: dict) -> set[str]:
    return {f"{e['city']}/{e['n']}" for e in q["expect"]}


def lookup_results(page, base_url: str, q: str, city: str = "", topic: str = "", engine: str = "") -> list[str]:
    """Top results of the 条文检索 page, as 'city/n' refs (engine: '' = the page's choice, 'lunr', 'terms')."""
    url = f"{base_url}lookup/?kw={quote(q)}" + (f"&city={city}" if city else "") + (f"&topic={topic}" if topic else "")
    url += f"&engine={engine}" if engine else ""
    page.goto(url)
    page.wait_for_selector(".rb-lookup[data-state=done]", timeout=30000)
    return page.eval_on_selector_all(".rb-lookup-hit", "hs => hs.map(h => h.dataset.ref)")


def material_results(page, q: str) -> list[str]:
    """Top results of Material's search box on the current page, as 'city/n' refs ('-' for non-articles)."""
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


@dataclass
class Score:
    recall_at_5: float
    mrr: float
    misses: list[str]


def score(results: dict[str, list[str]], queries: list[dict]) -> Score:
    hits, rr, misses = 0, 0.0, []
    for q in queries:
        want = expected_refs(q)
        got = results[q["q"]]
        rank = next((i for i, r in enumerate(got) if r in want), None)
        if rank is not None and rank < 5:
            hits += 1
        else:
            misses.append(q["q"])
        rr += 1 / (rank + 1) if rank is not None else 0
    return Score(hits / len(queries), rr / len(queries), misses)
