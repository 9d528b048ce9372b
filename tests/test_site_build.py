"""The build is a test: build with mkdocs --strict, then read the HTML as a reader would."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from conftest import ROOT, SLUGS, add_city, copy_project, mkdocs_build

from rulebook.build import bookcache


class _Text(HTMLParser):
    """Visible text of the elements with a given class, e.g. every .rb-article."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.articles: dict[str, str] = {}
        self._depth = 0
        self._current: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "article" and "rb-article" in (a.get("class") or ""):
            self._depth = 1
            self._buf = []
            self._current = None
        elif self._depth:
            self._depth += 1
            if tag == "h3" and a.get("id"):
                self._current = a["id"]

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1
            if self._depth == 0 and self._current:
                self.articles[self._current] = "".join(self._buf)

    def handle_data(self, data):
        if self._depth:
            self._buf.append(data)


def _page(site, slug):
    p = _Text()
    p.feed((site / "cities" / slug / "index.html").read_text(encoding="utf-8"))
    return p


@pytest.mark.parametrize("slug", SLUGS)
def test_city_page_has_exactly_one_anchor_per_article(built_site, book, slug):
    page = _page(built_site, slug)
    art_ids = [i for i in page.ids if re.fullmatch(r"art_\d+", i)]
    assert art_ids == [a.anchor for a in book.city(slug).articles()]
    assert [i for i in page.ids if re.fullmatch(r"chp_\d+", i)] == [c.anchor for c in book.city(slug).chapters]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_article_text_is_on_the_page(built_site, book, slug):
    page = _page(built_site, slug)
    for a in book.city(slug).articles():
        shown = page.articles[a.anchor]
        for p in a.paragraphs:
            assert p.text in shown, (a.anchor, p.text[:20])
        assert "□" not in shown


@pytest.mark.parametrize(
    ("slug", "anchor", "text"),
    [
        ("zhuzhou", "art_44", "市人民政府常务会议有半数以上常务会议组成人员出席方为有效。"),
        ("chenzhou", "art_42", "对于有具体请示事项的公文，圈阅则表示“同意”请示的事项。"),
        ("jixi", "art_37", "每年到基层调研的时间不少于1个月。"),
        ("ziyang", "art_29", "每年到基层调研不少于60天"),
        ("liyang", "art_48", "一般应当在7个工作日内回复"),
    ],
)
def test_known_article_texts(built_site, slug, anchor, text):
    assert text in _page(built_site, slug).articles[anchor]


def test_citation_shown_per_article(built_site):
    html = (built_site / "cities/zhuzhou/index.html").read_text(encoding="utf-8")
    assert '《株洲市人民政府工作规则》（<span class="rb-docno">株政发〔2022〕1号</span>）第四十四条' in html


def test_doc_numbers_never_wrap(built_site):
    css = (built_site / "assets/rulebook.css").read_text(encoding="utf-8")
    assert ".rb-docno { white-space: nowrap; }" in css
    for page in ("cities/index.html", "cities/zhuzhou/index.html"):  # 城市一览 holds the table of cities
        html = (built_site / page).read_text(encoding="utf-8")
        assert '<span class="rb-docno">株政发〔2022〕1号</span>' in html, page
        tables = "".join(re.findall(r"<table\b.*?</table>", html, re.S))  # generated, not prose
        assert "株政发〔2022〕1号" not in re.sub(r'<span class="rb-docno">[^<]*</span>', "", tables), page


def test_maintainers_performance_page_is_out_of_the_readers_nav(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="md-nav md-nav--primary"') :]
    assert "performance/" not in nav[: nav.index("</nav>")]
    about = (built_site / "about/index.html").read_text(encoding="utf-8")
    assert 'href="../performance/"' in about and (built_site / "performance/index.html").exists()


def test_truncation_is_visible(built_site):
    html = (built_site / "cities/zhuzhou/index.html").read_text(encoding="utf-8")
    assert html.count("rb-truncated") == 2  # at the top and where the text stops
    assert "[原文缺失]" in html


def test_home_lists_and_links_every_city(built_site, book):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    for c in book.cities.values():
        assert f'<a href="cities/{c.id}/">{c.name}</a>' in html
        assert (built_site / "cities" / c.id / "index.html").exists()
    assert "株政发〔2022〕1号" in html and "原文缺失" in html


def test_corrections_section_present(built_site):
    html = (built_site / "cities/liyang/index.html").read_text(encoding="utf-8")
    assert 'id="corrections"' in html and "相关部部门" in html and "分页处重复“部”字" in html


def test_no_artefact_glyph_in_any_page(built_site):
    for page in built_site.rglob("*.html"):
        assert "□" not in page.read_text(encoding="utf-8"), page


@pytest.mark.build
def test_data_text_is_escaped_in_the_built_site(tmp_path):
    project = copy_project(tmp_path / "p")
    text = (ROOT / "tests/fixtures/provincial_rules.txt").read_text(encoding="utf-8")
    text = text.replace("执政为民，依法行政。", "执政为民，<script>alert('x')</script>依法行政{{ config.site_name }}。")
    add_city(project, "evil", text)
    out = tmp_path / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stderr[-2000:]
    html = (out / "cities/evil/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;依法行政{{ config.site_name }}。" in html
    assert "<script>alert" not in html


@pytest.mark.build
def test_bad_data_fails_the_build_and_writes_nothing(tmp_path):
    project = copy_project(tmp_path / "p")
    path = project / "rules_data/cities/jixi.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("level: 地级市", "level: 直辖市"), encoding="utf-8")
    out = tmp_path / "site"
    result = mkdocs_build(project, out)
    assert result.returncode != 0
    assert "rules_data/cities/jixi.yaml: level" in result.stderr
    assert not (out / "index.html").exists()


@pytest.mark.build
def test_cached_templates_never_serve_a_stale_page(tmp_path):
    """Compiled templates are kept in .cache/jinja between builds; an edited template must still show,
    and a change to the code configuring the environment starts a fresh cache."""
    project = copy_project(tmp_path / "p")
    assert mkdocs_build(project, tmp_path / "site1").returncode == 0
    cache = project / ".cache/jinja"
    assert [len(list(cache.glob(f"{env}-*/*"))) > 0 for env in ("pages", "theme")] == [True, True]
    # The code that sets the page environment's options (autoescape …) is part of the cache key.
    render_py = project / "rulebook/views/render.py"
    render_py.write_text(render_py.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    template = project / "rulebook/views/templates/articles.html.j2"
    template.write_text(
        template.read_text(encoding="utf-8").replace('class="rb-cite"', 'class="rb-cite rb-edited"'), encoding="utf-8"
    )
    result = mkdocs_build(project, tmp_path / "site2")
    assert result.returncode == 0, result.stderr[-2000:]
    html = (tmp_path / "site2/cities/jixi/index.html").read_text(encoding="utf-8")
    assert html.count('class="rb-cite rb-edited"') == 79
    assert len(list(cache.glob("pages-*"))) == 2 and len(list(cache.glob("theme-*"))) == 1


@pytest.mark.build
def test_links_into_generated_articles_are_checked(tmp_path):
    """Article ids live in fenced HTML blocks that MkDocs' own scan skips; the hooks report them, so a
    link to a real article builds and a link to a missing one fails the strict build."""
    project = copy_project(tmp_path / "p")
    about = project / "docs/about.md"
    text = about.read_text(encoding="utf-8")
    about.write_text(text + "\n见[株洲第四十四条](cities/zhuzhou.md#art_44)。\n", encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "ok")
    assert result.returncode == 0, result.stderr[-2000:]
    about.write_text(text + "\n见[不存在的条](cities/zhuzhou.md#art_999)。\n", encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "bad")
    assert result.returncode != 0
    assert "art_999" in result.stderr


def test_cached_book_equals_a_fresh_load_and_follows_data_changes(tmp_path):
    from rulebook.core.settings import Settings
    from rulebook.data.load import load_rulebook

    project = copy_project(tmp_path / "p")
    cold = bookcache.rulebook(project, Settings())
    warm = bookcache.rulebook(project, Settings())  # as the next build reads it: from .cache/
    assert len(list((project / ".cache").glob("book-*.pickle"))) == 1
    assert warm == cold == load_rulebook(project)
    path = project / "rules_data/cities/jixi.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("鸡西市人民政府工作规则", "鸡西市人民政府工作规则（改）", 1), encoding="utf-8")
    changed = bookcache.rulebook(project, Settings())
    assert changed.city("jixi").title == "鸡西市人民政府工作规则（改）" != warm.city("jixi").title
    assert len(list((project / ".cache").glob("book-*.pickle"))) == 1
