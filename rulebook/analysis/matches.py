"""What an alignment is: an article's counterparts (Match) per other city with their level, the whole
result (Alignment, its cache rows), and the levels a large corpus's cosine scores get (leveled).
align.py computes it for any corpus, align_local.py for a large one; both import these from here."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rulebook.analysis.clauses import LEVEL_RELATED, LEVEL_SAME, calibration

MIN_SCORE = 0.1  # below this two articles share little more than the genre's common words
TOP = 8  # matches kept per article (at most one per other city)


@dataclass(frozen=True)
class Match:
    """One counterpart: the other city's article, how sure the match is, its level and its evidence.

    `score`: in a corpus of up to scale.LARGE_ABOVE cities, the calibrated probability that the two are the
    same provision (rulebook/analysis/clauses.py); above it, the cosine similarity of the two texts.
    `level`: 对应 (the same provision) or 相关 (same topic, another matter). `clauses`: the (i, j) pairs of
    clause indexes (clauses.clauses() of each text) that matched, in the article's order."""

    city: str
    n: int
    score: float
    level: str = LEVEL_SAME
    clauses: tuple[tuple[int, int], ...] = ()


Key = tuple[str, int]


class Alignment(Mapping[Key, list[Match]]):
    """Every article's counterparts (对应 first, then 相关; strongest first within a level), and for each
    other city without one, why: 无对应 (the city has no such provision) or 原文缺失 (its text is cut
    before where the provision would be)."""

    def __init__(self, counterparts: dict[Key, list[Match]], none: dict[Key, dict[str, str]] | None = None) -> None:
        self.counterparts = counterparts
        self.none = none or {}

    def __getitem__(self, key: Key) -> list[Match]:
        return self.counterparts[key]

    def __iter__(self) -> Iterator[Key]:
        return iter(self.counterparts)

    def __len__(self) -> int:
        return len(self.counterparts)

    def same(self, key: Key) -> list[Match]:
        """The 对应 counterparts only (the same provision): what groups rows and pairs texts."""
        return [m for m in self.counterparts.get(key, []) if m.level == LEVEL_SAME]

    def verdict(self, key: Key, city: str) -> str | None:
        """One (article, other city) slot: 对应, 相关, 无对应, 原文缺失, or None when it was not compared."""
        levels = {m.level for m in self.counterparts.get(key, []) if m.city == city}
        if levels:
            return LEVEL_SAME if LEVEL_SAME in levels else LEVEL_RELATED
        return self.none.get(key, {}).get(city)

    def rows(self) -> list[list[object]]:
        """The cache file's rows: [city, n, [[city, n, score, level, [[i, j] …]] …], {city: reason}]."""
        return [
            [
                s,
                n,
                [[m.city, m.n, m.score, m.level, [list(c) for c in m.clauses]] for m in ms],
                self.none.get((s, n), {}),
            ]
            for (s, n), ms in self.counterparts.items()
        ]

    @classmethod
    def from_rows(cls, rows: list[list[object]]) -> Alignment:
        counterparts: dict[Key, list[Match]] = {}
        none: dict[Key, dict[str, str]] = {}
        for s, n, ms, reasons in rows:  # type: ignore[misc]
            key = (str(s), int(n))  # type: ignore[call-overload]
            # most matches of a large corpus carry no clause pairs: skip building empty tuples (66k rows at 1,000)
            counterparts[key] = [
                Match(c, m, sc, lv, tuple(map(tuple, cl)) if cl else ())  # type: ignore[misc]
                for c, m, sc, lv, cl in ms  # type: ignore[misc]
            ]
            if reasons:
                none[key] = dict(reasons)  # type: ignore[arg-type]
        return cls(counterparts, none)


def leveled(matches: dict[Key, list[Match]]) -> Alignment:
    """A large corpus's best matches by cosine, with levels: 对应 at or above the calibration's large_same,
    相关 at or above large_related, the rest dropped; 对应 first, strongest first within a level."""
    cal = calibration()
    out: dict[Key, list[Match]] = {}
    for key, ms in matches.items():
        kept = []
        for m in ms:
            if m.score >= cal.large_same:
                kept.append(Match(m.city, m.n, m.score, LEVEL_SAME))
            elif m.score >= cal.large_related:
                kept.append(Match(m.city, m.n, m.score, LEVEL_RELATED))
        kept.sort(key=lambda m: (m.level != LEVEL_SAME, -m.score))
        out[key] = kept
    return Alignment(out)
