"""The alignment against its hand-judged gold set (tests/fixtures/align_gold/: 336 (article, other city)
slots judged from the texts alone by readers who did not write the method; every city pair, 株洲's lost
chapters, multi-matter and no-counterpart slots). The targets of the alignment issue are 对应 links right
>= 0.95, known counterparts shown as 对应 >= 0.95, wrong pairs shown as 对应 <= 0.05, no-counterpart slots
shown as 对应 <= 0.10; the floors below are what the method reaches (docs/performance.md, 质量), so a change
that makes it worse fails. Recall is far under its target: see the 质量 section for why."""

from __future__ import annotations

import json

import pytest

from rulebook.analysis import align
from rulebook.analysis.clauses import CALIBRATION
from rulebook.devtools.align_gold import evaluate, load_gold

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tallies(book):
    return evaluate(align.align(book), load_gold())


def test_the_gold_set_covers_every_city_pair_and_each_kind_of_slot():
    slots = load_gold()
    assert len(slots) >= 300
    pairs = {(s.source[0], s.city) for s in slots}
    assert len(pairs) == 20  # five cities, every ordered pair
    verdicts = {s.verdict for s in slots}
    assert verdicts == {"对应", "相关", "无对应", "原文缺失"}
    assert sum(len(s.same) > 1 for s in slots) >= 30  # multi-matter articles with several counterparts
    assert sum(s.verdict == "原文缺失" for s in slots) >= 15  # 株洲's truncation


def test_links_shown_as_the_same_provision_are_right(tallies):
    for half in ("all", "held-out"):
        t = tallies[half]
        assert t.precision >= 0.95, (half, t.precision)  # target 0.95: met (held-out 0.959)
        assert t.wrong <= 0.05, (half, t.wrong)  # target 0.05: met (0.010)
        assert t.none_as_same <= 0.10, (half, t.none_as_same)  # target 0.10: met (0.0)


def test_known_counterparts_are_found(tallies):
    t = tallies["all"]
    assert t.recall >= 0.52  # target 0.95: NOT met (0.548; 0.671 at any level)
    assert t.gold_same_found / t.gold_same >= 0.64


def test_slot_verdicts(tallies):
    same_p, same_r, _ = tallies["all"].level_scores("对应")
    lost_p, lost_r, _ = tallies["all"].level_scores("原文缺失")
    assert same_p >= 0.98 and same_r >= 0.7
    assert lost_p >= 0.8 and lost_r >= 0.8


def test_the_kept_calibration_is_what_the_gold_set_gives():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    kept = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    assert kept["fitted_on"].startswith(f"{sum(not s.held_out for s in load_gold())} calibration slots")
    result = subprocess.run(
        [sys.executable, str(root / "scripts/calibrate_align.py"), "--check", "--precision", "0.96"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
