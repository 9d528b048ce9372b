"""Curation suggestions, measured leave-one-city-out on the curated cities (floors under the measured figures)."""

from __future__ import annotations

import pytest

from rulebook import suggest
from rulebook.models import CellStatus


@pytest.fixture(scope="module")
def suggester(book):
    return suggest.Suggester(book)


@pytest.fixture(scope="module")
def scores(book, suggester):
    total = suggest.Scores()
    for sc in suggest.leave_one_out(book, suggester).values():
        total.add(sc)
    return total.summary()


# Measured (scripts/align_eval.py, 75 attributes): tags 0.874, article@1 0.892, @3 0.972, candidate given
# for 0.809 of 有规定 cells, no candidate on 未规定 0.821, numeric exact 0.682. The goals for tags (0.9)
# and numbers (0.8) are not reached: see the note.
FLOORS = {
    "tag_micro_f1": 0.85,
    "article_at_1": 0.87,
    "article_at_3": 0.96,
    "no_candidate_on_unregulated": 0.78,
    "numeric_exact": 0.63,
    "candidate_given": 0.76,
}


@pytest.mark.parametrize("metric", FLOORS)
def test_leave_one_city_out_floor(scores, metric):
    assert scores[metric] >= FLOORS[metric], scores


def test_suggested_quotes_are_verbatim_and_numbers_are_the_quotes(book, suggester):
    peers = ["chenzhou", "jixi", "ziyang", "liyang"]
    made = 0
    for facts in book.facts.values():
        for attr in facts.attributes:
            guess = suggester.cell(attr, "zhuzhou", peers)
            if guess is None:
                continue
            made += 1
            assert guess.quote in book.city("zhuzhou").article(guess.article).text()
            if guess.number is not None:
                from rulebook.quantity import quantities

                assert any(abs(v - guess.number) < 1e-9 and u == attr.unit for v, u in quantities(guess.quote))
    assert made > 20


def test_no_candidate_when_most_peers_do_not_regulate(book, suggester):
    cases = []
    for facts in book.facts.values():
        for attr in facts.attributes:
            for target in book.cities:
                peers = [s for s in book.cities if s != target]
                answered = [p for p in peers if attr.cells[p].status in (CellStatus.value, CellStatus.not_specified)]
                regulating = [p for p in answered if attr.cells[p].status == CellStatus.value]
                if answered and len(regulating) / len(answered) < suggest.CANDIDATE_PEERS:
                    cases.append((attr, target, peers))
    assert len(cases) >= 5
    assert all(suggester.cell(attr, target, peers) is None for attr, target, peers in cases)
