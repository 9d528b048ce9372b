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


def _two_rows(page):
    return page.eval_on_selector_all(
        ".rb-two-table tbody tr",
        """rs => rs.map(r => ({
            links: [...r.cells].map(c => (c.querySelector('a.rb-two-link') || {}).textContent || null),
            hrefs: [...r.cells].map(c => c.querySelector('a.rb-two-link')?.getAttribute('href') || null),
            del: [...r.cells[0].querySelectorAll('del')].map(e => e.textContent),
            ins: [...r.cells[1].querySelectorAll('ins')].map(e => e.textContent),
            plain: [...r.cells].map(c => [...(c.querySelector('.rb-two-text') || {childNodes: []}).childNodes]
                .filter(n => n.nodeType === 3).map(n => n.textContent).join('|')),
            text: [...r.cells].map(c => c.textContent),
        }))""",
    )


def test_two_city_compare_pairs_clauses_and_diffs_them(browser, site_url):
    page = browser.page()
    page.goto(site_url + "compare/meetings/?a=chenzhou&b=zhuzhou")
    page.wait_for_selector(".rb-two-rows[data-rendered='chenzhou/zhuzhou']")
    rows = _two_rows(page)
    by_left = {r["links"][0]: r for r in rows if r["links"][0]}
    # 常务会议 composition and tasks: 郴州 35 beside 株洲 44, each linked to its article
    standing = by_left["第三十五条"]
    assert standing["links"][1] == "第四十四条"
    assert standing["hrefs"] == ["../../cities/chenzhou/#art_35", "../../cities/zhuzhou/#art_44"]
    # 郴州 names 巡视员、副巡视员 among the members, 株洲 does not; both open with the meeting's name
    assert any("巡视员、副巡视员" in d for d in standing["del"]), standing["del"]
    assert not any("巡视员" in i for i in standing["ins"])
    assert standing["plain"][0].startswith("市人民政府常务会议由市长、副市长")
    assert standing["plain"][1].startswith("市人民政府常务会议由市长、副市长")
    assert "同左" not in standing["text"][1]
    # 株洲 28 and 47 have no counterpart among 郴州's meeting articles: rows of their own
    unpaired = [r["links"][1] for r in rows if r["links"][0] is None]
    assert {"第二十八条", "第四十七条"} <= set(unpaired)
    assert all("左市无对应条文" in r["text"][0] for r in rows if r["links"][0] is None)
    assert len(rows) == len(by_left) + len(unpaired)  # every article of both cities shown once
    assert page.locator(".rb-two-score").count() == sum(1 for r in rows if all(r["links"]))
    page.select_option(".rb-two-b", "jixi")
    page.wait_for_selector(".rb-two-rows[data-rendered='chenzhou/jixi']")
    assert "b=jixi" in page.url
    assert page.locator(".rb-two-table th").all_inner_texts() == ["郴州市", "鸡西市"]
    assert page.locator(".rb-two-table ins").count() > 0 and page.locator(".rb-two-table del").count() > 0
    assert page.console_errors == []
    assert browser.blocked == []


def test_two_city_compare_writes_same_as_left_and_escapes(browser, site_url):
    """No two real articles are identical, so the rendering code gets a constructed pair of cities."""
    page = browser.page()
    page.goto(site_url + "compare/meetings/")
    page.wait_for_selector(".rb-two-rows[data-rendered]")
    out = page.evaluate(
        """async () => {
            const T = window.RulebookTwo, Dmp = await T.loadDiff('../../');
            const art = (n, text, m) => ({n, label: '第' + n + '条', anchor: 'art_' + n, text, m});
            const a = {id: 'x', name: '甲市', complete: true, articles: [
                art(1, '会议由<b>市长</b>主持。', {y: [1, 0.9]}), art(2, '每月召开一次。', {y: [2, 0.5]}),
                art(3, '仅甲市有。', {})]};
            const b = {id: 'y', name: '乙市', complete: true, articles: [
                art(1, '会议由<b>市长</b>主持。', {x: [1, 0.9]}), art(2, '每月召开两次。', {x: [2, 0.5]})]};
            const t = T.renderTable(Dmp, a, b, '../../', '/');
            return [...t.tBodies[0].rows].map(r => ({
                right: r.cells[1].textContent, rightHtml: r.cells[1].innerHTML, left: r.cells[0].innerHTML,
                ins: [...r.cells[1].querySelectorAll('ins')].map(e => e.textContent),
                del: [...r.cells[0].querySelectorAll('del')].map(e => e.textContent)}));
        }"""
    )
    assert "同左" in out[0]["right"] and "市长" not in out[0]["right"]  # identical: 同左, text not repeated
    assert "&lt;b&gt;市长&lt;/b&gt;" in out[0]["left"] and "<b>" not in out[0]["left"]  # data is text, never markup
    assert out[1]["del"] == ["一"] and out[1]["ins"] == ["两"]
    assert "同左" not in out[1]["right"]
    assert "右市无对应条文" in out[2]["right"]
    assert page.console_errors == []


# Every del/ins of the rendered pairs, with its class, and whether it starts and ends on a boundary of
# the jieba tokens the build shipped for its article ("w": one base-36 digit per token length).
_WORD_MARKS = """() => {
  const data = JSON.parse(document.querySelector('.rb-two-data').textContent);
  const a = document.querySelector('.rb-two-a').value, b = document.querySelector('.rb-two-b').value;
  const out = [];
  document.querySelectorAll('.rb-two-table tbody tr.rb-two-pair').forEach((tr) => {
    const labels = [...tr.cells].map(c => c.querySelector('a.rb-two-link').textContent);
    [a, b].forEach((city, side) => {
      const art = data[city].articles.find(x => x.label === labels[side]);
      const ends = new Set([0]);
      let at = 0;
      for (const d of art.w) { at += parseInt(d, 36); ends.add(at); }
      let pos = 0;
      const text = tr.cells[side].querySelector('.rb-two-text');
      text.childNodes.forEach((n) => {
        const len = Array.from(n.textContent).length;
        if (n.nodeType === 1 && (n.tagName === 'DEL' || n.tagName === 'INS')) {
          out.push({row: labels.join('/'), tag: n.tagName.toLowerCase(), text: n.textContent, cls: n.className,
                    whole: ends.has(pos) && ends.has(pos + len)});
        }
        pos += len;
      });
    });
  });
  return out;
}"""


def test_two_city_diff_marks_whole_words_wording_quietly_and_numbers_strongly(browser, site_url):
    page = browser.page()
    # 郴州 41 / 鸡西 50 (公文报送): a character diff marked 意 against 志 (同意/同志) and 人民 inside words
    page.goto(site_url + "compare/documents/?a=chenzhou&b=jixi#two")
    page.wait_for_selector(".rb-two-rows[data-rendered='chenzhou/jixi']")
    legend = page.locator(".rb-two-legend").text_content()
    assert "按词标出" in legend and "淡色为用字差异" in legend and "加粗为数字、主体、期限" in legend
    marks = page.evaluate(_WORD_MARKS)
    assert len(marks) > 20
    assert [m for m in marks if not m["whole"]] == []  # no mark splits a token
    assert not {m["text"] for m in marks} & {"意", "志", "人民"}
    row = [m for m in marks if m["row"] == "第四十一条/第五十条"]
    quiet = {(m["tag"], m["text"]) for m in row if m["cls"] == "rb-diff-quiet"}
    assert {("del", "市人民政府"), ("ins", "市政府")} <= quiet, row
    # 常务会议 frequency: 郴州 35 每月召开两次, 溧阳 41 每月召开一次 — a number, so marked strongly
    page.goto(site_url + "compare/meetings/?a=chenzhou&b=liyang#two")
    page.wait_for_selector(".rb-two-rows[data-rendered='chenzhou/liyang']")
    marks = page.evaluate(_WORD_MARKS)
    assert [m for m in marks if not m["whole"]] == []
    row = [m for m in marks if m["row"] == "第三十五条/第四十一条"]
    keyed = {(m["tag"], m["text"]) for m in row if m["cls"] == "rb-diff-key"}
    assert {("del", "两次"), ("ins", "一次")} <= keyed, row
    standing = next(r for r in _two_rows(page) if r["links"][0] == "第三十五条")
    assert "一般每月召开" in standing["plain"][0] and "一般每月召开" in standing["plain"][1]  # shared, unmarked
    # the marks' classes are the only ones used, and the quiet colour differs from the text's
    assert {m["cls"] for m in marks} <= {"", "rb-diff-quiet", "rb-diff-key"}
    colours = page.evaluate(
        """() => [document.querySelector('.rb-two-table del.rb-diff-quiet'), document.querySelector('.rb-two-text')]
            .map(e => getComputedStyle(e).color)"""
    )
    assert colours[0] != colours[1]
    weight = page.evaluate("() => getComputedStyle(document.querySelector('.rb-two-table .rb-diff-key')).fontWeight")
    assert int(weight) >= 700
    assert page.console_errors == []
    assert browser.blocked == []


def test_two_city_compare_stacks_on_a_phone(browser, site_url, tmp_path):
    page = browser.page(width=390, height=844)
    page.goto(site_url + "compare/meetings/?a=chenzhou&b=zhuzhou#two")
    page.wait_for_selector(".rb-two-rows[data-rendered]")
    first = page.locator(".rb-two-table tbody tr").first
    left, right = first.locator("td").nth(0).bounding_box(), first.locator("td").nth(1).bounding_box()
    assert right["y"] >= left["y"] + left["height"] - 1  # the right side sits below the left one
    assert first.locator("td .rb-two-city").first.is_visible()  # each stacked cell names its city
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
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
    if size[0] == 1280:  # wide enough that it scrolls; the page gives it all but the table of contents
        assert box.evaluate("b => b.scrollWidth > b.clientWidth && b.scrollLeft > 0")
        assert box.evaluate("b => b.clientWidth") > 900
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
