"""Run the search quality set through the site's two search UIs (the header box and 条文检索) in a real
browser and score it.

Shared by tests/test_search_browser.py and scripts/bench_search.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, urlsplit

import yaml

if TYPE_CHECKING:
    from playwright.sync_api import Page

QUERIES = Path(__file__).resolve().parents[2] / "tests" / "search_queries.yaml"
ART_HREF = re.compile(r"cities/([a-z0-9_]+)(?:/(?:index\.html)?|\.html)(?:\?[^#]*)?#art_(\d+)")


def load_queries() -> list[dict]:
    return yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]


def expected_refs(q: dict) -> set[str]:
    return {f"{e['city']}/{e['n']}" for e in q["expect"]}


def lookup_results(page: Page, base_url: str, q: str, city: str = "", topic: str = "", engine: str = "") -> list[str]:
    """Top results of the 条文检索 page, as 'city/n' refs (engine: '' = the page's choice, 'lunr', 'terms')."""
    url = f"{base_url}lookup/?kw={quote(q)}" + (f"&city={city}" if city else "") + (f"&topic={topic}" if topic else "")
    url += f"&engine={engine}" if engine else ""
    here = urlsplit(page.url)
    if (
        page.url.startswith(f"{base_url}lookup/")
        and parse_qs(here.query).get("engine", [""])[0] == engine
        and page.evaluate("() => document.querySelector('.rb-lookup')?.dataset.state") in ("done", "ready")
    ):
        # Already on the page with this engine: the next query as a reader asks it (the form, submitted),
        # without reloading the page and its index for every query.
        page.evaluate(
            """([q, city, topic]) => {
                 const root = document.querySelector('.rb-lookup');
                 root.querySelector('input[name=q]').value = q;
                 root.querySelector('select[name=city]').value = city;
                 root.querySelector('select[name=topic]').value = topic;
                 root.setAttribute('data-state', 'asked');
                 root.querySelector('form').requestSubmit();
               }""",
            [q, city, topic],
        )
    else:
        page.goto(url)
    page.wait_for_selector(".rb-lookup[data-state=done]", timeout=30000)
    return page.eval_on_selector_all(".rb-lookup-hit", "hs => hs.map(h => h.dataset.ref)")


def header_results(page: Page, q: str) -> list[str]:
    """The articles the header search box shows for `q` typed into it, as 'city/n' refs.

    Typed key by key (each character an input event, as a reader's keyboard or IME sends them);
    waits for the panel with its snippets."""
    box = page.locator("#rb-search-input")
    box.click()
    box.fill("")
    box.press_sequentially(q)
    page.wait_for_function(
        "q => { const b = document.querySelector('.rb-search');"
        " return b.dataset.state === 'done' && b.dataset.query === q }",
        arg=q,
        timeout=30000,
    )
    return page.eval_on_selector_all(".rb-search__article", "os => os.map(o => o.dataset.ref)")


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
