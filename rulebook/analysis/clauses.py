"""Clause-level counterparts with a calibrated level: for an article and another city, every article of
that city holding a counterpart of one of its clauses, each 对应 (the same provision) or 相关 (same topic,
another matter), with the clause pairs that matched — or none (无对应 / 原文缺失).

Clauses are the units the text already has: sentences (split after 。；！？) and paragraphs/items. Each
candidate article of the other city is described by a few features (how alike the two articles are, how
alike their best-matching clauses are, how much of one clause reappears verbatim in the other — rapidfuzz,
how many of the article's clauses find their best match there, and whether the document-order-aware
assignment picked it); a logistic model turns them into the probability that the pair is the same
provision. Its weights and the level thresholds are fitted on the hand-judged gold set in
tests/fixtures/align_gold/ by scripts/calibrate_align.py and kept in align_calibration.json next to this
module; nothing here is a guessed threshold."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CALIBRATION = Path(__file__).with_name("align_calibration.json")
# Sentences end after these; paragraphs (and list items) are clauses of their own.
_CLAUSE_END = re.compile(r"(?<=[。；;！？!?])|\n")
_ITEM_LABEL = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、])\s*")
_NOISE = re.compile(r"[\s\u3000，,。；;：:、！!？?“”\"'‘’（）()《》〈〉【】\[\]—…·]")
MIN_CLAUSE = 4  # characters: shorter pieces ("（一）", "等。") carry no provision of their own

FEATURES = (
    "cos",
    "clause",
    "verbatim",
    "cover",
    "assigned",
    "top",
    "margin",
    "reciprocal",
    "clause_margin",
    "chapter",
    "position",
    "consensus",
    "forth",
    "back",
)
LEVEL_SAME = "对应"
LEVEL_RELATED = "相关"
LEVEL_NONE = "无对应"
LEVEL_LOST = "原文缺失"
LEVELS = (LEVEL_SAME, LEVEL_RELATED, LEVEL_NONE, LEVEL_LOST)


def clauses(text: str) -> list[str]:
    """The clauses of an article's text, in order (item labels such as （一） kept with their clause)."""
    out = []
    for piece in _CLAUSE_END.split(text):
        piece = piece.strip()
        if len(_ITEM_LABEL.sub("", piece)) >= MIN_CLAUSE:
            out.append(piece)
    return out or ([text.strip()] if text.strip() else [])


def squeeze(text: str) -> str:
    """A clause for verbatim comparison: NFKC, without item labels, punctuation and spaces."""
    return _NOISE.sub("", _ITEM_LABEL.sub("", unicodedata.normalize("NFKC", text)))


def verbatim(a: str, b: str) -> float:
    """How much of the shorter clause reappears in the longer one, 0..1 (rapidfuzz partial ratio on squeezed
    text: local alignment, so a provision reused inside a longer sentence still scores high)."""
    from rapidfuzz import fuzz

    sa, sb = squeeze(a), squeeze(b)
    if not sa or not sb:
        return 0.0
    return fuzz.partial_ratio(sa, sb) / 100.0


@dataclass(frozen=True)
class Calibration:
    """The fitted model: feature means and scales, weights, intercept, and the probability thresholds of the
    two levels (对应 from `same`, 相关 from `related`, each fitted on the gold set)."""

    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    related_weights: tuple[float, ...]
    related_intercept: float
    same: float  # P(same provision) at or above: 对应
    related: float  # P(same topic) at or above (and not 对应): 相关
    large_same: float  # a large corpus (best match per city only): article cosine at or above: 对应
    large_related: float  # … and 相关
    fitted_on: str = ""

    def probability(self, x: tuple[float, ...]) -> float:
        return _sigmoid(self.intercept + sum(w * (v - m) / s for w, v, m, s in self._rows(x, self.weights)))

    def related_probability(self, x: tuple[float, ...]) -> float:
        z = self.related_intercept + sum(w * (v - m) / s for w, v, m, s in self._rows(x, self.related_weights))
        return _sigmoid(z)

    def _rows(self, x: tuple[float, ...], weights: tuple[float, ...]) -> list[tuple[float, float, float, float]]:
        return list(zip(weights, x, self.means, self.scales, strict=True))

    def level(self, x: tuple[float, ...]) -> tuple[str | None, float]:
        """(对应 | 相关 | None, P(same provision)) of one candidate pair."""
        p = self.probability(x)
        if p >= self.same:
            return LEVEL_SAME, p
        if self.related_probability(x) >= self.related:
            return LEVEL_RELATED, p
        return None, p

    def as_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1) + "\n"


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def calibration() -> Calibration:
    data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    return Calibration(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
