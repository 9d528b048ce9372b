"""Intranet-ready: nothing external, every page clean in a browser, sub-path hosting, offline bundle."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from search_eval import header_results, lookup_results

pytestmark = pytest.mark.build

# Attributes and CSS through which a browser would load something.
HTML_LOADS = [
    re.compile(r"<(?:script|img|iframe|source|audio|video|embed|input)\b[^>]*?\ssrc=\"([^\"]+)\"", re.I),
    re.compile(
        r"<link\b(?=[^>]*\brel=\"?(?:stylesheet|icon|preload|modulepreload|manifest|prefetch|preconnect)"
        r"[^>]*)[^>]*\bhref=\"([^\"]+)\"",
        re.I,
    ),
    re.compile(r"\bsrcset=\"([^\"]+)\"", re.I),
    re.compile(r"url\(\s*['\"]?([^'\")]+)", re.I),
]
CSS_LOADS = [re.compile(r"url\(\s*['\"]?([^'\")]+)", re.I), re.compile(r"@import\s+['\"]([^'\"]+)", re.I)]
OUR_JS = ["rulebook.js", "compare.js", "chains.js", "lookup.js", "search-engine.js", "search-box.js"]


def _external(url: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url.strip(), re.I)) and not url.startswith("data:")


def test_built_files_reference_nothing_external(built_site):
    bad = []
    for path in built_site.rglob("*"):
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            pats = HTML_LOADS
        elif path.suffix == ".css":
            text, pats = path.read_text(encoding="utf-8"), CSS_LOADS
        elif path.suffix == ".js" and path.name in OUR_JS:
            bad += [f"{path}: {u}" for u in re.findall(r"https?://[^\s\"')]+", path.read_text(encoding="utf-8"))]
            continue
        else:
            continue
        for pat in pats:
            bad += [f"{path.relative_to(built_site)}: {u}" for u in pat.findall(text) if _external(u)]
    assert bad == []


def _pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site).parent).replace(".", "") for p in site.rglob("index.html"))


def test_every_page_loads_with_no_external_request_and_no_console_error(browser, built_site, site_url):
    page = browser.page()
    visited = 0
    for rel in _pages(built_site):
        url = site_url + (rel + "/" if rel else "")
        page.goto(url)
        if rel.startswith("chains/"):
            page.wait_for_function("() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered)")
        if rel == "lookup":
            page.wait_for_selector(".rb-lookup[data-state=ready]")
        visited += 1
    assert visited >= 25
    assert browser.blocked == []
    assert page.console_errors == []


def test_the_test_browser_blocks_and_records_external_requests(browser, site_url):
    """The guard the tests above rely on: a request off this machine is aborted and recorded."""
    page = browser.page()
    page.goto(site_url)
    before = len(browser.blocked)
    failed = page.evaluate("() => fetch('http://rulebook-external.example/x.js').then(() => false, () => true)")
    assert failed and browser.blocked[before:] == ["http://rulebook-external.example/x.js"]
    assert page.evaluate("() => fetch(location.href).then(r => r.ok)")  # localhost passes untouched
    del browser.blocked[before:]  # keep the session's record clean for the other tests


def test_the_blocker_pattern_lets_only_this_machine_through():
    from browser import NOT_LOCAL

    local = ["http://127.0.0.1:8000/x.js", "http://localhost/", "http://127.0.0.1", "file:///tmp/a", "data:,x"]
    external = [
        "https://127.0.0.1.example.com/",
        "http://localhost.example.com/",
        "http://localhost:1@example.com/",
        "https://unpkg.com/x.js",
        "//example.com/x",
    ]
    assert [bool(NOT_LOCAL.search(u)) for u in local] == [False] * len(local)
    assert [bool(NOT_LOCAL.search(u)) for u in external] == [True] * len(external)


# --- hosting under a sub-path with a real nginx --------------------------------------------


def test_nginx_serves_the_site_under_a_sub_path(nginx_url):
    with urllib.request.urlopen(nginx_url + "cities/zhuzhou/") as r:
        assert r.status == 200
        assert "default-src 'self'" in r.headers["Content-Security-Policy"]
        assert "第四十四条" in r.read().decode("utf-8")
    req = urllib.request.Request(nginx_url + "lookup/terms/meta.js", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req) as r:
        assert r.headers["Content-Encoding"] == "gzip"
    with urllib.request.urlopen(nginx_url + "assets/rulebook.css") as r:
        assert "max-age=3600" in r.headers["Cache-Control"]
    # Index files keep their names across rebuilds with new contents: never served from a stale cache.
    for path in ("lookup/meta.js", "lookup/terms/meta.js", "lookup/terms/0.js", "lookup/docs/0.js"):
        with urllib.request.urlopen(nginx_url + path) as r:
            assert r.headers["Cache-Control"] == "no-cache", path


def test_pages_assets_search_and_anchors_work_under_the_sub_path(browser, nginx_url):
    page = browser.page()
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.goto(nginx_url)
    page.click("text=株洲市")
    page.wait_for_load_state()
    assert page.url.startswith(nginx_url + "cities/zhuzhou")
    page.goto(nginx_url + "cities/zhuzhou/#art_44")
    assert page.locator("#art_44").is_visible()
    page.goto(nginx_url + "chains/meeting/")
    page.wait_for_function("() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered === '1')")
    assert lookup_results(page, nginx_url, "圈阅")[:1] in (["chenzhou/42"], ["ziyang/48"])
    href = page.locator(".rb-lookup-hit a").first.get_attribute("href")
    assert href.startswith("../cities/")
    page.goto(nginx_url + "cities/zhuzhou/")
    assert "chenzhou/42" in header_results(page, "圈阅")
    assert failed == []
    assert browser.blocked == []
    assert page.console_errors == []  # a CSP violation would be reported here


# --- the offline bundle ---------------------------------------------------------------------


def test_offline_bundle_works_from_disk(browser, offline_dir):
    page = browser.page()
    home = (offline_dir / "index.html").as_uri()
    page.goto(home)
    page.click("text=株洲市")
    page.wait_for_load_state()
    assert page.url.endswith("cities/zhuzhou.html")
    assert page.locator("#art_44").is_visible()
    page.goto((offline_dir / "lookup/index.html").as_uri() + "?kw=%E5%9C%88%E9%98%85")
    page.wait_for_selector(".rb-lookup[data-state=done]")
    hits = page.eval_on_selector_all(".rb-lookup-hit", "hs => hs.map(h => h.dataset.ref)")
    assert "chenzhou/42" in hits
    first = page.locator(".rb-lookup-hit a").first.get_attribute("href")
    assert re.search(r"\.html\?hl=[^#]*#art_42$", first) or hits[0] != "chenzhou/42"
    # The term index (used at scale) from disk too: buckets and document chunks load as scripts.
    page.goto((offline_dir / "lookup/index.html").as_uri() + "?kw=%E5%9C%88%E9%98%85&engine=terms")
    page.wait_for_selector(".rb-lookup[data-state=done]")
    assert "chenzhou/42" in page.eval_on_selector_all(".rb-lookup-hit", "hs => hs.map(h => h.dataset.ref)")
    assert page.locator(".rb-lookup-hit mark").count() > 0
    assert all(
        re.search(r"\.html\?hl=[^#]*#art_\d+$", h)
        for h in page.eval_on_selector_all(".rb-lookup-hit a", "as => as.map(a => a.getAttribute('href'))")
    )
    page.goto(home)
    assert "chenzhou/42" in header_results(page, "圈阅")
    page.goto((offline_dir / "chains/meeting.html").as_uri())
    page.wait_for_function("() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered === '1')")
    assert browser.blocked == []
    assert page.console_errors == []
