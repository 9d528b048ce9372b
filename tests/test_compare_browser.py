"""Comparison pages in a real headless Chromium (non-localhost requests blocked)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.build


def _visible_rows(page):
    return page.eval_on_selector_all(
        "table.rb-sortable tbody tr", "rs => rs.filter(r => !r.hidden).map(r => r.dataset.city)"
    )


def test_city_picker_filters_rows_and_lives_in_the_url(browser, site_url):
    page = browser.page()
    page.goto(site_url + "compare/meetings/")
    assert len(_visible_rows(page)) == 5
    page.uncheck("form.rb-picker input[value=jixi]")
    assert "jixi" not in _visible_rows(page)
    assert "cities=" in page.url and "jixi" not in page.url.split("cities=")[1]
    shared = page.url
    page2 = browser.page()
    page2.goto(shared)
    assert sorted(_visible_rows(page2)) == sorted(r for r in ["chenzhou", "zhuzhou", "ziyang", "liyang"])
    assert page.console_errors == [] and page2.console_errors == []


def test_numeric_column_sorts(browser, site_url):
    page = browser.page()
    page.goto(site_url + "compare/meetings/")
    page.click("th[data-attr=standing_frequency] button.rb-sort")
    col = page.eval_on_selector_all("thead th", "hs => hs.findIndex(h => h.dataset.attr === 'standing_frequency')")
    nums = page.eval_on_selector_all(
        "table.rb-sortable tbody tr", f"rs => rs.map(r => r.cells[{col}].getAttribute('data-sort'))"
    )
    present = [float(n) for n in nums if n is not None]
    assert len(present) >= 3 and present == sorted(present)
    assert nums[: len(present)] == [n for n in nums if n is not None]  # numbers first, unknowns last
    page.click("th[data-attr=standing_frequency] button.rb-sort")
    nums = page.eval_on_selector_all(
        "table.rb-sortable tbody tr", f"rs => rs.map(r => r.cells[{col}].getAttribute('data-sort'))"
    )
    assert [float(n) for n in nums if n is not None] == sorted(present, reverse=True)
    assert page.console_errors == []


def test_two_city_compare_highlights_shared_text(browser, site_url):
    page = browser.page()
    page.goto(site_url + "compare/meetings/?a=chenzhou&b=zhuzhou")
    left = page.inner_text(".rb-two-left")
    assert "郴州市" in left
    marks = page.eval_on_selector_all(".rb-two-left mark.rb-same", "ms => ms.length")
    assert marks > 5
    page.select_option(".rb-two-b", "jixi")
    assert "鸡西市" in page.inner_text(".rb-two-right")
    assert "b=jixi" in page.url
    assert page.console_errors == []


def test_no_external_requests_on_comparison_pages(browser, site_url, book):
    page = browser.page()
    for t in book.taxonomy.topics:
        page.goto(site_url + f"compare/{t.id}/")
    assert browser.blocked == []
    assert page.console_errors == []
