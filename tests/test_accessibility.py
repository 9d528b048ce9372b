"""axe-core (pinned, from the npm registry): no serious or critical violations on every page in the light
scheme, and in the dark scheme on one page of each kind plus every city page (the dark palette changes
colours only, which are set per template; city pages differ most by their data: notes, 校勘记, charts)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.build
AXE = ROOT / "node_modules/axe-core/axe.min.js"


def _pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site).parent).replace(".", "") for p in site.rglob("index.html"))


def _one_of_each_kind(pages: list[str]) -> list[str]:
    """Every page of its own template (a top-level page, a section's index) and the first of each folder
    of like pages (compare/<topic>/, chains/<kind>/), city pages all."""
    seen, out = set(), []
    for rel in pages:
        kind = rel.rsplit("/", 1)[0] + "/" if "/" in rel else rel  # "compare/" (a topic) is not "compare"
        if rel.startswith("cities/") or kind not in seen:
            out.append(rel)
        seen.add(kind)
    return out


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violations(browser, built_site, site_url, scheme):
    page = browser.page()
    page.emulate_media(color_scheme=scheme)  # the palette follows prefers-color-scheme on a first visit
    script = AXE.read_text(encoding="utf-8")
    problems, checked = [], 0
    pages = _pages(built_site)
    if scheme == "dark":
        pages = _one_of_each_kind(pages)
        kinds = {rel.split("/")[0] + ("/" if "/" in rel else "") for rel in pages}
        assert {"compare/", "chains/", "drafting/", "check", "lookup"} <= kinds and "cities/jixi" in pages
    for rel in pages:
        page.goto(site_url + (rel + "/" if rel else ""))
        if rel.startswith("chains/"):
            page.wait_for_function("() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered)")
        if rel == "lookup":
            page.wait_for_selector(".rb-lookup[data-state=ready]")
        if rel.startswith("compare/"):
            page.wait_for_selector(".rb-two-rows[data-rendered]")  # 两市对照's table, diff marks included
        if rel == "check":  # the results too, not only the empty form
            page.fill("#rb-check-text", page.evaluate("rbCheck.draftText(rbCheckCorpus, 'jixi')"))
            page.click(".rb-check-run")
            page.wait_for_selector(".rb-check-article")
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("() => document.body.dataset.mdColorScheme") == expected, rel
        page.add_script_tag(content=script)  # injected inline: no request leaves the page
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        checked += 1
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                problems.append(f"{rel or '/'}: {v['id']} ({len(v['nodes'])}×) {v['nodes'][0]['html'][:120]}")
    assert checked >= (25 if scheme == "light" else 15)
    assert problems == []


def test_pages_are_chinese_and_tables_have_captions_and_scopes(built_site):
    for path in built_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        if "<html" not in html:
            continue
        assert re.search(r'<html[^>]*\blang="zh', html), path
        content = html[html.find('<article class="md-content__inner') :]
        for table in re.findall(r"<table\b.*?</table>", content, re.S):
            assert "<caption>" in table, (path, table[:200])
            for th in re.findall(r"<th\b[^>]*>", table):
                assert "scope=" in th, (path, th)
