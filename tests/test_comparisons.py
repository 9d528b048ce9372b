"""Topics, tags and comparison facts: each invariant checked against the city texts."""

from __future__ import annotations

import pytest
from conftest import SLUGS

from rulebook.model.schema import CellStatus


def _cells(book):
    for topic_id, facts in book.facts.items():
        for attr in facts.attributes:
            for slug, cell in attr.cells.items():
                yield topic_id, attr, slug, cell


def test_taxonomy_has_12_to_20_unique_topics(book):
    ids = book.topic_ids()
    assert 12 <= len(ids) <= 20
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_article_has_a_topic(book, slug):
    city = book.city(slug)
    assert book.tags[slug].curated
    missing = [a.anchor for a in city.articles() if not book.topics_of(slug, a.n)]
    assert missing == []


@pytest.mark.parametrize("slug", SLUGS)
def test_tags_use_only_declared_topics_and_real_articles(book, slug):
    declared = set(book.topic_ids())
    anchors = {a.anchor for a in book.city(slug).articles()}
    for anchor, ids in book.tags[slug].tags.items():
        assert anchor in anchors
        assert set(ids) <= declared, (anchor, set(ids) - declared)


def test_at_least_30_attributes(book):
    attrs = [a.id for f in book.facts.values() for a in f.attributes]
    assert len(attrs) >= 30
    assert len(set(attrs)) == len(attrs)


def test_comparison_topics_are_declared(book):
    assert set(book.facts) <= set(book.topic_ids())


def test_statuses_are_only_the_four_values(book):
    allowed = {"有规定", "未规定", "原文缺失", "待整理"}
    assert {cell.status.value for *_, cell in _cells(book)} <= allowed


def test_unknowns_say_what_was_searched(book):
    for _, attr, slug, cell in _cells(book):
        if cell.status in (CellStatus.not_specified, CellStatus.source_missing):
            assert cell.note and len(cell.note) >= 6, (attr.id, slug)


def test_source_missing_only_where_the_source_is_truncated(book):
    missing = {(attr.id, slug) for _, attr, slug, cell in _cells(book) if cell.status == CellStatus.source_missing}
    assert missing, "株洲's missing chapters must show as 原文缺失"
    assert {slug for _, slug in missing} == {"zhuzhou"}


def test_zhuzhou_documents_chapter_is_source_missing(book):
    cells = {attr.id: attr.cells["zhuzhou"].status for attr in book.facts["documents"].attributes}
    assert cells["gov_name_signer"] == CellStatus.source_missing
    assert cells["office_name_signer"] == CellStatus.source_missing
