"""Editor workflow: give a newly imported city its place in tags and comparisons, marked 待整理."""

from __future__ import annotations

from pathlib import Path

from rulebook.analysis.suggest import Suggester
from rulebook.data import yamlio
from rulebook.data.layout import Layout
from rulebook.data.load import Rulebook
from rulebook.model.schema import Cell, CellStatus, Chain, ChainType, CityChains, CityTags, TopicFacts

HEADERS = {
    "chains": "# Approval chains (schema: rulebook/model/schema.py CityChains). Canonical form: scripts/canonical.py\n",
    "tags": "# Topics of every article (ids from rules_data/topics.yaml). Canonical form: scripts/canonical.py\n",
    "comparisons": (
        "# Comparison facts (schema: rulebook/model/schema.py TopicFacts). Canonical form: scripts/canonical.py\n"
    ),
}


def canonical_text(kind: str, model: CityTags | TopicFacts | CityChains) -> str:
    return HEADERS[kind] + yamlio.dump(model)


def add_pending(root: Path, slug: str) -> list[Path]:
    """Write tags/<slug>.yaml (curated: false) and a 待整理 cell in every comparison; return changed files."""
    data = Layout(root).data
    changed = []
    tags_path = data / "tags" / f"{slug}.yaml"
    if not tags_path.exists():
        tags_path.write_text(canonical_text("tags", CityTags(city=slug, curated=False)), encoding="utf-8")
        changed.append(tags_path)
    chains_path = data / "chains" / f"{slug}.yaml"
    if not chains_path.exists():
        pending = CityChains(city=slug, chains=[Chain(type=t, status=CellStatus.pending) for t in ChainType])
        chains_path.write_text(canonical_text("chains", pending), encoding="utf-8")
        changed.append(chains_path)
    for path in sorted((data / "comparisons").glob("*.yaml")):
        facts = TopicFacts.model_validate(yamlio.load(path.read_text(encoding="utf-8")))
        touched = False
        for attr in facts.attributes:
            if slug not in attr.cells:
                attr.cells[slug] = Cell(status=CellStatus.pending)
                touched = True
        if touched:
            path.write_text(canonical_text("comparisons", facts), encoding="utf-8")
            changed.append(path)
    return changed


def canonicalize(root: Path) -> list[Path]:
    """Rewrite hand-curated tags, comparison and chain files in canonical form; return the changed files."""
    changed = []
    for kind, model in (("tags", CityTags), ("comparisons", TopicFacts), ("chains", CityChains)):
        for path in sorted(Layout(root).kind(kind).glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            new = canonical_text(kind, model.model_validate(yamlio.load(text)))
            if new != text:
                path.write_text(new, encoding="utf-8")
                changed.append(path)
    return changed


NO_CANDIDATE = "机器建议：未规定（无对应：本市没有一句与各市已引条文说的是同一事项）。检索了："
NOTE = {
    "对应": "机器建议（对应），待核：候选句与各市已引条文说的是同一事项，数值（如有）取自该句",
    "相关": "机器建议（相关），待核：候选句与各市已引条文同一主题、可能是另一事项，请核对；不给数值",
}


def add_suggestions(root: Path, book: Rulebook, slug: str) -> list[Path]:
    """Fill a new city's 待整理 places with machine suggestions from the curated cities.

    Topic tags go to tags/<slug>.yaml `suggested` (the file stays `curated: false`); every 待整理 cell
    becomes 待核 at the engine's level (对应: candidate article, verbatim sentence, the number it states;
    相关: the candidate to check, no number; score: the calibrated probability) or, at 无对应, stays 待整理
    with a note suggesting 未规定 and naming what was searched. An editor confirms a 待核 cell by setting
    status 有规定 and writing the value (or 未规定 with a note). Returns the files changed."""
    peers = [s for s, t in book.tags.items() if t.curated and s != slug and s in book.cities]
    if not peers:
        return []
    suggester = Suggester(book)
    data = Layout(root).data
    changed = []
    tags_path = data / "tags" / f"{slug}.yaml"
    tags = book.tags.get(slug)
    if tags is not None and not tags.curated:
        proposed = {k: v for k, v in suggester.tags(slug, peers).items() if k not in tags.tags}
        if proposed != tags.suggested:
            tags_path.write_text(canonical_text("tags", tags.model_copy(update={"suggested": proposed})), "utf-8")
            changed.append(tags_path)
    for topic, facts in book.facts.items():
        touched = False
        for attr in facts.attributes:
            cell = attr.cells.get(slug)
            if cell is None or cell.status not in (CellStatus.pending, CellStatus.suggested):
                continue
            guess = suggester.cell(attr, slug, peers)
            new = (
                Cell(
                    status=CellStatus.suggested,
                    article=guess.article,
                    quote=guess.quote,
                    number=guess.number,
                    score=guess.score,
                    note=NOTE[guess.level],
                )
                if guess
                else Cell(status=CellStatus.pending, note=NO_CANDIDATE + suggester.searched(attr, peers))
            )
            if new != cell:
                attr.cells[slug] = new
                touched = True
        if touched:
            path = data / "comparisons" / f"{topic}.yaml"
            path.write_text(canonical_text("comparisons", facts), encoding="utf-8")
            changed.append(path)
    return changed
