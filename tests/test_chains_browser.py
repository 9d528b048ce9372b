"""Charts render to SVG with Chinese labels in headless Chromium, offline, and print."""

from __future__ import annotations

import pytest

from rulebook.model.schema import CellStatus

pytestmark = pytest.mark.build


@pytest.mark.parametrize("kind", ["incoming", "outgoing", "meeting"])
def test_every_chart_renders_to_svg_with_chinese_labels(browser, site_url, book, kind):
    page = browser.page()
    page.goto(site_url + f"chains/{kind}/")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered)", timeout=30000
    )
    charts = page.eval_on_selector_all(
        ".rb-chart-figure",
        "fs => fs.map(f => ({city: f.dataset.city, state: f.querySelector('.rb-chart').dataset.rendered,"
        " svg: !!f.querySelector('svg'), text: f.querySelector('svg') ? f.querySelector('svg').textContent : ''}))",
    )
    expected = {
        slug
        for slug, cc in book.chains.items()
        for c in cc.chains
        if c.type.value == kind and c.status == CellStatus.value
    }
    assert {c["city"] for c in charts} == expected
    for c in charts:
        assert c["state"] == "1" and c["svg"], c
        chain = next(x for x in book.chains[c["city"]].chains if x.type.value == kind)
        assert chain.nodes[0].actor[:4] in c["text"]
    assert page.console_errors == []
    assert browser.blocked == []


def test_printed_chain_page_contains_the_charts(browser, site_url, tmp_path):
    page = browser.page()
    page.goto(site_url + "chains/meeting/")
    page.wait_for_function("() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered)")
    page.emulate_media(media="print")
    visible = page.eval_on_selector_all(
        ".rb-chart svg", "ss => ss.filter(s => s.getBoundingClientRect().height > 20).length"
    )
    assert visible >= 4
    pdf = page.pdf(path=str(tmp_path / "meeting.pdf"), format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 20000


@pytest.mark.parametrize("width", [1280, 390])
def test_charts_fit_with_text_of_12px_or_more_and_link_a_real_svg_file(browser, site_url, width):
    page = browser.page(width, 900 if width > 400 else 844)
    for kind in ("incoming", "outgoing", "meeting"):
        page.goto(site_url + f"chains/{kind}/")
        charts = page.evaluate(
            """() => [...document.querySelectorAll('.rb-chart')].map(c => {
              const svg = c.querySelector('svg'), r = svg.getBoundingClientRect(), box = c.getBoundingClientRect();
              const scale = r.width / svg.viewBox.baseVal.width, size = parseFloat(svg.getAttribute('font-size'));
              const texts = [...svg.querySelectorAll('text')];
              const out = t => { const rect = t.closest('a, g').querySelector('rect').getBBox(), b = t.getBBox();
                                 return b.x + b.width > rect.x + rect.width + 0.5; };
              return {inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5,
                      scroll: c.scrollWidth - c.clientWidth, px: size * scale, over: texts.filter(out).length}; })"""
        )
        assert charts, kind
        for c in charts:
            assert c["inside"] and c["scroll"] <= 0, (kind, width, c)  # no box cut, no sideways scroll
            assert c["px"] >= 12, (kind, width, c)
            assert c["over"] == 0, (kind, width, c)  # no text runs out of its box
        links = page.eval_on_selector_all(".rb-chart-figure .rb-chart-tools a", "as => as.map(a => a.href)")
        assert len(links) == len(charts) and all(h.startswith(site_url) and h.endswith(".svg") for h in links)
        page.screenshot(path=f"/tmp/rb-chart-{kind}-{width}.png", full_page=True)
    # The full-size view is the file itself: an SVG image whose steps link to the articles.
    response = page.goto(links[0])
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")
    href = page.evaluate("() => document.querySelector('a').getAttribute('href')")
    assert page.evaluate(f"() => new URL({href!r}, location.href).pathname").startswith("/cities/")
    assert page.console_errors == []
