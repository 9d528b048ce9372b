"""起草助手 (条文篮) in a real browser: add from three pages, reorder, persist, share, export .docx/.md
(read back with python-docx), citations menu, sub-path and file://, axe on the basket page."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import docx
import jsonschema
import pytest
from conftest import ROOT
from docx.oxml.ns import qn

from rulebook.analysis import align
from rulebook.model.numerals import article_number
from rulebook.views import citations

pytestmark = pytest.mark.build
AXE = ROOT / "node_modules/axe-core/axe.min.js"
SCHEMA = json.loads((ROOT / "tests/fixtures/csl-data.json").read_text(encoding="utf-8"))
SHOTS = Path("/tmp/rb-basket-shots")
SERIOUS = ("serious", "critical")


def _count(page) -> int:
    return int(page.text_content(".rb-basket-badge .rb-basket-count"))


def _basket_ids(page) -> list[str]:
    page.wait_for_selector("#rb-basket[data-state=ready]")
    return page.eval_on_selector_all(".rb-basket-item", "els => els.map(e => e.dataset.id)")


def _fonts(style) -> dict[str, str]:
    rfonts = style.element.rPr.find(qn("w:rFonts"))
    return {k: rfonts.get(qn(f"w:{k}")) for k in ("eastAsia", "ascii", "hAnsi")}


def _check_docx(path: Path, book, ids: list[str], note: tuple[str, str], topics: list[str]) -> None:
    d = docx.Document(str(path))
    paras = [(p.style.name, p.text) for p in d.paragraphs]
    assert paras[0] == ("公文标题（方正小标宋简体）", "工作规则条文汇编（起草参考）")
    headings = [t for s, t in paras if s == "一级标题（黑体）"]
    assert headings == topics
    # Each clause: a heading (city and article, linked to it), its text line by line, its note (a
    # paragraph per line), then its source line with 文号 (or 文号不详) and the link.
    clause_heads = [p for p in d.paragraphs if p.style.name == "二级标题（楷体）"]
    assert [p.text for p in clause_heads] == [
        f"{book.city(i.split('.')[0]).name} {article_number(book.city(i.split('.')[0]).article(int(i.split('.')[1])))}"
        for i in ids
    ]
    for p, id_ in zip(clause_heads, ids, strict=True):
        slug, n = id_.split(".")
        assert p.hyperlinks[0].url.endswith(f"cities/{slug}/#art_{n}")
    texts = [t for _s, t in paras]
    pos = 0
    for id_ in ids:
        slug, n = id_.split(".")
        city, a = book.city(slug), book.city(slug).article(int(n))
        lines = a.text().split("\n")
        start = texts.index(f"{city.name} {article_number(a)}", pos) + 1
        assert texts[start : start + len(lines)] == lines
        after = start + len(lines)
        if id_ == note[0]:
            note_lines = note[1].split("\n")
            assert texts[after : after + len(note_lines)] == ["备注：" + note_lines[0], *note_lines[1:]]
            after += len(note_lines)
        cite = texts[after]
        assert cite.startswith("（出处：" + city.name + "，" + citations.short(city, a)), cite
        assert f"cities/{slug}" in cite and cite.rstrip("）").endswith(f"#art_{n}"), cite
        pos = after
    styles = {s.name: s for s in d.styles}
    # GB/T 9704 fonts by name, with the fallback every Chinese Windows has for Latin text and substitution.
    for name, east, fallback in (
        ("公文标题（方正小标宋简体）", "方正小标宋简体", "SimSun"),
        ("一级标题（黑体）", "黑体", "SimHei"),
        ("正文（仿宋_GB2312）", "仿宋_GB2312", "FangSong"),
    ):
        assert _fonts(styles[name]) == {"eastAsia": east, "ascii": fallback, "hAnsi": fallback}
    sec = d.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297  # A4
    footer_xml = sec.footer._element.xml
    assert "PAGE" in footer_xml  # a page-number field, not a typed number


def test_basket_across_pages_reorder_persist_share_export(browser, site_url, book, tmp_path):
    page = browser.page()
    # 1. a city page: one article, then one with its counterparts in the other cities.
    page.goto(site_url + "cities/zhuzhou/")
    page.click('.rb-article[data-n="44"] .rb-basket-add')
    assert _count(page) == 1
    assert page.get_attribute('.rb-article[data-n="44"] .rb-basket-add', "aria-pressed") == "true"
    matches = align.cached_alignment(book, ROOT / ".cache" / "align")
    counterparts = [f"{m.city}.{m.n}" for m in matches.same(("jixi", 40))]
    assert counterparts
    page.goto(site_url + "cities/jixi/")
    page.click('.rb-article[data-n="40"] .rb-basket-add-all')
    page.wait_for_function("n => rbBasket.items().length === n", arg=len({"zhuzhou.44", "jixi.40", *counterparts}))
    # 2. a 条文检索 result.
    page.goto(site_url + "lookup/?kw=" + "圈阅")
    page.wait_for_selector(".rb-lookup-hit .rb-basket-add")
    hit = page.eval_on_selector(".rb-lookup-hit[data-ref]", "e => e.dataset.ref").replace("/", ".")
    before = page.evaluate("rbBasket.items()")
    page.click(".rb-lookup-hit .rb-basket-add")
    expected = before + ([hit] if hit not in before else [])
    # 3. a 他市相似条文 item on another city page.
    page.goto(site_url + "cities/ziyang/")
    first_similar = page.eval_on_selector(".rb-similar li > a", "a => a.getAttribute('href')")
    sim = first_similar.split("cities/")[1].replace("/#art_", ".")
    page.eval_on_selector(".rb-similar", "d => d.open = true")
    page.click(".rb-similar li .rb-basket-add")
    if sim not in expected:
        expected.append(sim)
    assert page.evaluate("rbBasket.items()") == expected
    assert _count(page) == len(expected)

    # The basket page: grouped by topic in taxonomy order.
    page.click(".rb-basket-badge")
    shown = _basket_ids(page)
    assert sorted(shown) == sorted(expected)
    topics = page.eval_on_selector_all(".rb-basket-group > h2", "els => els.map(e => e.textContent)")
    order = [t.label for t in book.topics()] + ["未分主题"]
    assert topics == sorted(topics, key=order.index)

    # Reorder by keyboard inside a group of two or more: 下移 on its first clause.
    group = page.locator(".rb-basket-group").filter(has=page.locator(".rb-basket-item + .rb-basket-item")).first
    first, second = group.locator(".rb-basket-item").evaluate_all("els => els.slice(0, 2).map(e => e.dataset.id)")
    group.locator(f'.rb-basket-item[data-id="{first}"] .rb-basket-move', has_text="下移").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "ids => { const e = [...document.querySelectorAll('.rb-basket-item')].map(x => x.dataset.id);"
        " return e.indexOf(ids[1]) < e.indexOf(ids[0]); }",
        arg=[first, second],
    )
    # Focus follows the moved clause, so the key can be pressed again.
    assert page.evaluate("document.activeElement.closest('.rb-basket-item').dataset.id") == first
    # A note, and one clause removed.
    note = (first, "拟采纳，<b>改为</b>每月两次\n第二行：报市长审定")  # a line break kept in both exports
    page.fill(f'.rb-basket-item[data-id="{first}"] textarea', note[1])
    page.locator(f'.rb-basket-item[data-id="{first}"] textarea').blur()
    removed = _basket_ids(page)[-1]
    page.click(f'.rb-basket-item[data-id="{removed}"] .rb-basket-remove')
    page.wait_for_function("id => !document.querySelector(`.rb-basket-item[data-id='${id}']`)", arg=removed)
    ordered = _basket_ids(page)
    assert removed not in ordered and ordered.index(first) > ordered.index(second)

    # Reload: persisted, with the note (shown as text, not markup).
    page.reload()
    assert _basket_ids(page) == ordered
    assert page.input_value(f'.rb-basket-item[data-id="{first}"] textarea') == note[1]
    topics = page.eval_on_selector_all(".rb-basket-group > h2", "els => els.map(e => e.textContent)")

    SHOTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "basket.png"), full_page=False)
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["nodes"][0]["html"][:100]) for v in result["violations"] if v["impact"] in SERIOUS]
    assert serious == []

    # Exports: .docx read back with python-docx, Markdown as text.
    with page.expect_download() as dl:
        page.click("[data-rb-export=docx]")
    path = tmp_path / "basket.docx"
    dl.value.save_as(path)
    _check_docx(path, book, ordered, note, topics)
    with page.expect_download() as dl:
        page.click("[data-rb-export=md]")
    md_path = tmp_path / "basket.md"
    dl.value.save_as(md_path)
    md = md_path.read_text(encoding="utf-8")
    assert md.startswith("# 工作规则条文汇编（起草参考）")
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == topics
    assert "> 备注：拟采纳，\\<b\\>改为\\</b\\>每月两次\n>\n> 第二行：报市长审定\n" in md  # every line quoted
    # a heading per clause, linked to its article, before its text
    heads = [line for line in md.splitlines() if line.startswith("### ")]
    assert len(heads) == len(ordered) and all("](<" in h and "#art_" in h for h in heads)
    zhuzhou = book.city("zhuzhou")
    if "zhuzhou.44" in ordered:
        assert "出处：株洲市，" + citations.short(zhuzhou, zhuzhou.article(44)) in md

    # The share link, opened in a fresh browser context, restores the same basket in the same order.
    link = page.input_value(".rb-basket-link")
    assert link.endswith("#b=" + ",".join(ordered))
    fresh = browser.page()
    fresh.goto(link)
    fresh.wait_for_selector(".rb-basket-offer[data-state=ready]")
    assert _basket_ids(fresh) == []  # nothing added before the reader says so
    fresh.click(".rb-basket-offer-add")
    fresh.wait_for_function("n => document.querySelectorAll('.rb-basket-item').length === n", arg=len(ordered))
    assert _basket_ids(fresh) == ordered
    assert _count(fresh) == len(ordered)
    assert page.console_errors == [] and fresh.console_errors == []
    assert browser.blocked == []


def test_cite_menu_strings_and_downloads(browser, site_url, book, tmp_path):
    page = browser.page()
    today = datetime.date.today().isoformat()
    for slug, n in (("zhuzhou", 44), ("liyang", 3)):
        city = book.city(slug)
        page.goto(site_url + f"cities/{slug}/")
        art = f'.rb-article[data-n="{n}"]'
        page.click(f"{art} .rb-cite-menu summary")
        page.wait_for_selector(f"{art} .rb-cite-gbt")
        url = site_url + f"cities/{slug}/#art_{n}"
        assert page.text_content(f"{art} .rb-cite-short") == citations.short(city, city.article(n)) + " " + url
        assert page.text_content(f"{art} .rb-cite-gbt") == citations.gbt7714(city, today, url)
        with page.expect_download() as dl:
            page.click(f"{art} .rb-cite-csl")
        dl.value.save_as(tmp_path / "c.json")
        items = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
        jsonschema.validate(items, SCHEMA)
        assert items[0]["URL"] == url and items[0]["title"] == city.title
        with page.expect_download() as dl:
            page.click(f"{art} .rb-cite-ris")
        dl.value.save_as(tmp_path / "c.ris")
        ris = (tmp_path / "c.ris").read_bytes().decode("utf-8")
        assert ris == citations.ris_text(citations.ris(city, city.article(n)), today, url)
    # The whole document's menu.
    page.click(".rb-cite-menu--doc summary")
    page.wait_for_selector(".rb-cite-menu--doc .rb-cite-short")
    assert page.text_content(".rb-cite-menu--doc .rb-cite-short").startswith("《溧阳市人民政府工作规则》（文号不详） ")
    assert page.console_errors == [] and browser.blocked == []
    # A filled basket in the dark scheme (the workflow test checks the light one): axe finds nothing serious.
    dark = browser.page()
    dark.emulate_media(color_scheme="dark")  # a first visit follows the system's scheme
    dark.goto(site_url + "drafting/#b=zhuzhou.44,liyang.3")
    dark.click(".rb-basket-offer-add")
    dark.wait_for_selector(".rb-basket-item >> nth=1")
    assert sorted(_basket_ids(dark)) == ["liyang.3", "zhuzhou.44"]  # regrouped by topic
    assert dark.evaluate("() => document.body.dataset.mdColorScheme") == "slate"
    dark.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = dark.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert [v["id"] for v in result["violations"] if v["impact"] in SERIOUS] == []


def test_basket_under_sub_path(browser, nginx_url):
    page = browser.page()
    page.goto(nginx_url + "cities/chenzhou/")
    page.click('.rb-article[data-n="35"] .rb-basket-add')
    assert page.get_attribute(".rb-basket-badge", "href").endswith("drafting/")
    page.click(".rb-basket-badge")
    assert page.url.startswith(nginx_url + "drafting/")
    assert _basket_ids(page) == ["chenzhou.35"]
    with page.expect_download() as dl:
        page.click("[data-rb-export=docx]")
    assert dl.value.suggested_filename.endswith(".docx")
    assert page.console_errors == [] and browser.blocked == []


def test_basket_from_file_url(browser, offline_dir, book, tmp_path):
    page = browser.page()
    page.goto((offline_dir / "cities/zhuzhou.html").as_uri())
    page.click('.rb-article[data-n="44"] .rb-basket-add-all')
    n = 1 + len(align.cached_alignment(book, ROOT / ".cache" / "align").same(("zhuzhou", 44)))
    page.wait_for_function("n => rbBasket.items().length === n", arg=n)
    page.click(".rb-basket-badge")
    assert page.url.endswith("drafting/index.html")
    ids = _basket_ids(page)
    assert len(ids) == n and "zhuzhou.44" in ids
    with page.expect_download() as dl:
        page.click("[data-rb-export=docx]")
    dl.value.save_as(tmp_path / "offline.docx")
    d = docx.Document(str(tmp_path / "offline.docx"))
    source = "（出处：株洲市，《株洲市人民政府工作规则》（株政发〔2022〕1号）第四十四条"
    assert any(p.text.startswith(source) for p in d.paragraphs)
    assert page.console_errors == [] and browser.blocked == []


def test_concordance_cells_add_and_export_to_word(browser, site_url, book, tmp_path):
    page = browser.page()
    page.goto(site_url + "compare/decision/")
    box = ".rb-concordance[data-topic=decision]"
    rows = page.eval_on_selector_all(
        f"{box} tbody tr",
        "trs => trs.map(tr => [...tr.querySelectorAll('td > a')].map(a => a.getAttribute('href')))",
    )
    assert rows and all(rows)
    # A cell's own control adds that article.
    first = rows[0][0].split("cities/")[1].replace("/#art_", ".")
    page.click(f"{box} tbody tr td .rb-basket-add")
    assert page.evaluate("rbBasket.items()") == [first]
    with page.expect_download() as dl:
        page.click(f"{box} .rb-concordance-export")
    dl.value.save_as(tmp_path / "grid.docx")
    d = docx.Document(str(tmp_path / "grid.docx"))
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "逐条对照：" + next(t.label for t in book.topics() if t.id == "decision")
    groups = [t for t in texts if t.startswith("第 ") and t.endswith(" 组")]
    assert groups == [f"第 {i} 组" for i in range(1, len(rows) + 1)]
    # Row 1: each city's clause, then its citation, in the table's column order.
    start = texts.index("第 1 组")
    cites = [t for t in texts[start : texts.index("第 2 组") if len(rows) > 1 else None] if t.startswith("（出处：")]
    expected = []
    for href in rows[0]:
        slug, n = href.split("cities/")[1].split("/#art_")
        city = book.city(slug)
        expected.append("（出处：" + city.name + "，" + citations.short(city, city.article(int(n))))
    assert [c.split(" ")[0] for c in cites] == expected
    assert page.console_errors == [] and browser.blocked == []


def _requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    return urls


def test_share_links_never_erase_the_basket_and_bad_ids_are_dropped_before_any_request(browser, site_url):
    """Issue 30.3: a share link is offered, not applied; #b= and a malformed escape change nothing and
    break nothing; made-up ids cost no request and never reach storage; the number of ids is capped."""
    page = browser.page()
    page.goto(site_url + "drafting/")
    items = [{"id": "zhuzhou.44", "note": "我的备注"}, {"id": "jixi.2", "note": ""}]
    page.evaluate("items => localStorage.setItem('rb-basket-v1', JSON.stringify(items))", items)

    def stored() -> list[dict]:
        return page.evaluate("JSON.parse(localStorage.getItem('rb-basket-v1'))")

    mine = stored()
    page.goto(site_url + "cities/jixi/")  # the link is opened as a new page, as from a message
    # 1. a link to one clause: shown with what would change; the basket untouched until the reader adds it
    page.goto(site_url + "drafting/#b=ziyang.3,zhuzhou.44")
    page.wait_for_selector(".rb-basket-offer[data-state=ready]")
    summary = page.text_content(".rb-basket-offer-summary")
    assert "链接中有 2 条：1 条已在您的条文篮中，1 条可以加入" in summary and "不会删除" in summary
    assert page.eval_on_selector_all(".rb-basket-offer-list a", "as => as.map(a => a.textContent)") == [
        "资阳市 第三条",
        "株洲市 第四十四条",
    ]
    assert stored() == mine and sorted(_basket_ids(page)) == ["jixi.2", "zhuzhou.44"]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "share-offer.png"))
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run('.rb-basket-offer', {resultTypes: ['violations']})")
    assert [v["id"] for v in result["violations"] if v["impact"] in SERIOUS] == []
    page.click(".rb-basket-offer-add")
    page.wait_for_function("() => !document.querySelector('.rb-basket-offer')")
    assert stored() == [*mine, {"id": "ziyang.3", "note": ""}]  # added, the note kept
    assert "#" not in page.url
    # 2. declined: nothing changes
    before = stored()
    page.goto(site_url + "drafting/#b=liyang.3")
    page.click(".rb-basket-offer-dismiss")
    assert stored() == before and not page.query_selector(".rb-basket-offer")
    # 3. an empty link and a malformed escape: a message, no error, nothing changed
    for link in ("#b=", "#b=%E0%A4%A,jixi.2"):
        page.goto(site_url + "drafting/" + link)
        page.wait_for_selector(".rb-basket-offer[data-state=ready]")
        page.wait_for_selector("#rb-basket[data-state=ready]")
        assert stored() == before
        text = page.text_content(".rb-basket-offer")
        if "%" in link:
            assert "已忽略 1 个无效编号" in text and "1 条已在您的条文篮中，0 条可以加入" in text
        else:
            assert "没有本站能找到的条文" in text
        page.click(".rb-basket-offer-dismiss")
    # 4. 3,000 made-up ids (and a few over the cap): no request for them, dropped with a message, none stored
    made_up = [f"nocity{i}.{i}" for i in range(3000)] + ["jixi.99999", "constructor.1"]
    fresh = browser.page()
    urls = _requests(fresh)
    fresh.goto(site_url + "drafting/#b=" + ",".join(["liyang.3", *made_up]))
    fresh.wait_for_selector(".rb-basket-offer[data-state=ready]")
    basket_requests = [u for u in urls if "/basket/" in u]
    assert sorted(u.split("/basket/")[1] for u in basket_requests) == ["liyang.js", "meta.js"]
    text = fresh.text_content(".rb-basket-offer")
    assert "链接中有 1 条" in text and "已忽略 299 个无效编号" in text
    assert "超过上限 300 个，其余 2703 个未读取" in text
    fresh.click(".rb-basket-offer-add")
    fresh.wait_for_selector(".rb-basket-item")
    assert fresh.evaluate("JSON.parse(localStorage.getItem('rb-basket-v1'))") == [{"id": "liyang.3", "note": ""}]
    # a later visit requests only what the basket holds
    urls.clear()
    fresh.goto(site_url + "drafting/")
    fresh.wait_for_selector("#rb-basket[data-state=ready]")
    assert sorted(u.split("/basket/")[1] for u in urls if "/basket/" in u) == ["liyang.js", "meta.js"]
    # the header search box's own decode of the fragment is guarded too
    fresh.goto(site_url + "cities/jixi/?hl=%E5%8F%91#%E0%A4%A")
    fresh.wait_for_selector(".rb-article")
    assert page.console_errors == [] and fresh.console_errors == []
    assert browser.blocked == []
