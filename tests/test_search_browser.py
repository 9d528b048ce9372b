"""条文检索 (the lookup page), driven in headless Chromium with every non-localhost request blocked.

The header search box, which runs the same engine, is tested in tests/test_search_box.py."""

from __future__ import annotations

import pytest

from rulebook.devtools.search_eval import expected_refs, load_queries, lookup_results, score

QUERIES = load_queries()


def test_query_set_is_big_and_varied():
    kinds = {q["kind"] for q in QUERIES}
    assert len(QUERIES) >= 57
    assert {"term", "phrase", "number", "document", "question", "midword"} <= kinds


def test_lookup_page_finds_expected_articles(browser, lookup_ranking):
    results, console_errors = lookup_ranking  # every query on one page (conftest; test_search_box reads it too)
    s = score(results, QUERIES)
    print(f"\n条文检索 recall@5={s.recall_at_5:.3f} MRR={s.mrr:.3f} misses={s.misses}")
    assert s.recall_at_5 >= 0.9, s.misses
    assert console_errors == [] and browser.blocked == []


def test_term_partitioned_engine_finds_expected_articles(browser, site_url):
    """The engine used for unfiltered searches over many cities, forced here on the real five."""
    page = browser.page()
    results = {q["q"]: lookup_results(page, site_url, q["q"], engine="terms") for q in QUERIES}
    s = score(results, QUERIES)
    print(f"\n条文检索 (term index) recall@5={s.recall_at_5:.3f} MRR={s.mrr:.3f} misses={s.misses}")
    assert s.recall_at_5 >= 0.9, s.misses
    refs = lookup_results(page, site_url, "常务会议", city="zhuzhou", engine="terms")
    assert refs and all(r.startswith("zhuzhou/") for r in refs)
    assert page.get_attribute(".rb-lookup", "data-engine") == "terms"
    assert page.console_errors == [] and browser.blocked == []


def test_term_engine_shows_the_ranked_list_before_snippets(browser, site_url):
    """Titles and links come from the index at once; snippets follow when their document chunks arrive."""
    page = browser.page()
    held = []
    page.route("**/lookup/docs/*.js", lambda route: held.append(route))
    page.goto(
        site_url + "lookup/?kw=%E4%BC%9A%E7%AD%BE&engine=terms", wait_until="commit"
    )  # 会签; held scripts delay "load"
    page.wait_for_selector(".rb-lookup[data-state=partial]")
    early = page.eval_on_selector_all(".rb-lookup-hit a", "as => as.map(a => [a.textContent, a.getAttribute('href')])")
    assert early and page.locator(".rb-lookup-hit [aria-busy=true]").count() == len(early)
    for route in held:
        route.continue_()
    page.wait_for_selector(".rb-lookup[data-state=done]")
    late = page.eval_on_selector_all(".rb-lookup-hit a", "as => as.map(a => [a.textContent, a.getAttribute('href')])")
    assert late == early
    assert page.locator(".rb-lookup-hit [aria-busy=true]").count() == 0
    assert page.locator(".rb-lookup-hit mark").count() >= len(late)
    assert (
        0
        < float(page.get_attribute(".rb-lookup", "data-first-ms"))
        <= float(page.get_attribute(".rb-lookup", "data-total-ms"))
    )


def test_term_engine_keeps_the_ranked_list_when_snippets_fail(browser, site_url):
    page = browser.page()
    page.route("**/lookup/docs/*.js", lambda route: route.abort())
    page.goto(site_url + "lookup/?kw=%E4%BC%9A%E7%AD%BE&engine=terms")  # 会签
    page.wait_for_selector(".rb-lookup[data-state=done]")
    hits = page.locator(".rb-lookup-hit")
    assert hits.count() > 0 and page.locator(".rb-lookup-hit a").count() == hits.count()
    assert page.locator(".rb-lookup-hit [aria-busy=true]").count() == 0
    assert "摘要未能加载" in hits.first.inner_text()


def test_article_numbers_in_the_page_match_the_site(browser, site_url):
    from rulebook.model.numerals import int_to_cn

    page = browser.page()
    page.goto(site_url + "lookup/")
    page.wait_for_selector(".rb-lookup[data-state=ready]")
    shown = page.evaluate("() => Array.from({length: 999}, (_, i) => window.rbArticleNumber(i + 1))")
    assert shown == [f"第{int_to_cn(n)}条" for n in range(1, 1000)]


def test_city_and_topic_filters(browser, site_url):
    page = browser.page()
    refs = lookup_results(page, site_url, "常务会议", city="zhuzhou")
    assert refs and all(r.startswith("zhuzhou/") for r in refs)
    refs = lookup_results(page, site_url, "签发", topic="agenda_minutes")
    assert refs
    docs = page.eval_on_selector_all(".rb-lookup-hit", "hs => hs.map(h => h.innerText)")
    assert all("议题与纪要" in d for d in docs)


def test_highlighting_and_links(browser, site_url):
    page = browser.page()
    lookup_results(page, site_url, "圈阅")
    marks = page.eval_on_selector_all(".rb-lookup-hit mark", "ms => ms.map(m => m.textContent)")
    assert "圈阅" in "".join(marks)
    first = page.locator(".rb-lookup-hit a").first
    href = first.get_attribute("href")
    assert "#art_" in href
    first.click()
    page.wait_for_load_state()
    anchor = page.url.split("#")[1]
    assert anchor in {"art_42", "art_48"} and "?hl=" in page.url
    assert page.locator(f"#{anchor}").is_visible()
    # The query's words are marked in the article the hit opened, and nowhere else.
    article = page.locator(f".rb-article:has(#{anchor})")
    assert "圈阅" in "".join(article.locator("mark").all_inner_texts())
    assert page.locator("mark").count() == article.locator("mark").count()


def test_query_and_filters_live_in_the_url(browser, site_url):
    page = browser.page()
    page.goto(site_url + "lookup/")
    page.wait_for_selector(".rb-lookup[data-state=ready]")
    page.fill("input[name=q]", "新闻发言人")
    page.select_option("select[name=city]", "ziyang")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector(".rb-lookup[data-state=done]")
    assert "kw=%E6%96%B0%E9%97%BB" in page.url and "city=ziyang" in page.url
    shared = browser.page()
    shared.goto(page.url)
    shared.wait_for_selector(".rb-lookup[data-state=done]")
    assert shared.input_value("input[name=q]") == "新闻发言人"
    assert shared.eval_on_selector_all(".rb-lookup-hit", "hs => hs.map(h => h.dataset.ref)")[0] == "ziyang/7"


def test_expected_articles_exist(book):
    for q in QUERIES:
        for ref in expected_refs(q):
            slug, n = ref.split("/")
            book.city(slug).article(int(n))


@pytest.fixture(scope="module")
def capped_url(built_site, book, tmp_path_factory):
    """The built site with its term index rebuilt under a tiny cap, so that many terms have tails."""
    import shutil

    from conftest import ROOT

    from rulebook.devtools.browser import serve
    from rulebook.search import index

    site = tmp_path_factory.mktemp("capped") / "site"
    shutil.copytree(built_site, site)
    old, index.TOP_POSTINGS = index.TOP_POSTINGS, 15
    try:
        files = index.search_files(book, ROOT)  # as the build makes them (with the dictionary)
    finally:
        index.TOP_POSTINGS = old
    assert sum("/tail-" in k for k in files) > 100
    for name, text in files.items():
        assert isinstance(text, str) and (name.startswith("lookup/terms/") or (site / name).read_text("utf-8") == text)
        (site / name).write_text(text, encoding="utf-8")
    with serve(site) as url:
        yield url


def test_capped_term_index_lists_every_article_on_the_lookup_page(browser, site_url, capped_url):
    """条文检索 loads the tails of the very common terms: the same complete list as without a cap."""
    page = browser.page()
    for q in ("人民政府", "会议", "市政府常务会议", "圈阅", "政府 工作"):
        want = lookup_results(page, site_url, q, engine="terms")
        status = page.locator(".rb-lookup-status").inner_text()
        assert lookup_results(page, capped_url, q, engine="terms") == want, q
        assert page.locator(".rb-lookup-status").inner_text() == status
    assert page.console_errors == [] and browser.blocked == []


def test_capped_term_index_ranks_by_the_heaviest_postings_without_tails(browser, capped_url):
    """Without tails (as the header box searches), a common term's results are its heaviest
    postings, flagged partial; the expected articles of the quality set are still found."""
    page = browser.page()
    page.goto(capped_url + "lookup/")
    page.wait_for_selector(".rb-lookup[data-state=ready]")
    js = """async ([q, complete]) => {
      const f = await window.rbSearch.search(q, {engine: 'terms', docs: 0, complete});
      return {refs: f.results.map(r => r.ref), partial: !!f.partial};
    }"""
    common = page.evaluate(js, ["人民政府", False])
    whole = page.evaluate(js, ["人民政府", True])
    assert common["partial"] and not whole["partial"]
    assert 15 <= len(common["refs"]) < len(whole["refs"]) and set(common["refs"]) <= set(whole["refs"])
    results = {q["q"]: page.evaluate(js, [q["q"], False])["refs"] for q in QUERIES}
    s = score(results, QUERIES)
    print(f"\nterm index capped at 15 postings, no tails: recall@5={s.recall_at_5:.3f} MRR={s.mrr:.3f}")
    assert s.recall_at_5 >= 0.9, s.misses
    assert page.console_errors == [] and browser.blocked == []
