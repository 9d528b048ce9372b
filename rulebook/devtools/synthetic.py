"""Synthetic corpora for benchmarks: N cities made from the real texts, shuffled and renamed.

Each synthetic city keeps a real city's shape (chapters, article count, numbering style) and fills
its articles with articles drawn at random from all real cities, so sizes stay realistic while the
texts differ. It goes through the real importer, and joins tags, chains and comparisons as 待整理.

Two layouts. The default (`national=False`, what the scale tests use) cycles ten provinces, one document
per city. `national=True` is the country's shape (issue 32): governments spread over the 31 mainland
provinces of rulebook/model/provinces.py with at most PER_PROVINCE governments each (more only when even
three documents per government would not hold `count`), and some governments with 2–3 versions of their
rules. The site has no notion of versions yet (rules_data/SCHEMA.md, "Versions"), so each version is its
own document: `syn0123_2012` (已废止, its name says 2012年版) precedes `syn0123` (现行有效, metadata.replaces
names the older one); a later version keeps most of its predecessor's articles and revises about a quarter.

Deterministic (a seed), and fast enough for 10,000 documents: the files are written with libyaml's emitter
(byte for byte what rulebook/data/yamlio.py writes; tests/test_synthetic.py checks) and the documents are
imported on every core.
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from rulebook.analysis.curation import HEADERS
from rulebook.core import parallel
from rulebook.data import yamlio
from rulebook.data.importer import import_city
from rulebook.data.layout import Layout
from rulebook.data.load import load_rulebook
from rulebook.data.pipeline import HEADER
from rulebook.model.numerals import int_to_cn
from rulebook.model.provinces import GB2260
from rulebook.model.schema import (
    BoilerplateRules,
    Cell,
    CellStatus,
    Chain,
    ChainType,
    City,
    CityChains,
    CityInput,
    CityTags,
    TopicFacts,
)
from rulebook.model.segment import TERMINAL

PROVINCES = ["湖南省", "江苏省", "四川省", "黑龙江省", "广东省", "浙江省", "河南省", "山东省", "湖北省", "河北省"]
# The 31 mainland provincial-level divisions (GB/T 2260 codes below 70), in code order.
MAINLAND = [name for name, code in GB2260.items() if int(code) < 70]
PER_PROVINCE = 100  # governments a province holds at most in the national layout (county level and above)
REVISED = 0.25  # share of a version's articles rewritten in the next version
FIRST_YEAR = 2008  # a government's oldest version is issued in FIRST_YEAR + (0..3); each next one 4–6 years later


class _FastDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml: ~4× faster than the Python emitter
    pass


_FastDumper.add_representer(str, yamlio._str)  # the canonical form's string style


def fast_dump(data: Any) -> str:
    """yamlio.dump(data), with libyaml's emitter when installed (the same text; a test compares them)."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json", exclude_defaults=True)
    return yaml.dump(data, Dumper=_FastDumper, allow_unicode=True, sort_keys=False, width=10**9, indent=2)


@dataclass(frozen=True)
class Doc:
    """One synthetic document: its slug, the government it is of, input metadata and article texts (in the
    order of its shape's articles)."""

    slug: str
    government: str
    shape: int  # index of the real city whose chapters it copies
    texts: tuple[str, ...]
    metadata: dict[str, Any]


def _raw_text(name: str, shape: City, texts: list[str] | tuple[str, ...]) -> str:
    lines = [f"{name}人民政府工作规则", ""]
    n = 0
    for ch in shape.chapters:
        lines += [f"{ch.label or '第一章'} {ch.title or '总则'}", ""]
        for _ in ch.articles:
            lines += [f"第{int_to_cn(n + 1)}条 {texts[n]}", ""]
            n += 1
    return "\n".join(lines)


def _article_count(shape: City) -> int:
    return sum(len(ch.articles) for ch in shape.chapters)


def _legacy_docs(count: int, real: list[City], pool: list[str], rng: random.Random) -> list[Doc]:
    # The original layout; the draws are in the same order as before, so the same seed gives the same texts.
    docs = []
    for i in range(count):
        shape = i % len(real)
        texts = tuple(rng.choice(pool) for _ in range(_article_count(real[shape])))
        meta = {"province": PROVINCES[i % len(PROVINCES)], "level": "地级市"}
        docs.append(Doc(f"syn{i:03d}", f"合成{i:03d}市", shape, texts, meta))
    return docs


def plan_versions(count: int, rng: random.Random) -> list[int]:
    """How many versions each government has (1–3, summing to `count`), in a shuffled order: at small sizes
    about one government in seven has three and one in three has two; at large ones as many as it takes to
    keep PER_PROVINCE governments a province (every one three from 3 × 31 × PER_PROVINCE = 9,300 documents
    on, and beyond that more governments: 108 a province at 10,000)."""
    governments = max(math.ceil(count / 3), min(count, round(count / 1.6), len(MAINLAND) * PER_PROVINCE))
    extra = count - governments  # documents beyond one per government: each a second or third version
    threes = max(extra // 4, extra - governments)
    twos = extra - 2 * threes
    versions = [3] * threes + [2] * twos + [1] * (governments - threes - twos)
    rng.shuffle(versions)
    return versions


def _revise(texts: tuple[str, ...], pool: list[str], rng: random.Random) -> tuple[str, ...]:
    return tuple(rng.choice(pool) if rng.random() < REVISED else t for t in texts)


def _national_docs(count: int, real: list[City], pool: list[str], rng: random.Random) -> list[Doc]:
    docs = []
    versions = plan_versions(count, rng)
    for g, n in enumerate(versions):
        province = MAINLAND[g % len(MAINLAND)]
        level = "地级市" if (g // len(MAINLAND)) % 7 == 0 else "县级市"  # about one in seven a prefecture
        shape = g % len(real)
        name = f"合成{g:04d}市"
        texts = tuple(rng.choice(pool) for _ in range(_article_count(real[shape])))
        year = FIRST_YEAR + rng.randrange(4)
        previous: dict[str, str] | None = None
        for v in range(n):
            current = v == n - 1
            doc_number = f"合成政发〔{year}〕{g + 1}号"  # one a government and year
            meta: dict[str, Any] = {"province": province, "level": level, "doc_number": doc_number}
            meta["issued"] = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            meta["status"] = "现行有效" if current else "已废止"
            meta["status_as_of"] = "2026-11-30"
            if previous:
                meta["replaces"] = previous
            slug = f"syn{g:04d}" if current else f"syn{g:04d}_{year}"
            if not current:  # two documents of one government: the older one's name says which it is
                meta["name"] = f"{name}（{year}年版）"
            docs.append(Doc(slug, name, shape, texts, meta))
            previous = {"title": f"{name}人民政府工作规则", "doc_number": doc_number}
            texts = _revise(texts, pool, rng)
            year += 4 + rng.randrange(3)
    return docs


_SLUG = "zzslugzz"  # stands for the slug in the tags/chains templates
_shared: dict[str, Any] = {}  # what the forked import workers read (the real cities' shapes, the boilerplate)


def _write_doc(doc: Doc) -> None:
    real: list[City] = _shared["real"]
    rules: BoilerplateRules = _shared["rules"]
    data: Path = _shared["data"]
    raw_bytes = _raw_text(doc.government, real[doc.shape], doc.texts).encode("utf-8")
    inp = CityInput.model_validate(
        {
            "id": doc.slug,
            "source": {
                "file": f"{doc.slug}.txt",
                "sha256": hashlib.sha256(raw_bytes).hexdigest(),
                "captured_from": "合成数据",
            },
            "metadata": {
                **doc.metadata,
                # whole by construction; without this the importer would flag 可能不完整 (no 附则 at the end)
                "complete_confirmed": "合成数据：按真实城市的章节结构生成，没有截去条文",
            },
        }
    )
    (data / "sources" / f"{doc.slug}.txt").write_bytes(raw_bytes)
    (data / "inputs" / f"{doc.slug}.yaml").write_text(fast_dump(inp), encoding="utf-8")
    city, _ = import_city(raw_bytes, inp, rules)
    (data / "cities" / f"{doc.slug}.yaml").write_text(HEADER + fast_dump(city), encoding="utf-8")
    for kind in ("tags", "chains"):
        (data / kind / f"{doc.slug}.yaml").write_text(_shared[kind].replace(_SLUG, doc.slug), encoding="utf-8")


def make_synthetic(root: Path, count: int, seed: int = 7, national: bool = False) -> list[str]:
    """Add `count` synthetic documents to the project at `root`; returns their slugs.
    `national`: the country's layout (31 provinces, ≤ PER_PROVINCE governments each, some with 2–3 versions)."""
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
    docs = (_national_docs if national else _legacy_docs)(count, real, pool, rng)
    # tags/ and chains/ files differ only in the slug: made once (curation.canonical_text's form), then filled in
    chains = CityChains(city=_SLUG, chains=[Chain(type=t, status=CellStatus.pending) for t in ChainType])
    _shared.update(
        real=real,
        rules=rules,
        data=data,
        tags=HEADERS["tags"] + fast_dump(CityTags(city=_SLUG, curated=False)),
        chains=HEADERS["chains"] + fast_dump(chains),
    )
    try:  # forked only where fork is safe: no other threads in this process
        forks = threading.active_count() == 1
        for _ in parallel.map_forked(_write_doc, docs, allowed=forks, min_items=64, chunksize=16):
            pass
    finally:
        _shared.clear()
    slugs = [d.slug for d in docs]
    for path in sorted((data / "comparisons").glob("*.yaml")):
        facts = TopicFacts.model_validate(yamlio.load(path.read_text(encoding="utf-8")))
        for attr in facts.attributes:
            for slug in slugs:
                attr.cells[slug] = Cell(status=CellStatus.pending)
        path.write_text(HEADERS["comparisons"] + fast_dump(facts), encoding="utf-8")
    return slugs
