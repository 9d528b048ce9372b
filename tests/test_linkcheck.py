"""No dead links: the whole-site link checker, on tiny seeded sites and on the session build."""

from __future__ import annotations

from rulebook.devtools.linkcheck import check_site
from rulebook.views import render
from rulebook.views.links import Links


def _site(tmp_path, pages: dict[str, str]):
    for name, html in pages.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    return tmp_path


def test_a_missing_file_and_a_missing_anchor_are_named(tmp_path):
    site = _site(
        tmp_path,
        {
            "index.html": '<a href="cities/x/#art_2">ok</a><a href="cities/x/#art_9">gone</a>'
            '<img src="assets/logo.png"><a href="https://example.org/">external</a><a href="#top">self</a>',
            "cities/x/index.html": '<h2 id="art_2">第二条</h2><a href="../../index.html#top">up</a>',
        },
    )
    assert check_site(site) == [
        "cities/x/index.html: ../../index.html#top: no id 'top' in index.html",
        "index.html: cities/x/#art_9: no id 'art_9' in cities/x/index.html",
        "index.html: assets/logo.png: no such file in the built site",
        "index.html: #top: no id 'top' in index.html",
    ]


def test_a_good_site_has_no_errors(tmp_path):
    site = _site(
        tmp_path,
        {
            "index.html": '<a id="top" href="cities/x/#art_2">条</a><a href="cities/x/">市</a><a href="#top">^</a>',
            "cities/x/index.html": '<h2 id="art_2">第二条</h2><a href="../../%E4%B8%8B.txt">下</a>',
            "下.txt": "x",
        },
    )
    assert check_site(site) == []


def test_the_plain_build_has_no_dead_link(built_site, book):
    # the session build prints no PDFs, so no page may link one
    assert check_site(built_site) == []
    for slug in book.cities:
        assert "downloads/" not in (built_site / "cities" / slug / "index.html").read_text(encoding="utf-8")
    assert "rulebook.pdf" not in (built_site / "index.html").read_text(encoding="utf-8")


def test_pdf_lines_only_when_asked():
    links = Links("../../", True)
    assert render.city_pdf_link("jixi", links) == (
        '\n<p class="rb-downloads">打印版：<a href="../../downloads/jixi.pdf">本市 PDF</a></p>'
    )
    root = Links("", True)
    assert "rulebook.pdf" not in render.home_downloads(False, root)
    assert (
        render.home_downloads(False, root)
        == "下载：[比较数据 CSV](data/comparisons.csv) · [比较数据 JSON](data/comparisons.json)"
    )
    assert '<a href="downloads/rulebook.pdf">全书 PDF</a>' in render.home_downloads(True, root)
