"""适老化 and accessibility beyond the 100% axe run (issue 31): 200% zoom (640 CSS px) without horizontal
scrolling and with axe clean in both schemes, the drafting path by keyboard alone, the 纠错 report, the
home page's 数据更新于 and the 无障碍声明 page."""

from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import docx
import pytest
from conftest import ROOT

from rulebook.data import revision
from rulebook.devtools.browser import NOT_LOCAL
from rulebook.views import render

pytestmark = pytest.mark.build
AXE = ROOT / "node_modules/axe-core/axe.min.js"
# The page kinds a reader meets; each at 200% zoom (1280 x 900 shown at twice the size = 640 x 450 CSS px).
ZOOMED = [
    "",
    "cities/zhuzhou/",
    "compare/meetings/",
    "chains/outgoing/",
    "lookup/?kw=会签",
    "basket/",
    "drafting/",
    "check/",
    "accessibility/",
]


def _zoomed(browser, scheme: str):
    ctx = browser.browser.new_context(
        viewport={"width": 640, "height": 450}, device_scale_factor=2, locale="zh-CN", color_scheme=scheme
    )
    ctx.route(NOT_LOCAL, lambda r: (browser.blocked.append(r.request.url), r.abort()))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_200_percent_zoom_keeps_content_without_sideways_scrolling_and_axe_is_clean(browser, site_url, scheme):
    page, errors = _zoomed(browser, scheme)
    script = AXE.read_text(encoding="utf-8")
    problems = []
    for rel in ZOOMED:
        page.goto(site_url + rel)
        if rel.startswith("compare/"):
            page.wait_for_selector(".rb-two-rows[data-rendered]")
        if rel.startswith("lookup/"):
            page.wait_for_selector(".rb-lookup[data-state=done]")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 640, (rel, width)  # no horizontal scroll of the page (WCAG 1.4.10 at 640 CSS px)
        # Text is not cut off: no paragraph or list item is wider than the window.
        wide = page.evaluate(
            """() => [...document.querySelectorAll('.md-content p, .md-content li')]
                 .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('table, .rb-chart'))
                 .map(e => e.textContent.slice(0, 30))"""
        )
        assert wide == [], (rel, wide)
        page.add_script_tag(content=script)
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                problems.append(f"{rel or '/'}: {v['id']} ({len(v['nodes'])}×) {v['nodes'][0]['html'][:120]}")
    page.screenshot(path=f"/tmp/rb-zoom-200-{scheme}.png")
    assert problems == []
    assert errors == [] and browser.blocked == []
    page.context.close()


def test_search_and_the_menu_work_by_keyboard_at_200_percent(browser, site_url):
    page, errors = _zoomed(browser, "light")
    page.goto(site_url + "cities/zhuzhou/")
    # The header's search button is a button: Tab reaches it, Enter opens the box with the cursor in it.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('rb-search-toggle')"):
            break
    else:
        raise AssertionError("the search button is not reachable by Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "rb-search-input"
    page.keyboard.type("常务会议 法定人数")
    page.wait_for_function("() => document.querySelector('.rb-search').dataset.state === 'done'")
    assert page.locator(".rb-search__article").first.is_visible()
    assert errors == []
    page.context.close()


def _tab_to(page, test: str, limit: int = 400) -> None:
    """Press Tab until `test` (a JS expression over `el`, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({test}); }}"):
            return
    raise AssertionError(f"Tab never reached: {test}")


def test_keyboard_only_search_article_basket_and_word_export(browser, site_url, book, tmp_path):
    page = browser.page()
    page.goto(site_url)
    # Search: Tab to the header box, type, arrow down to the first article, Enter.
    _tab_to(page, "el.id === 'rb-search-input'")
    page.keyboard.type("常务会议 法定人数")
    page.wait_for_function("() => document.querySelector('.rb-search').dataset.state === 'done'")
    ref = page.get_attribute(".rb-search__article", "data-ref")
    chosen = "() => !!document.querySelector('[aria-selected=true]')?.classList.contains('rb-search__article')"
    for _ in range(10):  # past the page rows (比较项) to the first article
        page.keyboard.press("ArrowDown")
        if page.evaluate(chosen):
            break
    assert page.get_attribute("[aria-selected=true]", "data-ref") == ref
    with page.expect_navigation():
        page.keyboard.press("Enter")
    city, n = ref.split("/")
    assert f"cities/{city}/" in page.url and page.url.endswith(f"#art_{n}")
    # The article: Tab onwards from it (the fragment is where Tab starts) to its 加入条文篮, Enter.
    _tab_to(page, f"el.closest('.rb-article[data-n=\"{n}\"]') && el.classList.contains('rb-basket-add')", 40)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.rb-basket-badge .rb-basket-count').textContent === '1'")
    # The basket: Tab to the header's 条文篮 link, Enter; then to the Word export, Enter.
    _tab_to(page, "el.classList.contains('rb-basket-badge')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#rb-basket[data-state=ready]")
    _tab_to(page, "el.getAttribute('data-rb-export') === 'docx'")
    with page.expect_download() as dl:
        page.keyboard.press("Enter")
    dl.value.save_as(tmp_path / "basket.docx")
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "basket.docx")).paragraphs)
    article = book.city(city).article(int(n))
    assert article.paragraphs[0].text[:20] in text.replace("\n", "")
    assert book.city(city).name in text
    assert page.console_errors == [] and browser.blocked == []


def test_report_button_copies_a_ready_report_and_opens_a_mail_when_an_address_is_set(browser, site_url, book):
    page = browser.page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(site_url + "cities/zhuzhou/#art_44")
    button = page.locator('.rb-article[data-n="44"] .rb-report')
    button.click()
    page.wait_for_selector('.rb-article[data-n="44"] .rb-report-status:has-text("已复制")')
    report = page.evaluate("() => navigator.clipboard.readText()")
    article = book.city("zhuzhou").article(44)
    assert "城市：株洲市" in report and "条文：第四十四条" in report
    assert re.search(r"网址：http://127\.0\.0\.1:\d+/cities/zhuzhou/#art_44", report)
    assert article.paragraphs[0].text in report
    assert page.locator('meta[name="rb-feedback-email"]').count() == 0  # unset in mkdocs.yml: no e-mail
    assert button.get_attribute("data-mailto") is None
    # With extra.feedback_email (overrides/main.html writes this meta), the same report goes into an e-mail.
    page.evaluate(
        """() => { const m = document.createElement('meta'); m.name = 'rb-feedback-email';
                   m.content = 'jiucuo@example.gov.cn'; document.head.appendChild(m); }"""
    )
    button.click()
    mailto = button.get_attribute("data-mailto")
    assert mailto.startswith("mailto:jiucuo@example.gov.cn?subject=")
    query = parse_qs(urlsplit(mailto).query)
    assert query["subject"] == ["纠错：株洲市 第四十四条"] and query["body"] == [report]


def test_home_page_says_when_the_data_last_changed(built_site, tmp_path):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    day = revision.data_updated(ROOT)
    assert day is not None  # this checkout is a git repository
    assert render.updated_line(day) in html
    assert f'<time datetime="{day.isoformat()}">' in html
    # Outside a repository the date is unknown, and the page says so rather than guessing.
    assert revision.data_updated(tmp_path) is None
    assert "未知" in render.updated_line(None)


def test_data_date_follows_commits_and_uncommitted_files(tmp_path):
    import os
    import subprocess

    def git(*args: str) -> None:
        env = {**os.environ, "GIT_COMMITTER_DATE": "2025-03-04T10:00:00Z", "GIT_AUTHOR_DATE": "2025-03-04T10:00:00Z"}
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True, env=env)

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    (tmp_path / "rules_data").mkdir()
    (tmp_path / "rules_data/a.yaml").write_text("a: 1\n", encoding="utf-8")
    git("add", ".")
    git("commit", "-q", "-m", "data")
    (tmp_path / "other.txt").write_text("x", encoding="utf-8")  # not data: no effect
    assert revision.data_updated(tmp_path) == datetime.date(2025, 3, 4)
    changed = tmp_path / "rules_data/a.yaml"
    changed.write_text("a: 2\n", encoding="utf-8")
    stamp = datetime.datetime(2026, 1, 2, 12, tzinfo=datetime.UTC).timestamp()
    os.utime(changed, (stamp, stamp))
    assert revision.data_updated(tmp_path) == datetime.date(2026, 1, 2)


def test_accessibility_statement_names_the_standard_tests_limits_and_feedback(built_site):
    html = (built_site / "accessibility/index.html").read_text(encoding="utf-8")
    for words in ("GB/T 37668", "WCAG 2.1 AA", "200%", "axe", "键盘", "已知不足", "纠错"):
        assert words in html, words
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="accessibility/"' in home  # in the navigation of every page
