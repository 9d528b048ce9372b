"""A navigation that scales (issue 20, item 1): cities by province, the sidebar pruned to the current
branch, and 城市一览 (cities/) the one page listing every city, with a filter box. Built once at
5 real + 20 synthetic cities, compared with the session's 5-city site."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import copy_project, mkdocs_build

from rulebook.data.load import Rulebook, load_rulebook
from rulebook.devtools.synthetic import make_synthetic

FIXTURE_MARKS = {"big": "build"}  # conftest marks the tests on the 25-city build
SYNTHETIC = 20


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    project = copy_project(tmp_path_factory.mktemp("navscale") / "project")
    make_synthetic(project, SYNTHETIC)
    out = project.parent / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"site": out, "book": load_rulebook(project)}


def _sidebar(html: str) -> str:
    """The primary navigation (everything of the left sidebar)."""
    start = html.index('<nav class="md-nav md-nav--primary"')
    return html[start : html.index("md-sidebar--secondary", start)]


def _nav_cities(html: str, url: str) -> set[str]:
    """The cities the sidebar of the page at `url` (relative to the root) links to."""
    targets = (urljoin("http://site/" + url, h) for h in re.findall(r'href="([^"#]*)', _sidebar(html)))
    return {m.group(1) for t in targets if (m := re.fullmatch(r"http://site/cities/([a-z0-9]+)/", t))}


def test_a_city_page_nav_holds_only_its_own_provinces_cities(big):
    site, book = big["site"], big["book"]
    assert len(book.cities) == 5 + SYNTHETIC
    provinces = {c.province for c in book.cities.values()}
    for slug in ["zhuzhou", "jixi", "syn007"]:
        html = (site / f"cities/{slug}/index.html").read_text(encoding="utf-8")
        own = book.city(slug).province
        peers = {c.id for c in book.cities.values() if c.province == own}
        # Pruned: links to cities of other provinces are gone (Material links a closed province to
        # its first city, hence the one extra link per other province at most).
        listed = _nav_cities(html, f"cities/{slug}/")
        assert peers <= listed, (slug, peers - listed)
        others = listed - peers
        assert len(others) <= len(provinces) - 1, (slug, others)
        nav = _sidebar(html)
        for p in provinces:  # every province is one click away
            assert p in nav
        assert "城市一览" in nav


def test_the_cities_index_lists_every_city_by_province(big):
    site, book = big["site"], big["book"]
    html = (site / "cities/index.html").read_text(encoding="utf-8")
    body = html[html.index('class="rb-city-total"') :]
    for c in book.cities.values():
        assert f'href="../cities/{c.id}/">{c.name}</a>' in body
    for p in {c.province for c in book.cities.values()}:
        n = sum(c.province == p for c in book.cities.values())
        assert f"{p}（{n} 个：" in body
    # Without JS the filter form stays hidden: the page is the plain list.
    assert re.search(r'<form class="rb-city-filter"[^>]*hidden', html)


def test_home_and_compare_list_provinces_with_counts(big):
    site, book = big["site"], big["book"]
    home = (site / "index.html").read_text(encoding="utf-8")
    compare = (site / "compare/index.html").read_text(encoding="utf-8")
    for p in {c.province for c in book.cities.values()}:
        n = sum(c.province == p for c in book.cities.values())
        for html in (home, compare):
            row = re.search(r'<th scope="row"><a href="[^"]*cities/#prov_\d+">' + p + r"</a></th><td>(\d+)</td>", html)
            assert row and int(row.group(1)) == n, p


def _provinces(book: Rulebook, province: str | None = None) -> int:
    """The number of provinces, or with `province`, of that province's cities."""
    if province:
        return sum(c.province == province for c in book.cities.values())
    return len({c.province for c in book.cities.values()})


def test_page_html_does_not_grow_with_the_corpus(big, built_site: Path):
    """The same pages at 5 and 25 cities: the sidebar grows by the new provinces and the page's own
    new peers only (an unpruned nav would add all 20 cities to every page)."""
    small_book, book = load_rulebook(Path(__file__).resolve().parent.parent), big["book"]
    new_provinces = _provinces(book) - _provinces(small_book)
    for page, slug in [
        ("about/index.html", None),
        ("cities/jixi/index.html", "jixi"),
        ("cities/zhuzhou/index.html", "zhuzhou"),
    ]:
        small = (built_site / page).read_text(encoding="utf-8")
        large = (big["site"] / page).read_text(encoding="utf-8")
        own = book.city(slug).province if slug else None
        new_peers = _provinces(book, own) - _provinces(small_book, own) if own else 0
        before, after = len(_sidebar(small).encode()), len(_sidebar(large).encode())
        print(
            f"\n{page}: sidebar {before} -> {after} B, page {len(small.encode())} -> {len(large.encode())} B"
            f" ({new_provinces} provinces, {new_peers} own-province cities added)"
        )
        # One nav entry is ~450-550 B here; allow 700 B for each entry added, far from one per added city.
        assert after - before <= 700 * (new_provinces + new_peers), (page, before, after)
        assert after - before < 450 * SYNTHETIC


def test_the_filter_box_narrows_the_list_in_a_browser(big, browser, tmp_path):
    from rulebook.devtools.browser import serve

    book = big["book"]
    with serve(big["site"]) as url:
        page = browser.page()
        page.goto(url + "cities/")
        box = page.locator("#rb-city-q")
        assert box.is_visible()
        rows = page.locator(".rb-city-row:visible")
        assert rows.count() == len(book.cities)
        box.press_sequentially("湖南")
        hunan = [c for c in book.cities.values() if c.province == "湖南省"]
        assert rows.count() == len(hunan)
        assert page.locator(".rb-province:visible").count() == 1
        assert page.locator(".rb-city-count").text_content() == f"显示 {len(hunan)} / {len(book.cities)} 个城市"
        page.screenshot(path=str(tmp_path / "filter-hunan.png"), full_page=True)
        box.fill("")
        box.press_sequentially("合成007")  # typing, then Enter opens the one city left
        assert rows.count() == 1
        box.press("Enter")
        page.wait_for_url("**/cities/syn007/")
        assert page.locator("h1").first.text_content().startswith("合成007市")
        box = page.goto(url + "cities/") and page.locator("#rb-city-q")
        box.fill("没有这个城市")
        assert rows.count() == 0 and page.locator(".rb-city-none").is_visible()
        assert page.console_errors == [] and browser.blocked == []


def test_a_large_province_is_cut_into_runs_named_by_first_and_last(book, monkeypatch):
    """A province of more than NAV_GROUP_MAX cities (a national corpus) becomes runs of that many, so the
    pruned sidebar never lists a whole province."""
    from rulebook.build import pages

    monkeypatch.setattr(pages, "NAV_GROUP_MAX", 1)
    section = next(e for e in pages.nav(book) if isinstance(e, dict) and "各市工作规则" in e)["各市工作规则"]
    hunan = next(e["湖南省"] for e in section if isinstance(e, dict) and "湖南省" in e)
    hn = [c for c in book.ordered_cities() if c.province == "湖南省"]
    assert len(hn) == 2
    assert hunan == [{f"{c.name} — {c.name}": [{c.name: f"cities/{c.id}.md"}]} for c in hn]
    monkeypatch.setattr(pages, "NAV_GROUP_MAX", 30)
    section = next(e for e in pages.nav(book) if isinstance(e, dict) and "各市工作规则" in e)["各市工作规则"]
    assert next(e["湖南省"] for e in section if isinstance(e, dict) and "湖南省" in e) == [
        {c.name: f"cities/{c.id}.md"} for c in hn
    ]
