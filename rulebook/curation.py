"""Editor workflow: give a newly imported city its place in tags and comparisons, marked 待整理."""

from __future__ import annotations

from pathlib import Path

from . import yamlio
from .models import Cell, CellStatus, Chain, ChainType, CityChains, CityTags, TopicFacts

HEADERS = {
    "chains": "# Approval chains (schema: rulebook/models.py CityChains). Canonical form: scripts/canonical.py\n",
    "tags": "# Topics of every article (ids from rules_data/topics.yaml). Canonical form: scripts/canonical.py\n",
    "comparisons": "# Comparison facts (schema: rulebook/models.py TopicFacts). Canonical form: scripts/canonical.py\n",
}


def canonical_text(kind: str, model: CityTags | TopicFacts | CityChains) -> str:
    return HEADERS[kind] + yamlio.dump(model)


def add_pending(root: Path, slug: str) -> list[Path]:
    """Write tags/<slug>.yaml (curated: false) and a 待整理 cell in every comparison; return changed files."""
    data = root / "rules_data"
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
        for path in sorted((root / "rules_data" / kind).glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            new = canonical_text(kind, model.model_validate(yamlio.load(text)))
            if new != text:
                path.write_text(new, encoding="utf-8")
                changed.append(path)
    return changed
