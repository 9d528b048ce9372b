"""修订对照 (drafting/revise/) in headless Chromium: revisions of real city texts made by known edits
(tests/fixtures/revise_cases.json, applied by tests/js/revise-recipe.js) come back row by row without a
single request; an unrelated text pairs with almost nothing; 80 articles against 80 in under 500 ms; the
.docx, .xlsx and Markdown exports read back as the table says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rulebook.build import pages

ROOT = Path(__file__).resolve().parent.parent
CASES = json.loads((ROOT / "tests/fixtures/revise_cases.json").read_text(encoding="utf-8"))
RECIPE = ROOT / "tests/js/revise-recipe.js"
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

OLD_TEXT = "第一条 市政府实行市长负责制。\n第二条 市长领导市政府的工作。\n第三条 常务会议每月召开两次。"
NEW_TEXT = "第一条 市政府实行市长负责制。\n第二条 市长领导市政府的全面工作。\n第三条 常务会议每月召开一次。"


def _open(browser, url: str):
    page = browser.page(width=1400)
    page.goto(url)
    page.wait_for_selector(".rb-revise")
    page.add_script_tag(path=str(RECIPE))
    return page


def _revise(page, city: str, recipe: dict) -> list[dict]:
    """Select the city as the current text, paste the draft the recipe makes of it, run: the expected rows."""
    made = page.evaluate(
        """([city, recipe]) => {
            const c = rbCheckCorpus.cities.find((x) => x.id === city);
            const arts = c.articles.map((a) => ({label: a[1], text: a[3]}));
            const style = /、$/.test(arts[0].label) ? "X、" : "第X条";
            const made = rbReviseRecipe.build(arts, style, recipe);
            return {text: made.text, rows: rbReviseRecipe.canon(made.rows)};
        }""",
        [city, recipe],
    )
    page.select_option("#rb-revise-city", city)
    page.fill("#rb-revise-new", made["text"])
    page.click(".rb-revise-run")
    page.wait_for_selector(".rb-revise-row")
    return made["rows"]


def _shown_rows(page) -> list[dict]:
    return page.evaluate(
        """() => rbReviseRecipe.canon([...document.querySelectorAll('.rb-revise-row')].map((tr) => ({
            kind: tr.dataset.kind,
            olds: tr.dataset.old ? tr.dataset.old.split(',').map(Number) : [],
            news: tr.dataset.new ? tr.dataset.new.split(',').map(Number) : [],
        })))"""
    )


def test_the_page_is_a_registry_kind():
    kind = pages.kind("revise")
    assert kind.macro == "revise_page" and not kind.searched
    assert kind.pages(None)[0].url == "drafting/revise/"


@pytest.mark.browser
@pytest.mark.parametrize("case", CASES["revisions"], ids=[c["city"] for c in CASES["revisions"]])
def test_known_edits_come_back_row_by_row_without_a_request(browser, site_url, case):
    page = _open(browser, site_url + "drafting/revise/")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    want = _revise(page, case["city"], case["recipe"])
    assert requests == []  # neither text leaves the browser
    assert _shown_rows(page) == want
    kinds = {r["kind"] for r in want}
    assert kinds == {"未改", "修改", "新增", "删除", "移动", "拆分", "合并"}
    summary = page.inner_text(".rb-revise-summary")
    n = {k: sum(r["kind"] == k for r in want) for k in kinds}
    assert summary.startswith(f"新增 {n['新增']} 条、删除 {n['删除']} 条、修改 {n['修改']} 条、未改 {n['未改']} 条")
    # a 修改 row marks what was struck and what was added; 未改 rows (renumbered) mark nothing
    mod = page.locator('.rb-revise-row[data-kind="修改"]').first
    assert mod.locator(".rb-revise-oldcell del, .rb-revise-newcell ins").count() > 0
    assert page.locator('.rb-revise-row[data-kind="未改"] del, .rb-revise-row[data-kind="未改"] ins').count() == 0
    assert page.console_errors == []


@pytest.mark.browser
def test_axe_on_the_filled_table(browser, site_url):
    # tests/test_accessibility.py checks the empty form; the table, its diff marks and note cells here
    page = _open(browser, site_url + "drafting/revise/")
    _revise(page, "jixi", CASES["revisions"][0]["recipe"])
    page.add_script_tag(content=(ROOT / "node_modules/axe-core/axe.min.js").read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']}: {v['nodes'][0]['html'][:120]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


@pytest.mark.browser
def test_an_unrelated_text_pairs_with_almost_nothing(browser, site_url):
    u = CASES["unrelated"]
    page = _open(browser, site_url + "drafting/revise/")
    page.select_option("#rb-revise-city", u["against"])
    page.fill("#rb-revise-new", u["text"])
    page.click(".rb-revise-run")
    page.wait_for_selector(".rb-revise-row")
    kinds = page.eval_on_selector_all(".rb-revise-row", "rs => rs.map((r) => r.dataset.kind)")
    paired = [k for k in kinds if k not in ("新增", "删除")]
    assert kinds.count("新增") + len(paired) == 12
    assert len(paired) / len(kinds) <= u["max_paired_share"], kinds


@pytest.mark.browser
def test_eighty_articles_against_eighty_in_under_half_a_second(browser, site_url):
    page = _open(browser, site_url + "drafting/revise/")
    texts = page.evaluate(
        """(recipe) => {
            const by = (id) => rbCheckCorpus.cities.find((c) => c.id === id).articles;
            const arts = by("jixi").concat(by("ziyang")).slice(0, 80)
                .map((a) => ({label: "", text: a[3]}));
            const L = (k) => rbReviseRecipe.label("第X条", k);
            const old = arts.map((a, k) => L(k + 1) + "　" + a.text).join("\\n");
            const made = rbReviseRecipe.build(arts, "第X条", recipe);
            return [old, made.text];  // the recipe deletes 2, inserts 2, splits 1, merges 2 into 1: 80 again
        }""",
        CASES["revisions"][0]["recipe"],
    )
    page.fill("#rb-revise-old", texts[0])
    page.fill("#rb-revise-new", texts[1])
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    ms = page.evaluate(
        """() => { const t0 = performance.now(); rbRevisePage.run(true);
            document.querySelector('.rb-revise-grid').getBoundingClientRect(); return performance.now() - t0; }"""
    )
    assert page.locator(".rb-check-splitlist").first.locator("li").count() == 80
    assert page.locator(".rb-check-splitlist").nth(1).locator("li").count() == 80
    assert page.locator(".rb-revise-row").count() >= 80
    assert ms < 500, f"{ms:.0f} ms"
    assert requests == []
    print(f"80 x 80 articles: split, paired and the table drawn in {ms:.0f} ms")


@pytest.mark.browser
def test_merge_corrects_the_split_and_notes_stay_in_the_browser(browser, site_url):
    page = _open(browser, site_url + "drafting/revise/")
    page.fill("#rb-revise-old", OLD_TEXT)
    page.fill("#rb-revise-new", NEW_TEXT)
    page.click(".rb-revise-run")
    page.wait_for_selector(".rb-revise-row")
    assert page.locator(".rb-revise-row").count() == 3
    page.click('button[aria-label="修订草案第二条并入上一条"]')
    assert page.locator('.rb-revise-splitside[data-side="new"] li').count() == 2
    note = page.locator('.rb-revise-row[data-kind="修改"] .rb-revise-note').first
    note.fill("根据实际调整会议频次。")
    page.reload()
    page.wait_for_selector(".rb-revise")
    page.fill("#rb-revise-old", OLD_TEXT)
    page.fill("#rb-revise-new", NEW_TEXT)
    page.click(".rb-revise-run")
    page.wait_for_selector(".rb-revise-row")
    page.click('button[aria-label="修订草案第二条并入上一条"]')
    values = page.eval_on_selector_all(".rb-revise-note", "ns => ns.map((n) => n.value)")
    assert "根据实际调整会议频次。" in values


@pytest.mark.browser
def test_exports_read_back_as_the_table_says(browser, site_url, tmp_path):
    docx = pytest.importorskip("docx")
    openpyxl = pytest.importorskip("openpyxl")
    case = CASES["revisions"][1]  # liyang
    page = _open(browser, site_url + "drafting/revise/")
    page.wait_for_load_state("load")
    _revise(page, case["city"], case["recipe"])
    rows = page.evaluate("rbRevisePage.result().rows")
    first_mod = next(k for k, r in enumerate(rows) if r["kind"] == "修改")
    page.locator(".rb-revise-note").nth(first_mod).fill("依据新要求修改。")
    files = {}
    for ext in ("docx", "xlsx", "md"):
        with page.expect_download() as dl:
            page.click(f".rb-revise-{ext}")
        files[ext] = tmp_path / f"table.{ext}"
        dl.value.save_as(files[ext])
    assert page.console_errors == []

    d = docx.Document(str(files["docx"]))
    assert d.paragraphs[0].text == "《溧阳市人民政府工作规则》修订前后对照表"
    sec = d.sections[0]
    assert sec.page_width > sec.page_height  # landscape A4
    assert abs(sec.page_width.mm - 297) < 1 and abs(sec.page_height.mm - 210) < 1
    table = d.tables[0]
    assert len(table.columns) == 3
    assert [c.text for c in table.rows[0].cells] == ["现行条文", "修订草案", "修改说明"]
    assert table.rows[0]._tr.find(f"{W_NS}trPr/{W_NS}tblHeader") is not None  # repeated on every page
    assert len(table.rows) == len(rows) + 1
    fonts = {r.element.rPr.rFonts.get(f"{W_NS}eastAsia") for r in table.rows[0].cells[0].paragraphs[0].runs}
    assert fonts == {"黑体"}
    for k, r in enumerate(rows):
        old, new, _ = table.rows[k + 1].cells
        struck = "".join(run.text for p in old.paragraphs for run in p.runs if run.font.strike)
        under = "".join(run.text for p in new.paragraphs for run in p.runs if run.font.underline)
        want_struck = "".join(t for op, t in (r["diff"] or []) if op == -1).replace("\n", "")
        want_under = "".join(t for op, t in (r["diff"] or []) if op == 1).replace("\n", "")
        assert (struck, under) == (want_struck, want_under), (k, r["kind"])
        if r["kind"] == "修改":
            body = {run.element.rPr.rFonts.get(f"{W_NS}eastAsia") for p in old.paragraphs for run in p.runs}
            assert body == {"仿宋_GB2312"}
    assert table.rows[first_mod + 1].cells[2].text == "依据新要求修改。"

    ws = openpyxl.load_workbook(files["xlsx"]).active
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["序号", "类型", "现行条次", "现行条文", "修订条次", "修订草案", "修改说明"]
    assert [ws.cell(k + 2, 2).value for k in range(len(rows))] == [r["kind"] for r in rows]
    assert ws.max_row == len(rows) + 1

    md = files["md"].read_text(encoding="utf-8")
    assert md.startswith("# 《溧阳市人民政府工作规则》修订前后对照表")
    assert md.count("\n| ") == len(rows) + 1
    assert "~~" in md and "<ins>" in md


@pytest.mark.browser
def test_works_from_the_offline_bundle(browser, offline_dir):
    # Opened from a folder (file://): the engine, the city texts and the exporters load as scripts, no fetch.
    page = _open(browser, (offline_dir / "drafting" / "revise.html").as_uri())
    page.fill("#rb-revise-old", OLD_TEXT)
    page.fill("#rb-revise-new", NEW_TEXT)
    page.click(".rb-revise-run")
    page.wait_for_selector(".rb-revise-row")
    kinds = page.eval_on_selector_all(".rb-revise-row", "rows => rows.map((r) => r.dataset.kind)")
    assert kinds == ["未改", "修改", "修改"]
    # a current text taken from a city: its articles come from the bundle's own script
    case = CASES["revisions"][0]
    want = _revise(page, case["city"], case["recipe"])
    assert len(want) > 20 and _shown_rows(page) == want
    assert page.console_errors == []
