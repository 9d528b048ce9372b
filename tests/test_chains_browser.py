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


def test_chart_node_text_is_at_least_12px_at_1280_and_has_a_full_size_link(browser, site_url):
    page = browser.page(1280, 900)
    for kind in ("incoming", "outgoing", "meeting"):
        page.goto(site_url + f"chains/{kind}/")
        page.wait_for_function("() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered)")
        # rendered size = the label's CSS font size x the SVG's scale on screen (viewBox -> pixels)
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('.rb-chart .node')].map(n => {
              const t = n.querySelector('foreignObject span, foreignObject div, text');
              const svg = n.closest('svg');
              return parseFloat(getComputedStyle(t).fontSize)
                * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; })"""
        )
        assert sizes and min(sizes) >= 12, (kind, min(sizes))
        links = page.eval_on_selector_all(".rb-chart-figure .rb-chart-tools a", "as => as.map(a => a.href)")
        assert len(links) == page.locator(".rb-chart").count() and all(h.startswith("blob:") for h in links)
    assert page.console_errors == []
