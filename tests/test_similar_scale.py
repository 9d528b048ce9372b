"""他市相似条文 at scale (issue 20: HTML per page < 100 kB): in a large corpus (rulebook.model.scale) a
city page carries only the lists' summaries; each city's lists come from one script, loaded when a reader
opens a list. Built once at 5 real + 61 synthetic cities."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import copy_project, mkdocs_build

from rulebook.analysis import align
from rulebook.data.load import load_rulebook
from rulebook.devtools.synthetic import make_synthetic
from rulebook.model import scale
from rulebook.search import index
from rulebook.views import similar

pytestmark = pytest.mark.build
CITIES = scale.LARGE_ABOVE + 6


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    project = copy_project(tmp_path_factory.mktemp("similarscale") / "project")
    make_synthetic(project, CITIES - 5)
    out = project.parent / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"site": out, "book": load_rulebook(project)}


def _script_rows(site: Path, slug: str) -> dict[str, list[list[object]]]:
    text = (site / similar.similar_script_path(slug)).read_text(encoding="utf-8")
    head = f'rbSimilar("{slug}",'
    assert text.startswith(head) and text.endswith(");\n")
    return json.loads(text[len(head) : -3])


def test_city_pages_carry_summaries_not_lists_and_stay_under_100_kb(big):
    """The lists (two thirds of a page at 300 cities) are out of the HTML; the median city page is < 100 kB."""
    site, book = big["site"], big["book"]
    assert not similar.similar_inline(book)
    sizes = {}
    for slug in book.cities:
        html = (site / "cities" / slug / "index.html").read_text(encoding="utf-8")
        sizes[slug] = len(html.encode())
        assert '<div class="rb-similar-source" hidden' in html
        assert 'class="rb-snippet"' not in html  # no list item in the HTML
        rows = _script_rows(site, slug)
        summaries = dict(
            re.findall(r'<details class="rb-similar" data-n="(\d+)">\s*<summary>他市对应条文（(\d+)）', html)
        )
        assert summaries and summaries == {n: str(len(r)) for n, r in rows.items()}
    median = sorted(sizes.values())[len(sizes) // 2]
    assert median < 100_000, median


def test_the_scripts_hold_the_alignment_with_names_labels_and_snippets(big):
    site, book = big["site"], big["book"]
    matches = align.align(book)
    for slug in ("zhuzhou", "syn042"):
        rows = _script_rows(site, slug)
        for a in book.city(slug).articles():
            got = rows.get(str(a.n), [])
            assert [(c, n) for c, n, *_ in got] == [(m.city, m.n) for m in matches.get((slug, a.n), [])]
            for c, n, label, level, snip in got:
                other = book.city(c).article(n)
                assert label.startswith(book.city(c).name + " ") and level in ("对应", "相关")
                assert " ".join(other.text().split()).startswith(snip.rstrip("…"))


def test_opening_a_list_loads_the_citys_script_once_and_links_resolve(big, browser):
    from rulebook.devtools.browser import serve

    with serve(big["site"]) as url:
        page = browser.page()
        scripts: list[str] = []
        page.on("request", lambda r: "/assets/similar/" in r.url and scripts.append(r.url))
        page.goto(url + "cities/syn042/")
        assert scripts == []  # nothing loaded before a reader asks
        first = page.locator("details.rb-similar").first
        first.locator("summary").click()
        first.locator("li a").first.wait_for()
        n_items = first.locator("li").count()
        assert n_items == int(re.search(r"（(\d+)）", first.locator("summary").inner_text()).group(1))
        assert first.locator(".rb-basket-add").count() == n_items  # the basket decorates filled lists
        second = page.locator("details.rb-similar").nth(1)
        second.locator("summary").click()
        assert second.locator("li").count() > 0
        assert scripts == [url + "assets/similar/syn042.js"]
        href = first.locator("li a").first.get_attribute("href")
        target = urljoin(page.url, href)
        assert re.fullmatch(re.escape(url) + r"cities/[a-z0-9]+/#art_\d+", target)
        first.locator("li a").first.click()
        page.wait_for_load_state()
        anchor = target.split("#")[1]
        assert page.url == target and page.locator(f"[id='{anchor}']").count() == 1
        assert page.console_errors == [] and browser.blocked == []
        page.context.close()


def test_a_large_corpus_has_no_lunr_shards_and_its_term_index_answers_a_city_search(big, browser):
    """Above rulebook.model.scale.LARGE_ABOVE cities no per-city lunr shard is built; 条文检索 filtered to one
    city then runs on the term index and lists only that city's articles, the same ones the real
    five's lunr shard finds for the query (zhuzhou's text is in both corpora)."""
    from rulebook.devtools.browser import serve
    from rulebook.devtools.search_eval import lookup_results

    site, book = big["site"], big["book"]
    assert not index.shards_wanted(book)
    assert not (site / "lookup/shards").exists()
    meta = (site / "lookup/meta.js").read_text(encoding="utf-8")
    assert '"shards":false' in meta.replace(" ", "")
    with serve(site) as url:
        page = browser.page()
        shard_requests: list[str] = []
        page.on("request", lambda r: "/lookup/shards/" in r.url and shard_requests.append(r.url))
        refs = lookup_results(page, url, "常务会议", city="zhuzhou")
        assert page.get_attribute(".rb-lookup", "data-engine") == "terms"
        assert refs and all(r.startswith("zhuzhou/") for r in refs)
        # zhuzhou's 常务会议 articles (by their text) are all found
        want = {f"zhuzhou/{a.n}" for a in book.city("zhuzhou").articles() if "常务会议" in a.text()}
        assert want <= set(refs), want - set(refs)
        header = lookup_results(page, url, "会签")
        assert len({r.split("/")[0] for r in header}) > 1  # unfiltered: many cities, same engine
        assert shard_requests == [] and page.console_errors == [] and browser.blocked == []
        page.context.close()


def test_an_edit_renders_again_only_its_provinces_pages_and_equals_a_full_build(big, tmp_path):
    """In a large corpus the per-province pages of each topic and chain type are fingerprinted like city
    pages (rulebook/build/incremental.py province_fingerprints): after an edit of one city that leaves
    the texts alone, only its province's pages are rendered again, the others are the previous site's
    files, and the site equals a full build byte for byte. (Last in this file: it edits the project.)"""
    from test_incremental import _inodes, _note, _rebuild, _same

    from rulebook.build.atomic import build_site

    project = Path(big["site"]).parent / "project"
    site, full = tmp_path / "site", tmp_path / "full"
    build_site(site, project / "mkdocs.yml", quiet=True)  # the previous site (its page manifest)
    book = big["book"]
    slug = next(c.id for c in book.ordered_cities() if c.id.startswith("syn"))
    key = next(p.key for p in book.provinces() if any(c.id == slug for c in p.cities))
    _note(project, slug, "合成数据（复核）")
    _, reused = _rebuild(project, site)
    build_site(full, project / "mkdocs.yml", quiet=True, incremental=False)
    _same(site, full)
    pages = {p for p in _inodes(site) if re.fullmatch(r"(compare|chains)/[a-z_]+/[a-z0-9]+/index\.html", p)}
    own = {p for p in pages if p.split("/")[2] == key}
    assert own and len(pages) > 5 * len(own), (len(own), len(pages))
    assert pages - reused == own


def test_city_scripts_are_kept_per_city_and_made_again_only_where_their_inputs_changed(big, tmp_path):
    """site_files.city_scripts (what a build ships: similar lists, 条文篮 and 两市对照 data per city) equals
    what the views make; kept in .cache/, a second build reads them all back; after a city is renamed,
    only its own scripts and the similar lists of the cities naming it are made again (the other cities' 条文篮 and
    两市对照 scripts are read back)."""
    import os

    from rulebook.build import site_files
    from rulebook.build.digests import Digests
    from rulebook.views import basket, topics

    book = big["book"]
    alignment = align.cached_alignment(book, Path(big["site"]).parent / "project" / ".cache" / "align")

    def views(b) -> dict[str, str]:
        return (
            similar.similar_files(b, alignment)
            | basket.basket_files(b, alignment)
            | topics.two_city_files(b, alignment)
        )

    want = views(book)
    assert any(k.startswith("assets/similar/") for k in want) and any(k.startswith("basket/") for k in want)
    got = site_files.city_scripts(book, alignment, Digests(book, alignment), tmp_path)
    assert got == want and list(got) == list(want)
    folder = tmp_path / ".cache" / site_files.SCRIPTS
    stat = {n: (folder / n).stat().st_mtime_ns for n in os.listdir(folder)}
    assert site_files.city_scripts(book, alignment, Digests(book, alignment), tmp_path) == want
    assert {n: (folder / n).stat().st_mtime_ns for n in os.listdir(folder)} == stat  # read back, none made

    renamed = "syn003"
    named_by = {s for (s, _), ms in alignment.items() if any(m.city == renamed for m in ms)}
    assert named_by  # (the synthetic texts are drawn from the same five: most cities name most others)
    original = book.cities[renamed]
    book.cities[renamed] = original.model_copy(update={"name": "改名后市"})
    try:
        got = site_files.city_scripts(book, alignment, Digests(book, alignment), tmp_path)
        assert got == views(book)
        made = {n for n in os.listdir(folder) if n not in stat and not n.endswith(".sum")}
        expect = {f"similar-{s}" for s in named_by} | {f"basket-{renamed}"}
        expect |= {f"two-{renamed}"} if topics.paged(book) else set()
        assert {n.rsplit("-", 1)[0] for n in made} == expect
        assert len(os.listdir(folder)) == len(stat)  # the replaced scripts are removed
    finally:
        book.cities[renamed] = original
