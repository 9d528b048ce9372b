"""The synthetic corpus generator: the national layout (provinces, versions) passes lint, is deterministic, and
its fast YAML is the canonical YAML byte for byte."""

from __future__ import annotations

import math
import random
from collections import Counter
from pathlib import Path

import pytest

from rulebook.data import lint, yamlio
from rulebook.data.load import load_rulebook
from rulebook.devtools import synthetic
from rulebook.devtools.projects import copy_project

COUNT = 40  # synthetic documents: a few governments with two or three versions
FIXTURE_MARKS = {"national": "slow"}  # generating, linting and generating again: ~10 s on a busy machine


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = copy_project(tmp_path_factory.mktemp("national"))
    return root, synthetic.make_synthetic(root, COUNT, national=True)


def test_plan_keeps_provinces_realistic() -> None:
    for count in (7, 40, 295, 2995, 9300, 9995):
        plan = synthetic.plan_versions(count, random.Random(7))
        assert sum(plan) == count and set(plan) <= {1, 2, 3}
        per_province = math.ceil(len(plan) / len(synthetic.MAINLAND))
        if count <= 3 * len(synthetic.MAINLAND) * synthetic.PER_PROVINCE:
            assert per_province <= synthetic.PER_PROVINCE
        else:  # beyond three versions for every government: as few more governments as it takes
            assert len(plan) == math.ceil(count / 3) and per_province == 108
        if 40 <= count <= 3000:  # some governments have versions, not all (at 9,300 and above: all three)
            assert Counter(plan)[1] > 0 and Counter(plan)[2] > 0 and Counter(plan)[3] > 0
    assert len(synthetic.MAINLAND) == 31 and "台湾省" not in synthetic.MAINLAND


def test_national_corpus_passes_lint_with_versions(national: tuple[Path, list[str]]) -> None:
    root, slugs = national
    assert len(slugs) == len(set(slugs)) == COUNT
    assert lint.lint(root) == []  # schema, cross-checks, and every city file is what the importer makes now
    book = load_rulebook(root)
    docs = [book.cities[s] for s in slugs]
    assert {c.province for c in docs} <= set(synthetic.MAINLAND)
    older = [c for c in docs if "_" in c.id]
    assert older, "some governments have an older version"
    for old in older:
        government, year = old.id.split("_")
        assert old.status == "已废止" and old.name.endswith(f"（{year}年版）")
        # its successor (the next version, or the current text) names it as the text it replaces
        successors = [c for c in docs if any(s.doc_number == old.doc_number for s in c.supersedes)]
        assert len(successors) == 1 and successors[0].id.startswith(government)
        new = successors[0]
        assert new.province == old.province and new.name.startswith(old.name.split("（")[0])
        same = sum(a.text() == b.text() for a, b in zip(old.articles(), new.articles(), strict=True))
        assert 0.5 < same / len(old.articles()) < 1  # a revision: most articles kept, some rewritten
    assert all(book.cities[s.split("_")[0]].status == "现行有效" for s in slugs)


def test_generator_is_deterministic_and_writes_canonical_yaml(national: tuple[Path, list[str]], tmp_path: Path) -> None:
    root, slugs = national
    again = copy_project(tmp_path / "again")
    assert synthetic.make_synthetic(again, COUNT, national=True) == slugs
    data, data2 = root / "rules_data", again / "rules_data"
    files = sorted(p.relative_to(data) for p in data.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(data2) for p in data2.rglob("*") if p.is_file())
    assert all((data / f).read_bytes() == (data2 / f).read_bytes() for f in files)
    # libyaml's emitter gives the canonical form (yamlio.dump, the Python emitter) byte for byte
    written = [data / "cities" / f"{s}.yaml" for s in slugs[:10]] + sorted((data / "comparisons").glob("*.yaml"))
    for path in written:
        text = path.read_text(encoding="utf-8")
        body = yamlio.load(text)
        assert text.endswith(yamlio.dump(body)) and synthetic.fast_dump(body) == yamlio.dump(body)
