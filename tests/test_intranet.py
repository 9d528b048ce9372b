"""Intranet-ready: nothing external, every page clean in a browser, sub-path hosting, offline bundle."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rulebook.devtools.search_eval import header_results, lookup_results

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
OUR_JS = ["rulebook.js", "compare.js", "lookup.js", "search-engine.js", "search-box.js"]


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
    from rulebook.devtools.browser import NOT_LOCAL

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


# Files a careless deployment leaves in the site folder; nginx must never serve them.
PLANTED = {
    ".git/config": "[remote] url = secret",
    ".env": "TOKEN=secret",
    "index.html~": "secret",
    "index.html.bak": "secret",
    ".index.html.swp": "secret",
    "cities/index.html.orig": "secret",
    "cities/zhuzhou/.htpasswd": "secret",
    "index.html#": "secret",  # emacs
    "#index.html#": "secret",
    "index.html.dpkg-old": "secret",
    "cities/index.html.rpmnew": "secret",
    "backup.tar.gz": "secret",
    "site.zip": "secret",
    "data/dump.sql": "secret",
    "site.tmp-4242/index.html": "secret",  # a build's temporary folder (rulebook/build/atomic.py)
    "site.old-4242/data/secret.json": "secret",
}
INJECTED = (
    '<img src="x" onerror="window.__pwned = 1"><script>window.__pwned2 = 1</script>'
    '<style>#rb-pwned { color: rgb(255, 0, 0) }</style><p id="rb-pwned" style="color: rgb(0, 255, 0)">x</p>'
)
# Records every CSP violation a page reports, from before its first script runs.
CSP_RECORDER = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(e.effectiveDirective + ' ' + (e.sample || e.blockedURI)))"
)


@pytest.fixture(scope="module")
def served(built_site, tmp_path_factory):
    """The built site behind real nginx, plus planted secrets and one page with injected inline script."""
    import shutil

    from rulebook.devtools.browser import nginx

    site = tmp_path_factory.mktemp("served") / "site"
    shutil.copytree(built_site, site)
    for rel, text in PLANTED.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    # What a failure of escaping would produce: a real page with markup from data in its body.
    page = (built_site / "cities/zhuzhou/index.html").read_text(encoding="utf-8")
    (site / "cities/injected").mkdir()
    (site / "cities/injected/index.html").write_text(page.replace("<article", INJECTED + "<article", 1), "utf-8")
    with nginx(site, "/rules/") as server:
        yield server


@pytest.fixture(scope="module")
def nginx_url(served):
    return served.url


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, dict(r.headers), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8")


def test_nginx_serves_the_site_under_a_sub_path(nginx_url):
    with urllib.request.urlopen(nginx_url + "cities/zhuzhou/") as r:
        assert r.status == 200
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
    page.context.add_init_script(CSP_RECORDER)
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
    assert page.evaluate("window.__csp") == []
    assert lookup_results(page, nginx_url, "圈阅")[:1] in (["chenzhou/42"], ["ziyang/48"])
    href = page.locator(".rb-lookup-hit a").first.get_attribute("href")
    assert href.startswith("../cities/")
    page.goto(nginx_url + "cities/zhuzhou/")
    assert "chenzhou/42" in header_results(page, "圈阅")
    assert failed == []
    assert browser.blocked == []
    assert page.console_errors == []  # a CSP violation would be reported here


def _policy(headers: dict[str, str]) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in headers["Content-Security-Policy"].split(";") if d.strip()}


def test_the_csp_allows_only_the_inline_scripts_the_build_hashed(built_site, nginx_url):
    from rulebook.build import csp

    conf = (built_site / "csp.conf").read_text(encoding="utf-8")
    status, headers, _ = _get(nginx_url + "cities/zhuzhou/")
    assert status == 200 and headers["Content-Security-Policy"] in conf  # the build's policy, as nginx sends it
    policy = _policy(headers)
    assert "'unsafe-inline'" not in policy["script-src"] and policy["script-src-attr"] == ["'none'"]
    assert policy["style-src"] == ["'self'"]
    # The chart pages too: their SVG is drawn at build time (views/flowchart.py), no library writes styles.
    chart = _policy(_get(nginx_url + "chains/meeting/")[1])
    assert chart["style-src"] == ["'self'"] and chart["script-src"] == policy["script-src"]
    hashes = {h for h in policy["script-src"] if h.startswith("'sha256-")}
    # Every inline script of every page (the theme's, with each page depth's base URL) and nothing else.
    found = {csp.script_hash(t) for p in built_site.rglob("*.html") for t in csp.inline_scripts(p.read_text("utf-8"))}
    assert hashes == found and len(found) >= 2


def test_an_injected_inline_script_and_handler_are_blocked_and_reported(browser, nginx_url):
    page = browser.page()
    page.context.add_init_script(CSP_RECORDER)
    page.goto(nginx_url + "cities/injected/")
    page.wait_for_function("() => window.__csp.length >= 4")
    assert page.evaluate("[window.__pwned, window.__pwned2]") == [None, None]
    violations = page.evaluate("window.__csp")
    assert any(v.startswith("script-src-attr") for v in violations), violations  # onerror=
    assert any(v.startswith("script-src-elem") and "__pwned2" in v for v in violations), violations
    assert {"style-src-elem inline", "style-src-attr inline"} <= set(violations), violations
    assert page.evaluate("getComputedStyle(document.getElementById('rb-pwned')).color") not in (
        "rgb(255, 0, 0)",
        "rgb(0, 255, 0)",
    )
    assert sum("Content Security Policy" in e for e in page.console_errors) >= 2
    # The theme's own (hashed) inline scripts still ran on that page, and the page works.
    assert page.evaluate("typeof __md_get") == "function"
    assert page.locator("#art_44").is_visible()


def test_the_real_pages_cause_no_csp_violation(browser, nginx_url):
    page = browser.page()
    page.context.add_init_script(CSP_RECORDER)
    seen = {}
    for rel in ("", "cities/zhuzhou/", "chains/meeting/", "compare/meetings/?a=chenzhou&b=zhuzhou", "404.html"):
        page.goto(nginx_url + rel)
        if rel.startswith("chains/"):
            page.wait_for_function("() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered)")
            assert page.locator(".rb-chart svg").count() >= 1
        if rel.startswith("cities/"):
            assert page.locator("a[href*='chains/']").count() >= 1  # the city page links to its charts
        if rel.startswith("compare/"):
            page.wait_for_selector(".rb-two-rows[data-rendered]")  # compare.js read its JSON and loaded the diff
            assert page.locator(".rb-two-table ins").count() > 5
        seen[rel or "home"] = page.evaluate("window.__csp")
    assert lookup_results(page, nginx_url, "圈阅")[:1] in (["chenzhou/42"], ["ziyang/48"])
    seen["lookup"] = page.evaluate("window.__csp")
    assert seen == {rel: [] for rel in seen}
    assert page.console_errors == []
    assert browser.blocked == []


def test_nginx_sends_hardening_headers_and_no_version(nginx_url):
    for url in (nginx_url, nginx_url + "assets/rulebook.css", nginx_url + "no-such-page/", nginx_url + ".env"):
        _, headers, body = _get(url)
        assert headers["Referrer-Policy"] == "same-origin", url
        perms = dict(p.strip().split("=") for p in headers["Permissions-Policy"].split(","))
        assert {perms[f] for f in ("camera", "microphone", "geolocation", "payment", "usb")} == {"()"}, url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert "script-src" in headers["Content-Security-Policy"], url
        assert headers["Server"] == "nginx", url  # server_tokens off: no version
        assert not re.search(r"nginx/\d", body), url


def test_nginx_never_serves_dotfiles_backups_or_its_own_include(built_site, served, nginx_url):
    import urllib.parse

    assert all((served.site / rel).is_file() for rel in PLANTED)  # they are there to be served
    urls = [urllib.parse.quote(rel) for rel in PLANTED]
    urls += ["%2eenv", ".git/", "cities/zhuzhou/index.html~", "csp.conf", "site.tmp-4242/", "index.html%23"]
    results = {rel: _get(nginx_url + rel) for rel in urls}
    assert {rel: r[0] for rel, r in results.items()} == dict.fromkeys(urls, 404)
    assert not any("secret" in r[2] or "add_header" in r[2] for r in results.values())
    own = re.search(r"<title>(.*?)</title>", (built_site / "404.html").read_text("utf-8")).group(1)
    assert all(f"<title>{own}</title>" in r[2] for r in results.values())  # the site's own 404 page
    assert _get(nginx_url + "cities/zhuzhou/index.html")[0] == 200
    with urllib.request.urlopen(nginx_url + "sitemap.xml.gz") as r:  # the site's own archive is served
        assert r.status == 200 and r.read()[:2] == b"\x1f\x8b"


def test_a_folder_without_an_index_answers_the_sites_404_page_not_nginxs_403(built_site, served, nginx_url):
    own = re.search(r"<title>(.*?)</title>", (built_site / "404.html").read_text("utf-8")).group(1)
    folders = [
        p for p in ("assets/", "assets/vendor/", "data/topics/") if not (served.site / p / "index.html").exists()
    ]
    assert folders
    for rel in folders:
        status, _, body = _get(nginx_url + rel)
        assert status == 404 and f"<title>{own}</title>" in body and "403" not in body, rel


def test_errors_and_everything_outside_the_prefix_get_the_sites_404_page(built_site, served, nginx_url):
    own = re.search(r"<title>(.*?)</title>", (built_site / "404.html").read_text("utf-8")).group(1)
    origin = nginx_url.removesuffix("/rules/")
    for url in (
        nginx_url + "no-such-page/",
        nginx_url + "cities/nowhere",
        origin + "/",
        origin + "/other",
        origin + "/rulesx",
    ):
        status, _, body = _get(url)
        assert status == 404, url
        assert f"<title>{own}</title>" in body and "Welcome to nginx" not in body, url
        # MkDocs writes the page with root-absolute links; nginx points them into the prefix.
        assert 'href="/rules/assets/stylesheets/' in body and 'href="/assets/' not in body, url


def test_the_404_page_is_styled_and_works_in_a_browser(browser, nginx_url):
    page = browser.page()
    page.context.add_init_script(CSP_RECORDER)
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.goto(nginx_url + "cities/nowhere/")
    assert failed == [f"404 {nginx_url}cities/nowhere/"]  # the page itself; every asset it loads is found
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    # the pruned nav shows provinces; 城市一览 lists every city
    page.click(".md-nav >> text=城市一览")
    page.wait_for_load_state()
    assert page.url == nginx_url + "cities/"
    page.click(".md-content >> text=株洲市")
    page.wait_for_load_state()
    assert page.url == nginx_url + "cities/zhuzhou/"
    assert page.evaluate("window.__csp") == []


def _keep_alive_load(base: str, paths: list[str], clients: int, seconds: float) -> dict[str, object]:
    """`clients` keep-alive HTTP/1.1 connections, each asking for `paths` in turn for `seconds`: the
    requests answered, the errors (resets, refusals, a status other than 200) and the p99 latency. A
    connection the server closes politely (Connection: close) is opened again, as a browser does."""
    import http.client
    import threading
    import time
    import urllib.parse

    url = urllib.parse.urlsplit(base)
    start = threading.Barrier(clients + 1)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    stop = [0.0]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        mine: list[float] = []
        start.wait()
        k = i
        while time.monotonic() < stop[0]:
            path = url.path + paths[k % len(paths)]
            k += 1
            t = time.monotonic()
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    with lock:
                        errors.append(f"{r.status} {path}")
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    errors.append(f"{type(e).__name__} {path}")
                conn.close()
                continue
            mine.append(time.monotonic() - t)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    stop[0] = time.monotonic() + seconds
    start.wait()
    for t in threads:
        t.join()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)] if latencies else float("inf")
    return {"requests": len(latencies), "errors": errors, "p99": p99}


@pytest.mark.slow
def test_nginx_holds_a_hundred_keep_alive_clients(served, nginx_url):
    """Issue 30.4: 100 concurrent keep-alive clients (about 17 readers: a browser opens up to 6
    connections) for 10 s, no reset and no error (worker_connections 64 reset ~2.5% of requests)."""
    paths = ["", "cities/zhuzhou/", "assets/rulebook.css", "assets/basket.js", "lookup/terms/meta.js", "compare/"]
    result = _keep_alive_load(nginx_url, paths, clients=100, seconds=10)
    errors = result["errors"]
    assert errors == [], f"{len(errors)} errors of {result['requests']} requests, e.g. {errors[:5]}"
    assert result["requests"] > 1000
    print(f"keep-alive load: {result['requests']} requests, p99 {result['p99'] * 1000:.0f} ms")


def test_nginx_workers_do_not_run_as_root(served):
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            status = (stat.parent / "status").read_text()
        except OSError:
            continue  # a process that just ended
        if int(fields[1]) == served.pid:  # its parent is the nginx master
            workers.append(int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1)))
    assert len(workers) >= 1
    assert 0 not in workers


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
    # No server, so no CSP header: the build writes no nginx include into the bundle.
    assert not (offline_dir / "csp.conf").exists()
    page.goto((offline_dir / "chains/meeting.html").as_uri())
    page.wait_for_function("() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered === '1')")
    # 两市对照 loads diff-match-patch from disk and links each side to a .html city page
    page.goto((offline_dir / "compare/meetings.html").as_uri() + "?a=chenzhou&b=zhuzhou")
    page.wait_for_selector(".rb-two-rows[data-rendered='chenzhou/zhuzhou']")
    assert page.locator(".rb-two-table ins").count() > 5
    assert "../cities/zhuzhou.html#art_44" in page.eval_on_selector_all(
        ".rb-two-table a.rb-two-link", "as => as.map(a => a.getAttribute('href'))"
    )
    assert browser.blocked == []
    assert page.console_errors == []
