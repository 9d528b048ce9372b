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
    marks = page.eval_on_selector_all(".rb-two-left mark.rb-same", "ms => ms.map(m => m.textContent.length)")
    assert len(marks) > 5
    # only runs of 4+ characters count as shared wording (a run may be split by an article break)
    assert sum(n >= 4 for n in marks) >= len(marks) - 2, marks
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


# For every comparison cell on screen: is its city's name and its attribute's name on screen too,
# not hidden under something else? (elementFromPoint at the label's centre finds the label.)
_LABELS_ON_SCREEN = """() => {
  const vw = innerWidth, vh = innerHeight, problems = [];
  let cells = 0;
  // el is on screen at horizontal position atX (default: its centre), not covered by anything
  const shown = (el, atX) => {
    const r = el.getBoundingClientRect();
    const x = atX === undefined ? r.left + r.width / 2 : atX, y = Math.min(Math.max(r.top + r.height / 2, 0), vh - 1);
    if (r.width < 1 || r.right < 2 || r.left > vw - 2 || r.bottom < 2 || r.top > vh - 2) return false;
    const hit = document.elementFromPoint(x, y);
    return !!hit && (el === hit || el.contains(hit));
  };
  const headers = [...document.querySelectorAll('table.rb-sortable thead th')];
  const phone = getComputedStyle(document.querySelector('table.rb-sortable thead')).position === 'absolute';
  document.querySelectorAll('table.rb-sortable tbody tr').forEach((tr) => {
    [...tr.cells].forEach((td, col) => {
      if (td.tagName !== 'TD') return;
      const r = td.getBoundingClientRect();
      const box = td.closest('.rb-compare-scroll').getBoundingClientRect();
      const cx = (Math.max(r.left, box.left, 0) + Math.min(r.right, box.right, vw)) / 2;
      const cy = (Math.max(r.top, box.top, 48) + Math.min(r.bottom, box.bottom, vh)) / 2;
      if (cx <= 0 || cy <= 48 || cx >= vw || cy >= vh) return;
      const hit = document.elementFromPoint(cx, cy);
      if (!hit || !td.contains(hit)) return;  // this cell is not what the reader sees there
      cells++;
      const city = tr.querySelector('th[scope=row]');
      if (!shown(city)) problems.push('city hidden: ' + tr.dataset.city + ' / ' + col);
      if (phone) {
        const label = getComputedStyle(td, '::before').content;
        if (!label.includes(td.dataset.label)) problems.push('no label in card: ' + tr.dataset.city + ' / ' + col);
      } else if (!shown(headers[col], cx)) {
        problems.push('attribute hidden: ' + headers[col].textContent + ' / ' + tr.dataset.city);
      }
    });
  });
  return {cells, problems};
}"""


@pytest.mark.parametrize("size", [(1280, 900), (390, 844)])
def test_city_and_attribute_stay_on_screen_after_scrolling(browser, site_url, size):
    page = browser.page(*size)
    page.goto(site_url + "compare/meetings/")
    box = page.locator(".rb-compare-scroll")
    seen = 0
    # On a desktop the table scrolls inside its box (which fits the window): bring the box under the
    # header, then scroll it to its right edge and down. On a phone the cards scroll with the page.
    for down in (0, 300, 700, 1200, 2500):
        page.evaluate(
            """(down) => { const b = document.querySelector('.rb-compare-scroll');
            const phone = b.scrollHeight <= b.clientHeight;
            window.scrollTo(0, b.getBoundingClientRect().top + scrollY - 60 + (phone ? down : 0));
            b.scrollLeft = b.scrollWidth; b.scrollTop = down; }""",
            down,
        )
        page.wait_for_timeout(50)
        result = page.evaluate(_LABELS_ON_SCREEN)
        assert result["problems"] == [], (size, down, result["problems"][:5])
        seen += result["cells"]
    assert seen >= 10
    if size[0] == 1280:  # wide enough that it scrolls, and the page gives it the full width
        assert box.evaluate("b => b.scrollWidth > b.clientWidth && b.scrollLeft > 0")
        assert box.evaluate("b => b.clientWidth") > 1000
    assert page.console_errors == []


def test_dark_mode_follows_the_system_toggles_and_persists(browser, site_url):
    page = browser.page()
    page.emulate_media(color_scheme="dark")
    page.goto(site_url + "compare/meetings/")
    scheme = "() => document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "slate"
    page.click("label.md-header__button[for^=__palette]:visible")
    assert page.evaluate(scheme) == "default"
    page.goto(site_url + "cities/zhuzhou/")
    assert page.evaluate(scheme) == "default"  # the reader's choice is kept across pages
    bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert bg in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), bg
    assert page.console_errors == []


def test_keyboard_focus_on_city_checkboxes_is_visible(browser, site_url):
    page = browser.page()
    page.goto(site_url + "compare/meetings/")
    page.focus("form.rb-picker input[value=jixi]")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    style = page.evaluate(
        "() => { const e = document.activeElement, s = getComputedStyle(e);"
        " return [e.value, s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert style[0] == "jixi" and style[1] != "none" and style[2] >= 2, style
