"""Curation suggestions, measured leave-one-city-out on the curated cities (floors under the measured figures)."""

from __future__ import annotations

import pytest

from rulebook.analysis import suggest
from rulebook.model.schema import CellStatus


@pytest.fixture(scope="module")
def suggester(book):
    return suggest.Suggester(book)


FIXTURE_MARKS = {"scores": "slow"}  # leave-one-city-out over every curated city: seconds (conftest marks)


@pytest.fixture(scope="module")
def scores(book, suggester):
    total = suggest.Scores()
    for sc in suggest.leave_one_out(book, suggester).values():
        total.add(sc)
    return total.summary()


# Measured (scripts/align_eval.py, 75 attributes): tags 0.874, article@1 0.903, @3 0.983, candidate given
# for 0.830 of 有规定 cells, no candidate on 未规定 0.821, numeric exact 0.955 (21 of 22). The goal for
# tags (0.9) is not reached: see the note.
FLOORS = {
    "tag_micro_f1": 0.85,
    "article_at_1": 0.88,
    "article_at_3": 0.97,
    "no_candidate_on_unregulated": 0.78,
    "numeric_exact": 0.9,
    "candidate_given": 0.8,
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
                from rulebook.model.quantity import quantities

                assert any(abs(v - guess.number) < 1e-9 and u == attr.unit for v, u in quantities(guess.quote))
    assert made > 20


def test_no_candidate_when_most_peers_do_not_regulate_unless_a_quantity_is_stated(book, suggester):
    from rulebook.model.quantity import quantities

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
    guesses = [(attr, suggester.cell(attr, target, peers)) for attr, target, peers in cases]
    stated = [(attr, g) for attr, g in guesses if g is not None]
    assert len(stated) < len(guesses) / 2
    # the exception: the best article has a sentence stating a quantity in the attribute's unit
    for attr, g in stated:
        assert attr.unit and g.number is not None
        assert (g.number, attr.unit) in quantities(g.quote)


def test_study_frequency_from_the_one_peer_that_states_one(book, suggester):
    attr = next(a for f in book.facts.values() for a in f.attributes if a.id == "study_frequency")
    peers = ["jixi", "zhuzhou", "ziyang", "liyang"]  # only 鸡西 regulates it (每季度至少安排一次)
    guess = suggester.cell(attr, "chenzhou", peers)
    assert guess is not None and guess.article == 52 and guess.number == 6  # 原则上每2个月组织一次学习
    assert guess.quote in book.city("chenzhou").article(52).text()


def test_label_is_the_query_when_no_peer_regulates(book, suggester):
    attr = next(a for f in book.facts.values() for a in f.attributes if a.id == "countersign_deadline")
    peers = ["chenzhou", "jixi", "zhuzhou", "ziyang"]
    assert all(attr.cells[p].status != CellStatus.value for p in peers)
    guess = suggester.cell(attr, "liyang", peers)
    assert guess is not None and guess.article == 48 and guess.number == 7  # 一般应当在7个工作日内回复
    assert "7个工作日" in guess.quote and guess.quote in book.city("liyang").article(48).text()
