"""Curation assist: what the curated cities teach about a new one, as labelled suggestions (never facts).

The same engine as 对标检查 (rulebook/analysis/draft_match.py; the browser's twin gives the same answers):
the new city's text is the draft and the curated cities are its peers.

- topic tags: the tags of each article's nearest curated neighbours, weighted by similarity;
- comparison cells: the draft sentence that states the attribute, with its calibrated level — 对应 (a
  candidate with the number it states, for quantitative attributes), 相关 (a candidate to check, no
  number), or 无对应 (a suggested 未规定, with what was searched).

Measured leave-one-city-out on the five curated cities (scripts/align_eval.py); tests/test_suggest.py guards
floors a little under the measured figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rulebook.analysis.clauses import LEVEL_NONE, LEVEL_SAME
from rulebook.analysis.draft_match import Draft, check, corpus
from rulebook.data.load import Rulebook
from rulebook.model.schema import Attribute, CellStatus

SEARCHED_QUOTES = 3  # peers' cited sentences named in a suggested 未规定's note


@dataclass(frozen=True)
class CellSuggestion:
    """A machine suggestion for one comparison cell: where the answer probably is, not the answer.

    `level`: 对应 (the engine is sure the sentence states the attribute; only then a number) or 相关 (same
    topic, to be checked). `score`: the calibrated probability that the sentence states it."""

    article: int
    quote: str
    number: float | None
    score: float
    level: str = LEVEL_SAME


class Suggester:
    """Suggestions for a city of `book` from peer cities, through the 对标检查 engine."""

    def __init__(self, book: Rulebook, data: dict[str, Any] | None = None) -> None:
        self.book = book
        self.data = data or corpus(book)
        self._results: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}

    def result(self, slug: str, peers: list[str]) -> dict[str, Any]:
        """The engine's check of the city's own text against `peers` (kept per city and peers)."""
        key = (slug, tuple(peers))
        if key not in self._results:
            city = next(c for c in self.data["cities"] if c["id"] == slug)
            draft = Draft([{"n": a[0], "label": a[1], "chapter": a[2], "text": a[3]} for a in city["articles"]])
            self._results[key] = check(self.data, list(peers), draft)
        return self._results[key]

    def _row(self, attr: Attribute, slug: str, peers: list[str]) -> dict[str, Any]:
        return next(r for r in self.result(slug, peers)["attrs"] if r["id"] == attr.id)

    def tags(self, slug: str, peers: list[str]) -> dict[str, list[str]]:
        """art_<n> -> suggested topic ids (strongest first), from the peers' tags."""
        return {f"art_{a['n']}": a["topics"] for a in self.result(slug, peers)["articles"] if a["topics"]}

    def rank(self, attr: Attribute, slug: str, peers: list[str]) -> list[int]:
        """The city's best articles for one attribute (at most draft_match.RANKED), best first."""
        row = self._row(attr, slug, peers)
        return list(row["draft"]["ranked"]) if row["draft"] else []

    def cell(self, attr: Attribute, slug: str, peers: list[str]) -> CellSuggestion | None:
        """A suggestion for one cell at 对应 or 相关, or None: 无对应 (see searched() for the note)."""
        row = self._row(attr, slug, peers)
        if row["level"] == LEVEL_NONE or not row["draft"]:
            return None
        d = row["draft"]
        return CellSuggestion(
            article=d["article"], quote=d["quote"], number=d["number"], score=round(row["p"], 3), level=row["level"]
        )

    def searched(self, attr: Attribute, peers: list[str]) -> str:
        """What the engine looked for: the attribute and the peers' cited sentences (a suggested 未规定's note)."""
        quotes = [q.quote for p in peers if (c := attr.cells.get(p)) for q in c.quotes()][:SEARCHED_QUOTES]
        return f"{attr.label}（{attr.description}）" + ("；同行引文：" + "；".join(quotes) if quotes else "")


@dataclass
class Scores:
    """Leave-one-city-out agreement of the suggestions with the curated data (one city or all)."""

    tag_tp: int = 0
    tag_fp: int = 0
    tag_fn: int = 0
    cells: int = 0  # 有规定 cells
    at1: int = 0
    at3: int = 0
    covered: int = 0  # 有规定 cells that got a candidate (对应 or 相关)
    same: int = 0  # 对应 candidates given for 有规定 or 未规定 cells
    same_right: int = 0  # … in an article the curated cell cites
    unregulated: int = 0  # 未规定 cells
    no_candidate: int = 0  # … left without a candidate (a suggested 未规定)
    numeric: int = 0
    numeric_exact: int = 0
    numeric_wrong: int = 0  # a number suggested that is not the curated one

    def add(self, other: Scores) -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def summary(self) -> dict[str, float]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else float("nan")

        return {
            "tag_micro_f1": ratio(2 * self.tag_tp, 2 * self.tag_tp + self.tag_fp + self.tag_fn),
            "article_at_1": ratio(self.at1, self.cells),
            "article_at_3": ratio(self.at3, self.cells),
            "candidate_given": ratio(self.covered, self.cells),
            "same_right": ratio(self.same_right, self.same),
            "no_candidate_on_unregulated": ratio(self.no_candidate, self.unregulated),
            "numeric_exact": ratio(self.numeric_exact, self.numeric),
            "numeric_wrong": ratio(self.numeric_wrong, self.numeric),
        }


def leave_one_out(book: Rulebook, suggester: Suggester | None = None) -> dict[str, Scores]:
    """Hide each curated city in turn and suggest its tags and cells from the others."""
    s = suggester or Suggester(book)
    curated = [slug for slug, t in book.tags.items() if t.curated and slug in book.cities]
    attrs = [a for facts in book.facts.values() for a in facts.attributes]
    out: dict[str, Scores] = {}
    for slug in curated:
        sc = Scores()
        peers = [p for p in curated if p != slug]
        for key, topics in s.tags(slug, peers).items():
            gold = set(book.tags[slug].tags.get(key, []))
            sc.tag_tp += len(gold & set(topics))
            sc.tag_fp += len(set(topics) - gold)
        for key, gold_topics in book.tags[slug].tags.items():
            sc.tag_fn += len(set(gold_topics) - set(s.tags(slug, peers).get(key, [])))
        for attr in attrs:
            cell = attr.cells.get(slug)
            if cell is None:
                continue
            guess = s.cell(attr, slug, peers)
            if guess is not None and guess.level == LEVEL_SAME:
                sc.same += 1
                sc.same_right += cell.status == CellStatus.value and guess.article in {q.article for q in cell.quotes()}
            if cell.status == CellStatus.value:
                gold = {q.article for q in cell.quotes()}
                ranked = s.rank(attr, slug, peers)
                sc.cells += 1
                sc.at1 += bool(ranked[:1] and ranked[0] in gold)
                sc.at3 += bool(gold & set(ranked[:3]))
                sc.covered += guess is not None
                if attr.unit and cell.number is not None:
                    sc.numeric += 1
                    given = guess is not None and guess.number is not None
                    exact = given and abs(guess.number - cell.number) < 1e-9  # type: ignore[union-attr,operator]
                    sc.numeric_exact += bool(exact)
                    sc.numeric_wrong += bool(given and not exact)
            elif cell.status == CellStatus.not_specified:
                sc.unregulated += 1
                sc.no_candidate += guess is None
        out[slug] = sc
    return out
