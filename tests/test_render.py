"""Page generators, tested as pure functions (no MkDocs)."""

from __future__ import annotations

import re

import pytest
from conftest import SLUGS

from rulebook.model.schema import City
from rulebook.views import rawblock, render
from rulebook.views.links import Links


def _evil_city(book) -> City:
    data = book.city("zhuzhou").model_dump(mode="json")
    para = data["chapters"][0]["articles"][0]["paragraphs"][0]
    para["text"] = "<script>alert(1)</script>{{ x }}{% if %}*强调* [链接](http://x) | 竖线"
    data["chapters"][0]["title"] = "<b>总则</b> {{ y }}"
    return City.model_validate(data)


def test_city_page_escapes_data_text(book):
    out = render.city_page(_evil_city(book))
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ x }}{% if %}" in out
    assert "&lt;b&gt;总则&lt;/b&gt; \\{\\{ y \\}\\}" in out


@pytest.mark.parametrize("slug", SLUGS)
def test_one_anchor_per_article(book, slug):
    city = book.city(slug)
    out = render.city_page(city)
    ids = re.findall(r'id="(art_\d+)"', out)
    assert ids == [a.anchor for a in city.articles()]


@pytest.mark.parametrize("slug", SLUGS)
def test_chapter_anchors(book, slug):
    city = book.city(slug)
    out = render.city_page(city)
    assert re.findall(r"\{#(chp_\d+)\}", out) == [c.anchor for c in city.chapters]


def test_citation_format(book):
    zz = book.city("zhuzhou")
    assert render.citation(zz, zz.article(44)) == "《株洲市人民政府工作规则》（株政发〔2022〕1号）第四十四条"
    ly = book.city("liyang")
    assert render.citation(ly, ly.article(48)) == "《溧阳市人民政府工作规则》第四十八条"


def test_items_render_as_a_list(book):
    out = render.city_page(book.city("chenzhou"))
    block = out[out.index('id="art_34"') : out.index('id="art_35"')]
    assert block.count("<li>") == 5 and '<ol class="rb-items">' in block


def test_truncation_notice_only_where_truncated(book):
    assert "原文缺失" in render.city_page(book.city("zhuzhou"))
    assert "rb-truncated" not in render.city_page(book.city("ziyang"))


def test_corrections_table_lists_every_correction(book):
    city = book.city("chenzhou")
    out = render.city_page(city)
    table = out[out.index("rb-corr-table") :]
    assert table.count("<tr") - 1 == len(city.corrections)


def test_cities_index_links_every_city(book):
    cities = list(book.cities.values())
    out = render.cities_index(book.ordered_cities(), Links(prefix="", directory_urls=True))
    for c in cities:
        assert f'<a href="cities/{c.id}/">{c.name}</a>' in out
    offline = render.cities_index(book.ordered_cities(), Links(prefix="", directory_urls=False))
    assert '<a href="cities/zhuzhou.html">' in offline
    assert "原文缺失" in out  # 株洲


def test_md_text_escapes_markdown_and_html():
    assert render.md_text("a*b_c<d>|{x}") == r"a\*b\_c&lt;d&gt;\|\{x\}"


def test_markdown_tables_get_caption_and_scopes():
    html = (
        '<h2 id="x">构建¶</h2><table>\n<thead>\n<tr>\n<th>城市</th>\n<th>时间</th>\n</tr>\n</thead>'
        "<tbody><tr><td>5</td></tr></tbody></table>"
    )
    out = render.accessible_tables(html)
    assert "<table><caption>构建</caption>" in out
    assert out.count('<th scope="col">') == 2
    done = '<table>\n<caption>已有</caption><thead><tr><th scope="col">a</th></tr></thead></table>'
    assert render.accessible_tables(done) == done


def _markdown(text: str, raw_blocks: bool) -> str:
    import markdown

    from rulebook.views.rawblock import RawBlockExtension

    extensions = ["attr_list", "tables", "toc"] + ([RawBlockExtension()] if raw_blocks else [])
    return markdown.markdown(text, extensions=extensions)


@pytest.mark.parametrize("slug", SLUGS)
def test_fenced_html_blocks_render_as_markdown_would(book, slug):
    """The raw-block shortcut (no HTML parsing) gives the same page as Markdown's own HTML-block handling."""
    page = render.city_page(book.city(slug))
    fast, slow = _markdown(page, True), _markdown(page, False)
    assert rawblock.OPEN not in fast and 'id="art_1"' in fast
    slow_lines = [x for x in slow.splitlines() if x.strip() and "rb:raw" not in x]
    assert [x for x in fast.splitlines() if x.strip()] == slow_lines


def test_data_text_cannot_close_a_fence(book):
    data = book.city("zhuzhou").model_dump(mode="json")
    data["chapters"][0]["articles"][0]["paragraphs"][0]["text"] = rawblock.CLOSE
    html = _markdown(render.city_page(City.model_validate(data)), True)
    assert "<p>&lt;!--/rb:raw--&gt;</p>" in html
    assert html.count('class="rb-article') == 50


def test_unclosed_fence_keeps_its_text():
    html = _markdown(f"{rawblock.OPEN}\n<div>kept</div>", True)
    assert "kept" in html


def test_an_unclosed_fence_before_another_is_given_back():
    page = [rawblock.OPEN, "<div>first</div>", "", "## 标题", "", rawblock.OPEN, "<div>x</div>", rawblock.CLOSE]
    html = _markdown("\n".join(page), True)
    assert "<h2" in html and "first" in html and "<div>x</div>" in html


_TRIM_CASES = """<!doctype html><html><head><style>
  .pl { white-space: pre-line; }
  .pw { white-space: pre-wrap; }
</style></head><body>
  <p>
      <span>第一</span>
      <span>第二</span><b>紧</b>
  </p>
  <p class="pl">甲
      乙

      丙</p>
  <pre>  缩进
    保留  </pre>
  <div class="pw"><pre>  a
      b</pre></div>
  <textarea id="t">  一
      二</textarea>
  <script>window.kept = `a
      b`;</script>
</body></html>
"""


def test_trim_indentation_changes_bytes_not_what_a_browser_shows(browser, tmp_path):
    """Rendered text, the pre/textarea contents and a script's string are the same after trimming, in
    Chromium; the page is smaller and keeps every line break."""
    trimmed = render.trim_indentation(_TRIM_CASES)
    assert len(trimmed) < len(_TRIM_CASES) and trimmed.count("\n") == _TRIM_CASES.count("\n")
    seen = []
    for name, text in (("before", _TRIM_CASES), ("after", trimmed)):
        (tmp_path / f"{name}.html").write_text(text, encoding="utf-8")
        page = browser.page()
        page.goto((tmp_path / f"{name}.html").as_uri())
        seen.append(
            page.evaluate(
                "() => [document.body.innerText, document.getElementById('t').value, window.kept,"
                " [...document.querySelectorAll('pre')].map(p => p.textContent)]"
            )
        )
        page.context.close()
    assert seen[0] == seen[1]
    assert "第一 第二紧" in seen[0][0] and "乙\n\n丙" in seen[0][0]  # the cases exercise both rules
