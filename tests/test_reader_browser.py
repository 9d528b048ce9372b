"""Reading the comparison pages as a reader does (issue 31): 逐条对照 keeps its labels at 1280 and 390 px,
topic pages have a table of contents and jump links, topic and chain pages link each other."""

from __future__ import annotations

import re

import pytest

from rulebook.views import topics

pytestmark = pytest.mark.build


def _concordance_box(page):
    return page.locator(".rb-concordance-scroll").first


def test_concordance_keeps_city_names_and_groups_in_view_at_1280(browser, site_url, book):
    page = browser.page(1280, 900)
    page.goto(site_url + "compare/meetings/")
    box = _concordance_box(page)
    box.scroll_into_view_if_needed()
    names = page.eval_on_selector_all(".rb-concordance-table thead th[data-city]", "ths => ths.map(t => t.textContent)")
    assert names == [c.name for c in book.ordered_cities()]
    # Scroll the texts far down and sideways: the header row stays under the site header, the group
    # column at the box's left edge, and every city's column can be reached.
    page.evaluate("""() => { const b = document.querySelector('.rb-concordance-scroll');
        window.scrollTo(0, b.getBoundingClientRect().top + scrollY + 150); }""")
    page.evaluate("() => { document.querySelector('.rb-concordance-scroll').scrollTop = 1500; }")
    page.wait_for_timeout(200)
    geo = page.evaluate("""() => {
        const b = document.querySelector('.rb-concordance-scroll'), r = b.getBoundingClientRect();
        const head = document.querySelector('.md-header').getBoundingClientRect().bottom;
        const ths = [...b.querySelectorAll('thead th')].map(t => t.getBoundingClientRect());
        const rows = [...b.querySelectorAll('tbody th')].map(t => t.getBoundingClientRect());
        const seen = rows.filter(t => t.bottom > ths[0].bottom && t.top < r.bottom);
        return {head, box: [r.left, r.top, r.right], ths: ths.map(t => [t.left, t.top, t.right]),
                rowLeft: seen.map(t => t.left), scroll: b.scrollTop};
    }""")
    assert geo["scroll"] > 0
    for _left, top, _right in geo["ths"]:
        assert abs(top - geo["head"]) <= 2, geo  # pinned right under the site header, not scrolled away
    assert geo["rowLeft"] and all(abs(x - geo["box"][0]) <= 2 for x in geo["rowLeft"])
    # Sideways: the last city's column comes fully into the box; the group column stays put.
    page.evaluate("() => { const b = document.querySelector('.rb-concordance-scroll'); b.scrollLeft = b.scrollWidth; }")
    side = page.evaluate("""() => {
        const b = document.querySelector('.rb-concordance-scroll'), r = b.getBoundingClientRect();
        const last = [...b.querySelectorAll('thead th')].pop().getBoundingClientRect();
        const first = b.querySelector('thead th').getBoundingClientRect();
        return {right: r.right, lastRight: last.right, lastLeft: last.left, first: first.left, left: r.left};
    }""")
    assert side["lastRight"] <= side["right"] + 1 and side["lastLeft"] >= side["left"]
    assert abs(side["first"] - side["left"]) <= 2
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280  # the page itself never scrolls sideways
    page.screenshot(path="/tmp/rb-reader-concordance-1280.png")
    assert page.console_errors == [] and browser.blocked == []


def test_concordance_on_a_phone_names_the_city_beside_every_text(browser, site_url, book):
    page = browser.page(390, 844)
    page.goto(site_url + "compare/meetings/")
    cells = page.eval_on_selector_all(
        ".rb-concordance-table td",
        """tds => tds.map(td => { const name = td.querySelector('.rb-conc-city');
            const r = td.getBoundingClientRect();
            return {visible: name && getComputedStyle(name).display !== 'none', name: name && name.textContent,
                    city: td.dataset.city, width: r.width}; })""",
    )
    names = {c.id: c.name for c in book.cities.values()}
    assert cells and all(c["visible"] and c["name"] == names[c["city"]] for c in cells)
    assert min(c["width"] for c in cells) > 300  # a full-width card, not a 4-character column
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.locator("#concordance").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/rb-reader-concordance-390.png")


def test_topic_page_has_a_toc_and_jump_links_in_reading_order(browser, site_url, built_site):
    html = (built_site / "compare/meetings/index.html").read_text(encoding="utf-8")
    jump = re.search(r'<nav class="rb-jump".*?</nav>', html, re.S).group(0)
    assert re.findall(r'href="#(\w+)">([^<]+)<', jump) == [(a, label) for a, label in topics.SECTIONS]
    order = [html.index(f'id="{a}"') for a, _ in topics.SECTIONS]
    assert order == sorted(order)  # 比较表, 两市对照, 逐条对照, then the long texts
    page = browser.page(1280, 900)
    page.goto(site_url + "compare/meetings/")
    toc = page.locator(".md-sidebar--secondary")
    assert toc.is_visible()
    entries = [t.strip() for t in toc.locator("a.md-nav__link").all_text_contents()]
    assert entries[:4] == ["比较表", "两市对照", "逐条对照", "各市条文对照"]
    # 两市对照 is one click from the top.
    page.click(".rb-jump a[href='#two']")
    page.wait_for_timeout(300)
    top = page.evaluate("() => document.getElementById('two').getBoundingClientRect().top")
    assert 0 <= top < 200
    page.screenshot(path="/tmp/rb-reader-topic-top.png")
    assert page.console_errors == []


def test_topic_and_chain_pages_link_each_other(built_site, book):
    assert topics.chain_topics(book) == {"incoming": "documents", "outgoing": "documents", "meeting": "agenda_minutes"}
    documents = (built_site / "compare/documents/index.html").read_text(encoding="utf-8")
    assert 'href="../../chains/incoming/"' in documents and 'href="../../chains/outgoing/"' in documents
    assert "chains/meeting/" not in documents.split('class="rb-chain-links"')[1].split("</p>")[0]
    for kind, topic_id in (("incoming", "documents"), ("outgoing", "documents"), ("meeting", "agenda_minutes")):
        chain = (built_site / f"chains/{kind}/index.html").read_text(encoding="utf-8")
        line = chain.split('class="rb-chain-links"')[1].split("</p>")[0]
        assert f'href="../../compare/{topic_id}/"' in line
