"""Synthetic corpora for benchmarks: N cities made from the real texts, shuffled and renamed.

Each synthetic city keeps a real city's shape (chapters, article count, numbering style) and fills
its articles with articles drawn at random from all real cities, so sizes stay realistic while the
texts differ. It goes through the real importer, and joins tags, chains and comparisons as 待整理.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from rulebook.analysis.curation import canonical_text
from rulebook.data import yamlio
from rulebook.data.importer import import_city
from rulebook.data.layout import Layout
from rulebook.data.load import load_rulebook
from rulebook.data.pipeline import HEADER
from rulebook.model.numerals import int_to_cn
from rulebook.model.schema import Cell, CellStatus, Chain, ChainType, City, CityChains, CityInput, CityTags, TopicFacts
from rulebook.model.segment import TERMINAL

PROVINCES = ["湖南省", "江苏省", "四川省", "黑龙江省", "广东省", "浙江省", "河南省", "山东省", "湖北省", "河北省"]


def _raw_text(name: str, shape: City, pool: list[str], rng: random.Random) -> str:
    lines = [f"{name}人民政府工作规则", ""]
    n = 0
    for ch in shape.chapters:
        lines += [f"{ch.label or '第一章'} {ch.title or '总则'}", ""]
        for _ in ch.articles:
            n += 1
            lines += [f"第{int_to_cn(n)}条 {rng.choice(pool)}", ""]
    return "\n".join(lines)


def make_synthetic(root: Path, count: int, seed: int = 7) -> list[str]:
    """Add `count` synthetic cities to the project at `root`; returns their slugs."""
    rng = random.Random(seed)
    book = load_rulebook(root)
    real = sorted(book.cities.values(), key=lambda c: c.id)
    # whole sentences only: a paragraph cut mid-sentence (株洲's capture ends in one) would make the importer read
    # a next label followed by 所/的… as a cross-reference continuing it, and refuse the city
    pool = [
        p.text
        for c in real
        for a in c.articles()
        for p in a.paragraphs
        if not p.item and len(p.text) > 20 and p.text.endswith(tuple(TERMINAL))
    ]
    rules = book.boilerplate
    assert rules is not None  # load_rulebook raises unless every file loaded
    data = Layout(root).data
    slugs = []
    for i in range(count):
        slug, name = f"syn{i:03d}", f"合成{i:03d}市"
        raw = _raw_text(name, real[i % len(real)], pool, rng).encode("utf-8")
        inp = CityInput.model_validate(
            {
                "id": slug,
                "source": {
                    "file": f"{slug}.txt",
                    "sha256": hashlib.sha256(raw).hexdigest(),
                    "captured_from": "合成数据",
                },
                "metadata": {
                    "province": PROVINCES[i % len(PROVINCES)],
                    "level": "地级市",
                    # whole by construction; without this the importer would flag 可能不完整 (no 附则 at the end)
                    "complete_confirmed": "合成数据：按真实城市的章节结构生成，没有截去条文",
                },
            }
        )
        (data / "sources" / f"{slug}.txt").write_bytes(raw)
        (data / "inputs" / f"{slug}.yaml").write_text(yamlio.dump(inp), encoding="utf-8")
        city, _ = import_city(raw, inp, rules)
        (data / "cities" / f"{slug}.yaml").write_text(HEADER + yamlio.dump(city), encoding="utf-8")
        (data / "tags" / f"{slug}.yaml").write_text(
            canonical_text("tags", CityTags(city=slug, curated=False)), encoding="utf-8"
        )
        chains = CityChains(city=slug, chains=[Chain(type=t, status=CellStatus.pending) for t in ChainType])
        (data / "chains" / f"{slug}.yaml").write_text(canonical_text("chains", chains), encoding="utf-8")
        slugs.append(slug)
    for path in sorted((data / "comparisons").glob("*.yaml")):
        facts = TopicFacts.model_validate(yamlio.load(path.read_text(encoding="utf-8")))
        for attr in facts.attributes:
            for slug in slugs:
                attr.cells[slug] = Cell(status=CellStatus.pending)
        path.write_text(canonical_text("comparisons", facts), encoding="utf-8")
    return slugs
