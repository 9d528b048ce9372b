"""The alignment layer: counterparts of every article in the other cities (rulebook/analysis/align.py)."""

from __future__ import annotations

import itertools

import pytest

from rulebook.analysis import align
from rulebook.model.schema import CellStatus
from rulebook.views import similar


@pytest.fixture(scope="module")
def matches(book):
    return align.align(book)


def test_standing_meeting_articles_find_each_other(matches):
    # 常务会议 in the five texts (the group named in the alignment issue): 株洲 44 shares its long list of
    # duties with the 全体会议 articles too; document order picks the right ones.
    found = {(m.city, m.n) for m in matches[("zhuzhou", 44)]}
    assert found == {("chenzhou", 35), ("jixi", 40), ("ziyang", 38), ("liyang", 41)}


def test_counterparts_are_in_other_cities_one_per_city_strongest_first(matches):
    for (slug, _), found in matches.items():
        cities = [m.city for m in found]
        assert slug not in cities
        assert len(cities) == len(set(cities)) <= align.TOP
        assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
        assert all(m.score >= align.MIN_SCORE for m in found)


def test_articles_cited_for_the_same_attribute_are_matched(book, matches):
    # Two articles that curators cited for the same comparison attribute should be each other's best
    # match in their cities. Measured 0.68 (characters alone: 0.55); the floor sits a little under.
    pairs = set()
    for facts in book.facts.values():
        for attr in facts.attributes:
            cited = [(s, c.article) for s, c in attr.cells.items() if c.status == CellStatus.value]
            pairs.update((a, b) for a, b in itertools.permutations(cited, 2))
    hits = sum(any(m.city == b[0] and m.n == b[1] for m in matches[a]) for a, b in pairs)
    assert len(pairs) > 500
    assert hits / len(pairs) >= 0.65


def test_cached_alignment_equals_a_fresh_one(book, tmp_path, matches):
    first = align.cached_alignment(book, tmp_path)
    assert list(tmp_path.glob("align-*.json"))
    assert align.cached_alignment(book, tmp_path) == first == matches


def test_similar_links_point_at_articles(book, matches):
    from rulebook.views.links import Links

    links = similar.similar_links(book, "zhuzhou", matches, Links("../../", True))
    entry = next(x for x in links[44] if x.city == "郴州市")
    assert entry.label == "第三十五条"
    assert entry.url == "../../cities/chenzhou/#art_35"
    assert entry.snippet.startswith("市人民政府常务会议")


@pytest.mark.build
def test_city_page_lists_counterparts_under_the_article(built_site):
    html = (built_site / "cities/zhuzhou/index.html").read_text(encoding="utf-8")
    start = html.index('id="art_44"')
    article = html[start : html.index("</article>", start)]
    assert '<details class="rb-similar">' in article
    assert "他市相似条文（4）" in article
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
