"""The Content-Security-Policy builder (rulebook/build/csp.py): which inline scripts are hashed, what is flagged."""

from __future__ import annotations

import pytest

from rulebook.build import csp

# MDN's example: the hash a browser expects for this exact inline script text.
MDN_SCRIPT = "alert('Hello, world.');"
MDN_HASH = "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"


def test_script_hash_is_the_browsers():
    assert csp.script_hash(MDN_SCRIPT) == MDN_HASH
    assert csp.script_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def test_only_executable_inline_scripts_are_collected_with_their_exact_text():
    html = (
        f"<html><head><script>{MDN_SCRIPT}</script>"
        '<script src="a.js"></script>'
        '<script type="application/json" id="__config">{"a": "</b>"}</script>'
        '<script type="module">\n  import x from "./x.js";\n</script>'
        '<SCRIPT TYPE="text/javascript">var a = "&amp;<b>";</SCRIPT>'
        "</head><body><p>&lt;script&gt;not a script&lt;/script&gt;</p></body></html>"
    )
    assert csp.inline_scripts(html) == [MDN_SCRIPT, '\n  import x from "./x.js";\n', 'var a = "&amp;<b>";']


def test_inline_handlers_are_reported_but_escaped_text_is_not():
    html = (
        '<img src="x" onerror="alert(1)"><a href=" JavaScript:alert(1)">x</a>'
        "<p>&lt;img src=x onerror=alert(1)&gt;</p><a href=\"../x/\" title='onclick'>ok</a>"
    )
    assert csp.scan(html)[1] == [csp.InlineHandler("img", "onerror"), csp.InlineHandler("a", "href")]
    # Spellings a browser accepts: no space after a quote, `/` as a separator, upper case, SVG links.
    tricky = (
        '<a href="x"onclick="y">z</a><img/onerror=alert(1)><IMG SRC=x ONLOAD=\'y\'><svg><a xlink:href="javascript:x">'
    )
    assert [h.attr for h in csp.scan(tricky)[1]] == ["onclick", "onerror", "onload", "xlink:href"]
    # Not handlers: text, and attribute values that merely mention one.
    assert csp.scan('<p title="a onclick=b">onclick=x</p><!-- <img onerror=x> -->')[1] == []


def test_the_scanner_stays_linear_on_unclosed_markup():
    import time

    start = time.perf_counter()
    for text in ["<a " + "b" * 50_000, '<a x="' + "y " * 50_000, "<a onclick=1 " + "b c" * 50_000 + ">"]:
        csp.scan(text)
    assert time.perf_counter() - start < 10  # ~0.3 s; quadratic backtracking would take minutes


def test_policy_allows_inline_scripts_only_by_hash():
    header = csp.policy([MDN_HASH, MDN_HASH, "'sha256-AAAA'"])
    directives = dict(d.split(" ", 1) for d in header.split("; "))
    assert directives["script-src"] == f"'self' 'report-sample' 'sha256-AAAA' {MDN_HASH}"
    assert directives["script-src-attr"] == "'none'"
    assert "'unsafe-inline'" not in directives["script-src"] and "unsafe-eval" not in header
    assert directives["object-src"] == "'none'" and directives["default-src"] == "'self'"


def test_no_page_allows_inline_styles():
    assert "style-src 'self';" in csp.policy([]) and "unsafe-inline" not in csp.policy(["'sha256-AAAA'"])


def _site(tmp_path):
    for rel, text in {
        "index.html": f"<script>{MDN_SCRIPT}</script>",
        "a/index.html": '<script>x()</script><button onclick="go()">',
        "chains/meeting/index.html": '<script src="../../assets/vendor/lib.min.js"></script><script>x()</script>',
        "chains/print.html": "<script src='../assets/vendor/lib.js'></script>",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return csp.site_policy(tmp_path)


def test_site_policy_hashes_every_page_and_names_pages_with_handlers(tmp_path):
    site = _site(tmp_path)
    assert site.hashes == {MDN_HASH, csp.script_hash("x()")}
    assert len(site.problems) == 1 and site.problems[0].startswith("a/index.html: <button onclick=…>")


def test_the_nginx_include_maps_each_uri_to_its_policy(tmp_path):
    site = _site(tmp_path)
    lines = [line for line in csp.nginx_include(site).splitlines() if not line.startswith("#")]
    assert lines == ["map $uri $rulebook_csp {", f'    default "{site.header()}";', "}"]


def test_the_nginx_include_refuses_to_write_broken_config():
    with pytest.raises(ValueError):
        csp.nginx_include(csp.SitePolicy(frozenset(["'sha256-\"; }'"]), ()))


def test_the_memoised_scan_equals_a_fresh_one_and_sees_a_rewritten_page(tmp_path):
    # Incremental builds keep each page's findings by its inode, size and mtime (pages hard-linked from
    # the previous site are not read again); a page MkDocs wrote anew is a new file and is scanned.
    site_dir, memo = tmp_path / "site", tmp_path / "csp-scan.json"
    site_dir.mkdir()
    fresh = _site(site_dir)
    assert csp.site_policy(site_dir, memo=memo) == fresh
    assert csp.site_policy(site_dir, memo=memo) == fresh  # from the memo
    page = site_dir / "index.html"
    page.unlink()  # as MkDocs would write it: a new file
    page.write_text('<script>y()</script><img src=x onerror="z()">', encoding="utf-8")
    again = csp.site_policy(site_dir, memo=memo)
    assert again == csp.site_policy(site_dir)
    assert csp.script_hash("y()") in again.hashes and MDN_HASH not in again.hashes
    assert any(p.startswith("index.html: <img onerror=") for p in again.problems)


def test_the_forked_scan_equals_a_serial_one(tmp_path, monkeypatch):
    monkeypatch.setattr(csp, "FORK_MIN_PAGES", 8)  # fork at this test's size
    # scripts/build.py's builds scan pages on every core (parallel.map_forked): same policy, memo too.
    site_dir, memo = tmp_path / "site", tmp_path / "csp-scan.json"
    site_dir.mkdir()
    _site(site_dir)
    for i in range(30):
        page = site_dir / f"p{i}" / "index.html"
        page.parent.mkdir()
        page.write_text(f"<script>f({i})</script><a onclick='g({i % 2})'>", encoding="utf-8")
    serial = csp.site_policy(site_dir)
    assert csp.site_policy(site_dir, forks=True) == serial
    assert csp.site_policy(site_dir, memo=memo, forks=True) == serial  # memo written from the forked scan
    assert csp.site_policy(site_dir, memo=memo) == serial  # and read back
    assert len(serial.hashes) == 32 and len(serial.problems) == 31
