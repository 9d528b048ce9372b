"""The alignment layer: counterparts of every article in the other cities (rulebook/analysis/align.py)."""

from __future__ import annotations

import itertools

import pytest

from rulebook.analysis import align
from rulebook.analysis.clauses import clauses
from rulebook.model.schema import CellStatus
from rulebook.views import similar


@pytest.fixture(scope="module")
def matches(book):
    return align.align(book)


def test_standing_meeting_articles_find_each_other(matches):
    # 常务会议 in the five texts (the group named in the alignment issue): 株洲 44 shares its long list of
    # duties with the 全体会议 articles too; the strongest counterpart in each city is its 常务会议 article.
    best = {}
    for m in matches.same(("zhuzhou", 44)):
        best.setdefault(m.city, m.n)
    assert best == {"chenzhou": 35, "jixi": 40, "ziyang": 38, "liyang": 41}


def test_every_other_city_has_a_counterpart_or_a_reason(book, matches):
    # 对应 first, then 相关, strongest first within a level; every other city is listed or says why not
    for (slug, n), found in matches.items():
        levels = [m.level for m in found]
        assert levels == sorted(levels, key=lambda lv: lv != "对应")
        for level in ("对应", "相关"):
            scores = [m.score for m in found if m.level == level]
            assert scores == sorted(scores, reverse=True)
        assert all(0 <= m.score <= 1 and m.city != slug for m in found)
        reasons = matches.none.get((slug, n), {})
        assert set(reasons.values()) <= {"无对应", "原文缺失"}
        assert {m.city for m in found} | set(reasons) == set(book.cities) - {slug}
        assert not {m.city for m in found} & set(reasons)
        size = len(clauses(book.city(slug).article(n).text()))
        for m in found:
            other = len(clauses(book.city(m.city).article(m.n).text()))
            assert m.clauses and all(0 <= i < size and 0 <= j < other for i, j in m.clauses)


def test_lost_text_and_no_provision_are_told_apart(matches):
    # 株洲's capture stops in its 会议制度 chapter: a 公文 article of another city is 原文缺失 there, not 无对应
    assert matches.verdict(("liyang", 63), "zhuzhou") == "原文缺失"  # 施行/废止: after the lost chapters
    assert {matches.verdict(("liyang", 63), c) for c in ("chenzhou", "jixi", "ziyang")} == {"无对应"}
    assert matches.verdict(("zhuzhou", 44), "chenzhou") == "对应"


def test_articles_cited_for_the_same_attribute_are_matched(book, matches):
    # Two articles that curators cited for the same comparison attribute should be each other's best
    # match in their cities. Measured 0.68 (characters alone: 0.55); the floor sits a little under.
    pairs = set()
    for facts in book.facts.values():
        for attr in facts.attributes:
            cited = [(s, c.article) for s, c in attr.cells.items() if c.status == CellStatus.value]
            pairs.update((a, b) for a, b in itertools.permutations(cited, 2))
    hits = sum(any(m.city == b[0] and m.n == b[1] and m.level == "对应" for m in matches[a]) for a, b in pairs)
    assert len(pairs) > 500
    assert hits / len(pairs) >= 0.6  # measured 0.63 shown as 对应 (0.71 at any level)


def test_cached_alignment_equals_a_fresh_one(book, tmp_path, matches):
    first = align.cached_alignment(book, tmp_path)
    assert list(tmp_path.glob("align-*.json"))
    assert align.cached_alignment(book, tmp_path).rows() == first.rows() == matches.rows()


def test_similar_links_point_at_articles(book, matches):
    from rulebook.views.links import Links

    links = similar.similar_links(book, "zhuzhou", matches, Links("../../", True))
    entry = next(x for x in links[44].same if x.city == "郴州市")
    assert entry.label == "第三十五条"
    assert entry.url == "../../cities/chenzhou/#art_35"
    assert entry.snippet.startswith("市人民政府常务会议")


@pytest.mark.build
def test_city_page_lists_counterparts_under_the_article(built_site):
    html = (built_site / "cities/zhuzhou/index.html").read_text(encoding="utf-8")
    start = html.index('id="art_44"')
    article = html[start : html.index("</article>", start)]
    assert '<details class="rb-similar">' in article
    assert "他市对应条文（对应 " in article
    assert '<a href="../../cities/chenzhou/#art_35">郴州市 第三十五条</a>' in article
    target = (built_site / "cities/chenzhou/index.html").read_text(encoding="utf-8")
    assert 'id="art_35"' in target


def test_concordance_groups_the_standing_meeting_articles(book, matches):
    from rulebook.views import article_grid

    rows = article_grid.groups(book, "meetings", matches)
    assert {"chenzhou": 35, "zhuzhou": 44, "jixi": 40, "ziyang": 38, "liyang": 41} in rows
    # Every article tagged with the topic appears exactly once.
    for slug in book.cities:
        tagged = [a.n for a in book.city(slug).articles() if "meetings" in book.topics_of(slug, a.n)]
        placed = [r[slug] for r in rows if slug in r]
        assert sorted(placed) == sorted(tagged)


@pytest.mark.build
def test_topic_page_shows_the_concordance(built_site):
    html = (built_site / "compare/meetings/index.html").read_text(encoding="utf-8")
    block = html[html.index('class="rb-concordance"') :]
    block = block[: block.index("</table>")]
    row = next(r for r in block.split("<tr>") if 'href="../../cities/zhuzhou/#art_44"' in r)
    for slug, n in (("chenzhou", 35), ("jixi", 40), ("ziyang", 38), ("liyang", 41)):
        assert f'href="../../cities/{slug}/#art_{n}"' in row


def test_blocked_candidates_find_the_exact_best_matches(book, monkeypatch):
    # Beyond EXACT_MAX_ARTICLES, articles are compared only within their nearest clusters. On the five real
    # texts cut into clusters of 20 (16 clusters, 4 probed: a harder split than 200-article clusters at
    # scale), the best match equals the exact all-pairs one for 0.99 of the articles; the floor sits under.
    corpus = align.Corpus.of(book)
    vec, matrix = align.Vectorizer.fit_transform(corpus.texts, with_words=False)  # the large-corpus features
    corpus = align.Corpus(corpus.keys, corpus.texts, matrix, vec)
    exact = align._blockwise(corpus, align.TOP, align.MIN_SCORE)
    monkeypatch.setattr(align, "CLUSTER_SIZE", 20)
    blocked = align._blocked(corpus, align.TOP, align.MIN_SCORE)
    assert blocked.keys() == exact.keys()
    for (slug, _), found in blocked.items():
        cities = [m.city for m in found]
        assert slug not in cities and len(cities) == len(set(cities)) <= align.TOP
        assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    rows = [k for k, ms in exact.items() if ms]
    same = sum(bool(blocked[k]) and blocked[k][0] == exact[k][0] for k in rows) / len(rows)
    assert same >= 0.97, same


def test_levels_in_the_browser(browser, site_url):
    """A reader sees the level as a word: 对应 links first, 相关 collapsed, 无对应 / 原文缺失 in words."""
    page = browser.page()
    page.goto(site_url + "cities/ziyang/#art_48")
    art = page.locator('.rb-article[data-n="48"]')
    art.locator("details.rb-similar > summary").click()
    same = art.locator('ul.rb-similar-same li[data-level="对应"] > a')
    assert "郴州市 第四十二条" in same.all_inner_texts()  # 圈阅: the same provision
    related = art.locator("details.rb-similar-related")
    assert not related.evaluate("d => d.open")  # 相关 is collapsed and labelled
    assert "相关" in related.locator("summary").inner_text()
    related.locator("summary").click()
    related_links = related.locator('li[data-level="相关"] > a').all_inner_texts()
    # 签发 (郴州 44) is found, at the level the calibration gives it (P = 0.69 < the 对应 threshold)
    assert "郴州市 第四十四条" in related_links + same.all_inner_texts()
    assert art.locator(".rb-evidence").first.inner_text().startswith("本条第")
    assert "相似度" not in art.inner_text()  # no bare score
    # 溧阳 63 (施行/废止): no such clause in three cities; 株洲's text ends before where it would be
    page.goto(site_url + "cities/liyang/#art_63")
    art = page.locator('.rb-article[data-n="63"]')
    art.locator("details.rb-similar > summary").click()
    none = art.locator('p.rb-similar-none[data-reason="无对应"]').inner_text()
    lost = art.locator('p.rb-similar-none[data-reason="原文缺失"]').inner_text()
    assert all(name in none for name in ("郴州市", "鸡西市", "资阳市")) and "株洲市" not in none
    assert "株洲市" in lost and "来源文本不完整" in lost
