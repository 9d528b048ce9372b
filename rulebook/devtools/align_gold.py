"""The alignment's gold set (tests/fixtures/align_gold/): hand-judged (article, other city) slots, and the
measures the alignment is held to on it — per level and per city pair."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from rulebook.analysis.clauses import LEVEL_LOST, LEVEL_NONE, LEVEL_RELATED, LEVEL_SAME

GOLD = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "align_gold"


@dataclass(frozen=True)
class Slot:
    source: tuple[str, int]  # (city, n) of the judged article
    city: str  # the other city it was judged against
    same: frozenset[int]  # its articles holding the same provision (对应)
    related: frozenset[int]  # its articles on the same topic, another matter (相关)
    verdict: str  # 对应 | 相关 | 无对应 | 原文缺失

    @property
    def held_out(self) -> bool:
        """Half of the slots, by a hash of their names: fitted on the other half, reported apart."""
        return hashlib.sha256(f"{self.source[0]}.{self.source[1]}>{self.city}".encode()).digest()[0] % 2 == 1


def load_gold(folder: Path = GOLD) -> list[Slot]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for s in data["slots"]:
            city, n = s["source"].split(".")
            out.append(
                Slot(
                    (city, int(n)),
                    data["target"],
                    frozenset(s.get("same") or []),
                    frozenset(s.get("related") or []) - frozenset(s.get("same") or []),
                    s["verdict"],
                )
            )
    return out


@dataclass
class Tally:
    """Counts behind the measures, for one group of slots (all, one city pair, one half)."""

    slots: int = 0
    shown_same: int = 0  # 对应 links shown
    shown_same_right: int = 0  # … that are the same provision
    shown_same_wrong: int = 0  # … that are neither the same provision nor related
    gold_same: int = 0  # known counterparts
    gold_same_shown: int = 0  # … shown as 对应
    gold_same_found: int = 0  # … shown at any level
    none_slots: int = 0  # slots with no counterpart (无对应 / 原文缺失)
    none_shown_same: int = 0  # … where a 对应 link is shown
    verdicts: Counter[tuple[str, str | None]] = field(default_factory=Counter)  # (gold, shown)

    def add(self, slot: Slot, shown: Mapping[int, str], verdict: str | None) -> None:
        self.slots += 1
        same = {n for n, lv in shown.items() if lv == LEVEL_SAME}
        self.shown_same += len(same)
        self.shown_same_right += len(same & slot.same)
        self.shown_same_wrong += len(same - slot.same - slot.related)
        self.gold_same += len(slot.same)
        self.gold_same_shown += len(slot.same & same)
        self.gold_same_found += len(slot.same & set(shown))
        if slot.verdict in (LEVEL_NONE, LEVEL_LOST):
            self.none_slots += 1
            self.none_shown_same += bool(same)
        self.verdicts[(slot.verdict, verdict)] += 1

    @property
    def precision(self) -> float:
        """对应 links that are the same provision."""
        return self.shown_same_right / self.shown_same if self.shown_same else 1.0

    @property
    def recall(self) -> float:
        """Known counterparts shown as 对应."""
        return self.gold_same_shown / self.gold_same if self.gold_same else 1.0

    @property
    def wrong(self) -> float:
        """对应 links to an article that is neither the same provision nor related."""
        return self.shown_same_wrong / self.shown_same if self.shown_same else 0.0

    @property
    def none_as_same(self) -> float:
        """Slots with no counterpart that show a 对应 link."""
        return self.none_shown_same / self.none_slots if self.none_slots else 0.0

    def level_scores(self, level: str) -> tuple[float, float, int]:
        """(precision, recall, gold count) of the slot verdict `level`."""
        gold = sum(c for (g, _), c in self.verdicts.items() if g == level)
        shown = sum(c for (_, s), c in self.verdicts.items() if s == level)
        right = self.verdicts[(level, level)]
        return (right / shown if shown else 1.0, right / gold if gold else 1.0, gold)


def evaluate(alignment: Mapping, slots: Iterable[Slot]) -> dict[str, Tally]:
    """Tallies for 'all', 'calibration', 'held-out' and each city pair ('ziyang>chenzhou'). `alignment`:
    rulebook.analysis.align.Alignment."""
    out: dict[str, Tally] = defaultdict(Tally)
    for slot in slots:
        shown: dict[int, str] = {}
        for m in alignment.get(slot.source, []):
            if m.city == slot.city and (m.n not in shown or m.level == LEVEL_SAME):
                shown[m.n] = m.level
        verdict = alignment.verdict(slot.source, slot.city)
        for group in ("all", "held-out" if slot.held_out else "calibration", f"{slot.source[0]}>{slot.city}"):
            out[group].add(slot, shown, verdict)
    return dict(out)


def report(tallies: dict[str, Tally]) -> str:
    """The measures as Markdown tables (the 质量 section of docs/performance.md)."""
    lines = [
        "| slots | 对应 links right | known counterparts shown as 对应 | found at any level | wrong pair as 对应 | "
        "no-counterpart slot as 对应 |",
        "|---|---|---|---|---|---|",
    ]
    rows = ["all", "calibration", "held-out"]
    for name in rows:
        t = tallies.get(name)
        if t is None:
            continue
        found = t.gold_same_found / t.gold_same if t.gold_same else 1.0
        lines.append(
            f"| {name} ({t.slots}) | {t.precision:.3f} ({t.shown_same_right}/{t.shown_same}) | "
            f"{t.recall:.3f} ({t.gold_same_shown}/{t.gold_same}) | {found:.3f} | {t.wrong:.3f} | "
            f"{t.none_as_same:.3f} ({t.none_shown_same}/{t.none_slots}) |"
        )
    lines += ["", "| slot verdict | precision | recall | gold slots |", "|---|---|---|---|"]
    everything = tallies["all"]
    for level in (LEVEL_SAME, LEVEL_RELATED, LEVEL_NONE, LEVEL_LOST):
        p, r, g = everything.level_scores(level)
        lines.append(f"| {level} | {p:.3f} | {r:.3f} | {g} |")
    lines += ["", "| city pair (article > other city) | slots | 对应 links right | known shown as 对应 |"]
    lines.append("|---|---|---|---|")
    for name in sorted(k for k in tallies if ">" in k):
        t = tallies[name]
        lines.append(f"| {name} | {t.slots} | {t.precision:.3f} | {t.recall:.3f} |")
    return "\n".join(lines) + "\n"
