"""Comparison pages that load per province (issue 20, item 3): in a large corpus (rulebook.model.scale) a
topic page is an overview with a province list, each province its own static page (table,
texts, 逐条对照), and 两市对照 loads only the two chosen cities' data (<script src>, file:// too).
Built once at 5 real + 65 synthetic cities (one synthetic city with a markup payload as province)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import markupsafe
import pytest
from conftest import copy_project, mkdocs_build

from rulebook.build import pages
from rulebook.core.settings import Settings
from rulebook.data import yamlio
from rulebook.data.load import group_provinces, load_rulebook
from rulebook.devtools.synthetic import make_synthetic
from rulebook.model.provinces import GB2260, province_key
from rulebook.views import topics

FIXTURE_MARKS = {"big": "build"}  # conftest marks the tests on the 70-city build
SYNTHETIC = 65  # 70 cities: above the threshold of 60
EVIL = 'X<img src=x onerror=alert("province")>{{7*7}}</title><script>alert("province")</script>'
EVIL_CITY = "syn064"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    project = copy_project(tmp_path_factory.mktemp("cmpprov") / "project")
    make_synthetic(project, SYNTHETIC)
    # One city in a province of no GB/T 2260 code whose name is markup: the fallback key, and escaping.
    path = project / f"rules_data/inputs/{EVIL_CITY}.yaml"
    data = yamlio.load(path.read_text(encoding="utf-8"))
    data["metadata"]["province"] = EVIL
    path.write_text(yamlio.dump(data), encoding="utf-8")
    env = {**os.environ, "RULEBOOK_ALLOW_MARKUP": "1"}
    result = subprocess.run(
        [sys.executable, str(project / "scripts/import_city.py"), EVIL_CITY, "--quiet"],
        capture_output=True,
        text=True,
        cwd=project,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = project.parent / "site"
    result = mkdocs_build(project, out, env={"RULEBOOK_ALLOW_MARKUP": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    book = load_rulebook(project, Settings(allow_markup=True))
    return {"site": out, "book": book, "project": project}


def test_province_keys_are_codes_or_a_stable_ascii_fallback():
    assert province_key("湖南省") == "43" and province_key("黑龙江省") == "23" and province_key("北京市") == "11"
    assert len(set(GB2260.values())) == len(GB2260) == 34
    fallback = province_key("测试省")
    assert re.fullmatch(r"x[0-9a-f]{8}", fallback) and fallback == province_key(" 测试省")
    assert province_key("测试省") != province_key("测验省")


def test_two_spellings_of_one_province_fail_loudly():
    from types import SimpleNamespace

    cities = [SimpleNamespace(id=i, province=p) for i, p in enumerate(["湖南省", "湖南省", "湖南省 "])]
    with pytest.raises(ValueError, match="same key '43'"):
        group_provinces(cities)


def test_the_five_real_cities_keep_one_page_per_topic(book):
    assert not topics.paged(book)
    assert pages.kind("topic-province").pages(book) == [] and pages.not_in_nav(book) == set()
    assert topics.two_city_files(book) == {}


def _topic(site: Path, topic_id: str, key: str | None = None) -> str:
    path = f"compare/{topic_id}/" + (f"{key}/" if key else "") + "index.html"
    return (site / path).read_text(encoding="utf-8")


def _content(html: str) -> str:
    return html[html.index('<article class="md-content__inner') : html.index("</article>")]


def test_the_topic_page_lists_provinces_with_counts_and_links(big):
    site, book = big["site"], big["book"]
    html = _topic(site, "meetings")
    body = _content(html)
    assert 'class="rb-compare"' not in body and "rb-two-data" not in body and "rb-topic-article" not in body
    for p in book.provinces():
        row = re.search(
            rf'<tr data-province="{p.key}"><th scope="row"><a href="([^"]+)">([^<]*)</a></th>'
            r"<td>(\d+)</td><td>(\d+)</td><td>(\d+) / (\d+)</td></tr>",
            body,
        )
        assert row, p.name
        href, name, count, articles, valued, cells = row.groups()
        facts = book.facts["meetings"].attributes
        assert int(articles) == sum(len(topics.topic_articles(book, "meetings", c)) for c in p.cities)
        assert int(cells) == len(facts) * len(p.cities)
        assert int(valued) == sum(a.cells[c.id].status.value == "有规定" for a in facts for c in p.cities)
        assert (int(valued) > 0) == any(c.id in {"zhuzhou", "chenzhou", "jixi", "ziyang", "liyang"} for c in p.cities)
        assert href == f"../../compare/meetings/{p.key}/" and int(count) == len(p.cities)
        assert name == str(markupsafe.escape(p.name))
        assert (site / "compare/meetings" / p.key / "index.html").exists()
    # The downloads stay whole-corpus files, linked from the overview.
    assert 'href="../../data/topics/meetings.xlsx"' in body and (site / "data/topics/meetings.xlsx").exists()
    csv = (site / "data/topics/meetings.csv").read_text(encoding="utf-8-sig")
    assert all(c.name in csv for c in book.cities.values())


def test_a_province_page_holds_exactly_its_cities_with_cited_cells(big):
    site, book = big["site"], big["book"]
    hunan = book.province("43")
    assert {"zhuzhou", "chenzhou"} <= {c.id for c in hunan.cities}
    body = _content(_topic(site, "meetings", "43"))
    table = body[body.index('<table class="rb-sortable">') : body.index("</table>")]
    assert re.findall(r'<tr data-city="([a-z0-9]+)">', table) == [c.id for c in hunan.cities]
    sections = re.findall(r'<section class="rb-topic-city" data-city="([a-z0-9]+)">', body)
    assert sections == [c.id for c in hunan.cities]
    picker = re.findall(r'name="city" value="([a-z0-9]+)"', body)
    assert picker == [c.id for c in hunan.cities]
    # Real cities' cells cite their articles, with the quote behind [引].
    for slug in ("zhuzhou", "chenzhou"):
        assert re.search(rf'<a href="../../../cities/{slug}/#art_\d+" title="[^"]+">第', table), slug
        assert f'id="q-standing_frequency-{slug}"' in body
    assert "逐条对照" in body
    others = {c.id for c in book.cities.values()} - {c.id for c in hunan.cities}
    assert not any(f'data-city="{o}"' in body for o in others)


def test_province_pages_are_not_in_the_nav_and_pages_stay_small(big):
    site, book = big["site"], big["book"]
    for topic in book.topics():
        html = _topic(site, topic.id)
        # At 70 cities the single page was 129-451 kB; the overview follows the provinces only.
        assert len(html.encode()) < 60_000, (topic.id, len(html.encode()))
    city = (site / "cities/zhuzhou/index.html").read_text(encoding="utf-8")
    assert "compare/meetings/43/" not in city
    biggest = max(len(_topic(site, "meetings", p.key).encode()) for p in book.provinces())
    assert biggest < 200_000, biggest


def test_the_overview_does_not_grow_with_the_corpus(big, tmp_path):
    """The same topic's overview at 70 and 140 cities: twice the cities, no more bytes (the 70-city
    corpus even has one province more, the payload's)."""
    project = copy_project(tmp_path / "p140")
    make_synthetic(project, 135)
    small, large = big["book"], load_rulebook(project)
    for topic_id in ("meetings", "scope"):
        a = topics.topic_overview(small, topic_id)
        b = topics.topic_overview(large, topic_id)
        print(f"\n{topic_id}: overview {len(a.encode())} B at 70 cities, {len(b.encode())} B at 140")
        assert len(b.encode()) - len(a.encode()) < 200  # at most the digits of the counts
        assert b.count("<tr data-province=") == len(large.provinces()) == 10


def test_province_names_are_escaped_everywhere(big, browser):
    from rulebook.devtools.browser import serve

    site, book = big["site"], big["book"]
    key = province_key(EVIL)
    assert re.fullmatch(r"x[0-9a-f]{8}", key) and book.city(EVIL_CITY).province == EVIL
    overview, own = _topic(site, "meetings"), _topic(site, "meetings", key)
    for html in (overview, own, (site / "assets/two/index.js").read_text(encoding="utf-8")):
        assert "<img src=x" not in html and '<script>alert("province")' not in html
    assert "X&lt;img src=x" in _content(overview) and "X&lt;img src=x" in _content(own)
    shown = "".join(re.findall(r"X&lt;img[^\n]{0,80}", _content(own)))
    assert "7*7" in shown and "&gt;49" not in shown  # printed, not evaluated by mkdocs-macros
    with serve(site) as url:
        page = browser.page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url + f"compare/meetings/{key}/")
        page.goto(url + f"compare/meetings/?a={EVIL_CITY}&b=zhuzhou")
        page.wait_for_selector(f".rb-two-rows[data-rendered='{EVIL_CITY}/zhuzhou']")
        assert page.locator(".rb-two-pa option:checked").text_content() == EVIL
        assert dialogs == [] and browser.blocked == []


def _rows(page) -> list[str]:
    return page.eval_on_selector_all(
        "table.rb-sortable tbody tr", "rs => rs.filter(r => !r.hidden).map(r => r.dataset.city)"
    )


def test_picker_and_sorting_work_on_a_province_page(big, browser, tmp_path):
    from rulebook.devtools.browser import serve

    hunan = [c.id for c in big["book"].province("43").cities]
    with serve(big["site"]) as url:
        page = browser.page()
        page.goto(url + "compare/meetings/43/")
        assert _rows(page) == hunan
        page.uncheck("form.rb-picker input[value=chenzhou]")
        assert "chenzhou" not in _rows(page) and "cities=" in page.url
        assert page.locator("section.rb-topic-city[data-city=chenzhou]").is_hidden()
        page.check("form.rb-picker input[value=chenzhou]")
        page.click("th[data-attr=standing_frequency] button.rb-sort")
        col = page.eval_on_selector(
            "table.rb-sortable thead tr", "tr => [...tr.cells].findIndex(c => c.dataset.attr === 'standing_frequency')"
        )
        values = page.eval_on_selector_all(
            "table.rb-sortable tbody tr", f"rs => rs.map(r => r.cells[{col}].getAttribute('data-sort'))"
        )
        present = [float(v) for v in values if v is not None]
        assert len(present) >= 2 and present == sorted(present)
        assert all(v is not None for v in values[: len(present)])  # 待整理 rows (no number) last
        page.screenshot(path=str(tmp_path / "province-43.png"), full_page=False)
        assert page.console_errors == [] and browser.blocked == []


def test_two_city_compare_loads_only_the_two_cities_under_nginx(big, browser):
    from rulebook.devtools.browser import serve_nginx

    with serve_nginx(big["site"], "/rules/") as url:
        page = browser.page()
        loaded: list[str] = []
        page.on("request", lambda r: "/assets/two/" in r.url and loaded.append(r.url.rsplit("/", 1)[1]))
        page.goto(url + "compare/meetings/?a=zhuzhou&b=jixi")
        page.wait_for_selector(".rb-two-rows[data-rendered='zhuzhou/jixi']")
        assert sorted(loaded) == ["index.js", "jixi.js", "zhuzhou.js"]
        assert page.locator(".rb-two-table caption").text_content() == "株洲市与鸡西市相对应的条文"
        zhuzhou = topics.two_city_record(big["book"], big["book"].city("zhuzhou"))
        left = page.locator(".rb-two-table tbody td:first-child a.rb-two-link").all_text_contents()
        assert left == [a["label"] for a in zhuzhou["articles"] if a["n"] in zhuzhou["topics"]["meetings"]]
        assert page.locator(".rb-two-table a.rb-two-link").first.get_attribute("href").startswith("../../cities/")
        # Another province on the right: its first city's file, and nothing else, is loaded.
        page.select_option(".rb-two-pb", "51")
        ziyang_province = [c.id for c in big["book"].province("51").cities]
        first = ziyang_province[0]
        page.wait_for_selector(f".rb-two-rows[data-rendered='zhuzhou/{first}']")
        assert sorted(loaded) == sorted(["index.js", "jixi.js", "zhuzhou.js", f"{first}.js"])
        assert f"b={first}" in page.url
        assert page.console_errors == [] and browser.blocked == []


def test_two_city_compare_works_from_disk(big, browser):
    site = big["site"]
    page = browser.page()
    page.goto((site / "compare/meetings/index.html").as_uri() + "?a=chenzhou&b=zhuzhou")
    page.wait_for_selector(".rb-two-rows[data-rendered='chenzhou/zhuzhou']")
    # Every article of both on the topic is a row (paired or not: at 70 cities the alignment keeps its
    # best 8 matches per article, mostly the synthetic copies, so these two are rarely paired).
    book = big["book"]
    for slug, side in (("chenzhou", "first"), ("zhuzhou", "last")):
        n = len(topics.topic_articles(book, "meetings", book.city(slug)))
        assert page.locator(f".rb-two-table tbody td:{side}-child a.rb-two-link").count() == n > 0
    assert page.console_errors == [] and browser.blocked == []


def test_city_and_attribute_labels_stay_on_screen_on_a_province_page(big, browser):
    from test_compare_browser import _LABELS_ON_SCREEN

    from rulebook.devtools.browser import serve

    with serve(big["site"]) as url:
        page = browser.page()
        page.goto(url + "compare/meetings/43/")
        seen = 0
        for down in (0, 200, 400):
            page.evaluate(
                """(down) => { const b = document.querySelector('.rb-compare-scroll');
                window.scrollTo(0, b.getBoundingClientRect().top + scrollY - 60);
                b.scrollLeft = b.scrollWidth; b.scrollTop = down; }""",
                down,
            )
            page.wait_for_timeout(50)
            result = page.evaluate(_LABELS_ON_SCREEN)
            assert result["problems"] == [], (down, result["problems"][:5])
            seen += result["cells"]
        assert seen >= 10
        assert page.locator(".rb-compare-scroll").evaluate("b => b.scrollLeft > 0")
        assert page.console_errors == []


def test_chain_pages_list_provinces_and_each_province_page_holds_its_charts(big):
    """At scale a 审批流程 page lists provinces; each province page has exactly its cities' sections, and
    every city page links its charts there."""
    from rulebook.model.schema import ChainType
    from rulebook.views import chains

    site, book = big["site"], big["book"]
    html = (site / "chains/outgoing/index.html").read_text(encoding="utf-8")
    assert "rb-chart" not in html  # no chart on the overview
    provs = book.provinces()
    assert html.count('<tr><th scope="row"><a href=') == len(provs)
    for p in provs:
        assert f'href="../../chains/outgoing/{p.key}/"' in html
    hunan = book.province("43")
    page = (site / "chains/outgoing/43/index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<h2 id="([a-z0-9]+)"', page)
    assert sections[1:] == [c.id for c in hunan.cities]  # after 各市差异概览 (#summary)
    done = [c.id for c in hunan.cities if chains.chain_of(book, c.id, ChainType.outgoing)]
    assert "zhuzhou" in done and page.count('class="rb-chart"') >= 1
    city = (site / "cities/zhuzhou/index.html").read_text(encoding="utf-8")
    assert 'href="../../chains/outgoing/43/#zhuzhou"' in city


def test_a_province_chain_page_draws_its_charts_under_the_csp(big, browser):
    from test_intranet import CSP_RECORDER

    from rulebook.devtools.browser import serve_nginx

    with serve_nginx(big["site"], "/rules/") as url:
        page = browser.page()
        page.context.add_init_script(CSP_RECORDER)
        page.goto(url + "chains/outgoing/43/")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered)", timeout=30000
        )
        assert page.locator(".rb-chart svg").count() == page.locator(".rb-chart").count() >= 1
        assert page.evaluate("window.__csp") == []
        assert page.console_errors == [] and browser.blocked == []
