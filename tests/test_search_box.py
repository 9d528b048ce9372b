"""The header search box: the 条文检索 engine as you type, in headless Chromium, every non-localhost
request blocked; over http (nginx under /rules/) and from the offline bundle (file://)."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from conftest import ROOT

from rulebook.devtools.search_eval import header_results, load_queries, score

pytestmark = pytest.mark.build
QUERIES = load_queries()
BOX = "#rb-search-input"
ROWS = 6  # article rows in the panel (search-box.js ARTICLES)


def _wait_done(page, q: str) -> None:
    page.wait_for_function(
        "q => { const b = document.querySelector('.rb-search');"
        " return b.dataset.state === 'done' && b.dataset.query === q }",
        arg=q,
    )


def _type(page, q: str) -> None:
    page.locator(BOX).click()
    page.locator(BOX).fill("")
    page.locator(BOX).press_sequentially(q)
    _wait_done(page, q)


def _quality(browser, start_url: str) -> None:
    page = browser.page()
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(start_url)
    results = {q["q"]: header_results(page, q["q"]) for q in QUERIES}
    s = score(results, QUERIES)
    print(f"\nheader box recall@5={s.recall_at_5:.3f} MRR={s.mrr:.3f} misses={s.misses}")
    assert s.recall_at_5 >= 0.98, s.misses
    assert s.mrr >= 0.95
    assert failed == [] and page.console_errors == [] and browser.blocked == []


def test_header_box_quality_over_nginx_under_a_sub_path(browser, nginx_url):
    _quality(browser, nginx_url + "cities/zhuzhou/")


def test_header_box_quality_from_the_offline_bundle(browser, offline_dir):
    _quality(browser, (offline_dir / "compare/meetings.html").as_uri())


def test_header_box_and_lookup_page_rank_alike(browser, site_url, lookup_ranking):
    ranked, _ = lookup_ranking  # 条文检索's results for every query (conftest; test_search_browser scores them)
    box = browser.page()
    box.goto(site_url)
    for q in QUERIES:
        assert header_results(box, q["q"]) == ranked[q["q"]][:ROWS], q["q"]


def test_panel_rows_direct_hits_articles_and_the_lookup_line(browser, site_url):
    page = browser.page()
    page.goto(site_url + "about/")
    _type(page, "株洲")
    first = page.locator("[role=option]").first
    assert first.inner_text().split() == ["城市", "株洲市", "湖南省"]
    assert first.get_attribute("href") == "../cities/zhuzhou/"
    _type(page, "常务会议频率")
    attr = page.locator(".rb-search__direct").first
    assert "常务会议频率" in attr.inner_text()
    assert attr.get_attribute("href").startswith("../compare/meetings/#rb-attr-")
    _type(page, "谁签发")
    labels = page.eval_on_selector_all(".rb-search__direct .rb-search__label", "ls => ls.map(l => l.textContent)")
    assert "发文签发" in labels and any("签发" in x for x in labels)
    _type(page, "会签 7个工作日")
    hit = page.locator('.rb-search__article[data-ref="liyang/48"]')
    assert "溧阳市 第四十八条" in hit.inner_text() and "公文" in hit.locator(".rb-search__sub").inner_text()
    # The snippet is the sentence that answers, centred on the match, with the query words marked.
    assert "7个工作日" in hit.locator(".rb-search__snip").inner_text()
    assert "工作日" in "".join(hit.locator("mark").all_inner_texts())
    last = page.locator("[role=option]").last
    total = page.locator(".rb-search__all").inner_text()
    assert re.fullmatch(r"在条文检索中查看全部 \d+ 条", total)
    assert last.get_attribute("href") == "../lookup/?kw=" + quote("会签 7个工作日").replace("%20", "+")
    with page.expect_navigation():
        last.click()
    page.wait_for_selector(".rb-lookup[data-state=done]")
    assert page.input_value("input[name=q]") == "会签 7个工作日"
    assert re.search(r"找到 (\d+) 条", page.inner_text(".rb-lookup-status")).group(1) == total.split()[-2]
    assert page.console_errors == [] and browser.blocked == []


def test_keyboard_and_aria(browser, site_url):
    page = browser.page()
    page.goto(site_url + "cities/jixi/")
    box = page.locator(BOX)
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    assert page.locator("#" + box.get_attribute("aria-controls")).get_attribute("role") == "listbox"
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "rb-search-input"
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.id") != "rb-search-input"
    page.keyboard.press("s")
    assert page.evaluate("() => document.activeElement.id") == "rb-search-input"
    assert box.input_value() == ""  # the key that focused the box is not typed into it
    box.press_sequentially("圈阅")
    _wait_done(page, "圈阅")
    assert box.get_attribute("aria-expanded") == "true"
    options = page.locator("[role=listbox] [role=option]")
    assert options.count() >= 3
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active == options.nth(0).get_attribute("id")
    assert options.nth(0).get_attribute("aria-selected") == "true"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    assert options.nth(0).get_attribute("aria-selected") == "false"
    box.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
    box.press("ArrowUp")  # wraps to the last row
    assert box.get_attribute("aria-activedescendant") == options.last.get_attribute("id")
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert not page.is_checked("#__search")
    box.click()
    for _ in range(page.locator(".rb-search__direct").count() + 1):  # to the first article row
        box.press("ArrowDown")
    ref = page.locator("[role=option][aria-selected=true]").get_attribute("data-ref")
    with page.expect_navigation():
        box.press("Enter")
    slug, n = ref.split("/")
    assert f"cities/{slug}/?hl=" in page.url and page.url.endswith(f"#art_{n}")
    # Arriving from a hit: the query's words are marked in the target article, which is in view.
    article = page.locator(f".rb-article:has(#art_{n})")
    assert "圈阅" in "".join(article.locator("mark").all_inner_texts())
    assert page.locator("mark").count() == article.locator("mark").count()
    assert page.evaluate(
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.top < innerHeight }",
        f"art_{n}",
    )
    assert page.console_errors == []


def test_enter_without_a_chosen_row_opens_the_lookup_page(browser, site_url):
    page = browser.page()
    page.goto(site_url)
    _type(page, "值班")
    with page.expect_navigation():
        page.locator(BOX).press("Enter")
    page.wait_for_selector(".rb-lookup[data-state=done]")
    assert "lookup/?kw=" in page.url and page.input_value("input[name=q]") == "值班"


def test_ime_composition_is_not_searched_until_it_ends(browser, site_url):
    page = browser.page()
    page.goto(site_url)
    page.locator(BOX).click()
    page.evaluate(
        """() => { const i = document.getElementById('rb-search-input');
        i.dispatchEvent(new CompositionEvent('compositionstart', {data: ''}));
        i.value = 'quanyue';
        i.dispatchEvent(new InputEvent('input', {data: 'quanyue', isComposing: true})); }"""
    )
    page.wait_for_timeout(300)
    assert page.get_attribute(".rb-search", "data-state") == "ready"
    assert page.locator("[role=listbox] [role=option]").count() == 0
    page.evaluate(
        """() => { const i = document.getElementById('rb-search-input');
        i.value = '圈阅';
        i.dispatchEvent(new CompositionEvent('compositionend', {data: '圈阅'})); }"""
    )
    _wait_done(page, "圈阅")
    assert page.locator(".rb-search__article").count() > 0


def test_phone_layout_opens_the_box_from_the_header_button(browser, site_url):
    page = browser.page(width=390, height=844)
    page.goto(site_url + "cities/liyang/")
    assert not page.is_checked("#__search")
    page.click("label.md-header__button[for=__search]")
    page.wait_for_function("() => document.activeElement.id === 'rb-search-input'")
    page.locator(BOX).press_sequentially("会签")
    _wait_done(page, "会签")
    assert page.locator(".rb-search__article").first.is_visible()


def test_without_javascript_the_box_submits_to_the_lookup_page(browser, site_url):
    from rulebook.devtools.browser import NOT_LOCAL

    ctx = browser.browser.new_context(java_script_enabled=False, locale="zh-CN")
    ctx.route(NOT_LOCAL, lambda r: r.abort())
    page = ctx.new_page()
    page.goto(site_url + "cities/zhuzhou/")
    page.fill(BOX, "圈阅")
    with page.expect_navigation():
        page.press(BOX, "Enter")
    assert page.url == site_url + "lookup/?kw=" + quote("圈阅")
    ctx.close()


def test_panel_escapes_data(browser, site_url):
    """City names and chapter headings from data land in the panel as text, never as markup."""
    page = browser.page()
    evil = '<img src=x onerror="window.pwned=1">'

    def meta(route):
        body = route.fetch().text().replace('"name":"株洲市"', '"name":' + json.dumps(evil))
        route.fulfill(body=body, content_type="application/javascript")

    def shard(route):
        body = route.fetch().text().replace('"chapter":"第九章 会议制度"', '"chapter":' + json.dumps(evil))
        route.fulfill(body=body, content_type="application/javascript")

    page.route("**/lookup/meta.js", meta)
    page.route("**/lookup/shards/zhuzhou.js", shard)
    page.goto(site_url)
    _type(page, "半数以上")
    hit = page.locator('.rb-search__article[data-ref="zhuzhou/44"]')  # in 第九章 会议制度
    assert evil in hit.inner_text()
    assert page.locator(".rb-search img").count() == 0 and page.evaluate("() => window.pwned") is None


def test_material_search_is_gone(built_site, browser, site_url):
    assert not (built_site / "search").exists()
    page = browser.page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(site_url)
    _type(page, "请假")
    assert not any("search_index" in u or "workers/search" in u or "iframe-worker" in u for u in urls)
    assert page.locator(".md-search [data-md-component]").count() == 0


def test_axe_on_the_open_panel(browser, site_url):
    page = browser.page()
    page.goto(site_url + "cities/chenzhou/")
    _type(page, "株洲 常务会议")
    page.locator(BOX).press("ArrowDown")
    page.add_script_tag(content=(ROOT / "node_modules/axe-core/axe.min.js").read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run('.md-header', {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({len(v['nodes'])}×) {v['nodes'][0]['html'][:120]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []


def test_curated_answers_come_first_with_their_cited_sentence(browser, site_url, book):
    # Issue 31: "常务会议 法定人数" names the attribute 常务会议法定人数; the articles its cells cite come first,
    # 株洲 第四十四条 among them, each showing the sentence cited, not the article's start.
    page = browser.page()
    page.goto(site_url)
    _type(page, "常务会议 法定人数")
    rows = page.eval_on_selector_all(
        ".rb-search__article", "os => os.map(o => [o.dataset.ref, o.querySelector('.rb-search__snip').textContent])"
    )
    assert {r for r, _ in rows[:3]} == {"zhuzhou/44", "jixi/40", "ziyang/38"}
    snips = dict(rows)
    assert "半数以上常务会议组成人员出席方为有效" in snips["zhuzhou/44"]
    assert "半数以上组成人员到会方可召开" in snips["ziyang/38"]
    _type(page, "基层调研时间")
    jixi = page.locator(".rb-search__article[data-ref='jixi/37'] .rb-search__snip").text_content()
    assert "每年到基层调研的时间不少于1个月" in jixi and "调研考察报告" not in jixi
    # 条文检索 shows the same sentence.
    page.goto(site_url + "lookup/?kw=" + quote("常务会议 过半数出席"))
    page.wait_for_selector(".rb-lookup[data-state=done]")
    refs = page.eval_on_selector_all(".rb-lookup-hit", "hs => hs.map(h => h.dataset.ref)")
    assert set(refs[:3]) == {"zhuzhou/44", "jixi/40", "ziyang/38"}
    assert page.console_errors == []


def test_the_empty_hint_panel_is_not_a_tab_stop(browser, site_url):
    page = browser.page()
    page.goto(site_url)
    page.locator(BOX).focus()
    wrap = ".rb-search .md-search__scrollwrap"
    assert page.get_attribute(wrap, "tabindex") is None
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('md-search__scrollwrap')") is False
    _type(page, "会签")
    assert page.get_attribute(wrap, "tabindex") == "0"  # a list of results may scroll: reachable then
    page.locator(BOX).fill("")
    page.locator(BOX).press("Backspace")
    page.wait_for_function(f"() => !document.querySelector('{wrap}').hasAttribute('tabindex')")
