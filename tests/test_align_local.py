"""Local alignment of a large corpus (rulebook/analysis/align_local.py, issue 32): a one-city edit
recomputes only the rows it touches, and the result equals a full computation byte for byte. Alignment
only, no site build: 5 real + 61 synthetic cities, just above scale.LARGE_ABOVE."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from rulebook.analysis import align, align_local
from rulebook.data.load import Rulebook, load_rulebook
from rulebook.devtools.projects import copy_project
from rulebook.devtools.synthetic import make_synthetic
from rulebook.model import scale

pytestmark = pytest.mark.slow
CITIES = scale.LARGE_ABOVE + 6
EDITED = "syn017"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("alignlocal") / "project")
    make_synthetic(project, CITIES - 5)
    return project


def _edit(book: Rulebook) -> None:
    """A one-city text edit: one article reworded, another replaced by a real city's article."""
    arts = book.city(EDITED).articles()
    arts[2].paragraphs[0].text += "并报市人民政府备案审查。"
    arts[5].paragraphs[0].text = book.city("chenzhou").articles()[10].paragraphs[0].text


def _run(book: Rulebook, cache: Path, **kw: bool) -> tuple[align.Alignment, align_local.Stats, bytes]:
    out = align.cache_path(book, cache)
    got, stats = align_local.align_large(book, cache, out, **kw)
    return got, stats, out.read_bytes()


@pytest.fixture(scope="module")
def runs(project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    cache = tmp_path_factory.mktemp("aligncache")
    before = load_rulebook(project)
    cold = _run(before, cache)
    weights = align_local.Weights.load(next((cache / "local").glob("weights-*.npz")))
    twin = tmp_path_factory.mktemp("aligntwin")
    shutil.copytree(cache, twin, dirs_exist_ok=True)
    after = load_rulebook(project)
    _edit(after)
    return {
        "cache": twin,
        "before": before,
        "after": after,
        "cold": cold,
        "weights": weights,
        "old_sigs": _signatures(before, weights),
        "edit": _run(after, cache),
        "edit_cache": cache,
        "full": _run(after, twin, full=True),  # every row computed again, with the same frozen weights
    }


def _signatures(book: Rulebook, weights: align_local.Weights) -> dict[align.Key, np.ndarray]:
    keys = [(s, a.n) for s, c in book.cities.items() for a in c.articles()]
    texts = [a.text() for c in book.cities.values() for a in c.articles()]
    sigs = align_local.signatures(align_local.vectors(texts, weights))
    return dict(zip(keys, sigs, strict=True))


def _bands(sig: np.ndarray) -> set[tuple[int, bytes]]:
    r = align_local.NUM_PERM // align_local.BANDS
    return {(b, sig[b * r : (b + 1) * r].tobytes()) for b in range(align_local.BANDS)}


def test_a_cold_run_fits_the_weights_and_computes_every_row(runs):
    _, stats, _ = runs["cold"]
    assert stats.refit and stats.full and len(stats.recomputed) == stats.rows > 4000


def test_one_city_edit_recomputes_only_the_rows_it_touches(runs):
    # touched: the edited city's articles and every article sharing an LSH band (its candidate set) with
    # the old or new text of an edited article, computed here from the signatures and the band rule alone
    before, after, weights = runs["before"], runs["after"], runs["weights"]
    new_sigs = _signatures(after, weights)
    pairs = zip(before.city(EDITED).articles(), after.city(EDITED).articles(), strict=True)
    edited = [a.n for a, b in pairs if a.text() != b.text()]
    assert len(edited) == 2
    probes = set()
    for sigs in (runs["old_sigs"], new_sigs):
        for n in edited:
            probes |= _bands(sigs[(EDITED, n)])
    expected = {k for k, sig in new_sigs.items() if k[0] == EDITED or _bands(sig) & probes}
    _, stats, _ = runs["edit"]
    assert not stats.full and not stats.refit and stats.changed == [EDITED]
    assert stats.touched == expected
    assert len(stats.touched) < 0.35 * stats.rows, (len(stats.touched), stats.rows)
    # of those, the rows that provably keep their value (align_local._unchanged) are read back: every row
    # whose result moved, and every row of the edited city, is still recomputed
    old, new = runs["cold"][0], runs["edit"][0]
    moved = {k for k in new if new[k] != old.get(k)}
    own = {k for k in new if k[0] == EDITED}
    assert moved and moved | own <= stats.recomputed <= stats.touched
    assert len(stats.recomputed) < 0.2 * stats.rows, (len(stats.recomputed), stats.rows)


def test_removing_a_city_equals_a_full_computation(runs, project, tmp_path):
    # a second incremental step from the edited state: one city gone; its old texts' bucket mates redone
    book = load_rulebook(project)
    _edit(book)
    gone = "syn030"
    del book.cities[gone]
    mine, twin = tmp_path / "mine", tmp_path / "twin"
    shutil.copytree(runs["edit_cache"], mine)
    shutil.copytree(runs["edit_cache"], twin)
    got, stats, data = _run(book, mine)
    full = _run(book, twin, full=True)
    assert not stats.full and stats.changed == [gone] and data == full[2]
    assert all(m.city != gone for ms in got.values() for m in ms)
    assert 0 < len(stats.recomputed) <= len(stats.touched) < 0.35 * stats.rows


def test_the_incremental_result_equals_a_full_computation_byte_for_byte(runs):
    edit, full = runs["edit"], runs["full"]
    assert len(full[1].recomputed) == full[1].rows and not full[1].refit
    assert edit[2] == full[2]  # the cache files (align.cache_path), as written
    assert edit[0].rows() == full[0].rows()
    assert json.loads(edit[2]) == edit[0].rows()


def test_rows_hold_the_best_match_per_other_city_in_order(runs):
    got = runs["edit"][0]
    for (slug, _), found in got.items():
        cities = [m.city for m in found]
        assert slug not in cities and len(cities) == len(set(cities)) <= align.TOP
        for level in ("对应", "相关"):
            scores = [m.score for m in found if m.level == level]
            assert scores == sorted(scores, reverse=True)


def test_an_edit_beyond_the_stated_share_refits_the_weights(runs, project, tmp_path):
    # the one-city edit stays under REFIT_ABOVE (10 %): same weights; rewording every article of enough
    # cities to pass it refits them, and every row is computed again
    book, weights = runs["after"], runs["weights"]
    assert 0 < weights.drift(_fingerprints(book)) < align_local.REFIT_ABOVE
    assert runs["edit"][1].refit is False
    many = load_rulebook(project)
    slugs = sorted(many.cities)[: int(len(many.cities) * align_local.REFIT_ABOVE) + 2]
    for slug in slugs:
        for a in many.city(slug).articles():
            a.paragraphs[0].text += "。"
    assert weights.drift(_fingerprints(many)) > align_local.REFIT_ABOVE
    shutil.copytree(runs["cache"], tmp_path, dirs_exist_ok=True)
    _, stats, _ = _run(many, tmp_path)
    assert stats.refit and stats.full and len(stats.recomputed) == stats.rows
    assert [p.name for p in (tmp_path / "local").glob("weights-*.npz")] != [f"weights-{weights.version}.npz"]


def _fingerprints(book: Rulebook) -> np.ndarray:
    return align_local.article_fingerprints(
        [(s, a.n) for s, c in book.cities.items() for a in c.articles()],
        [a.text() for c in book.cities.values() for a in c.articles()],
    )


def test_candidates_find_the_exact_best_match(runs):
    # MinHash-LSH candidates against exact cosine over all pairs (the same vectors): the best score of
    # each article's row equals the exact best over every article of every other city
    book, weights = runs["after"], runs["weights"]
    keys = [(s, a.n) for s, c in book.cities.items() for a in c.articles()]
    x = align_local.vectors([a.text() for c in book.cities.values() for a in c.articles()], weights)
    sims = (x @ x.T).toarray()
    city = np.array([s for s, _ in keys])
    sims[city[:, None] == city[None, :]] = -1.0
    floor = align.calibration().large_related
    got = runs["edit"][0]
    best = sims.max(axis=1)
    rows = [i for i in range(len(keys)) if round(float(best[i]), 3) >= floor]
    hits = sum(bool(got[keys[i]]) and got[keys[i]][0].score == round(float(best[i]), 3) for i in rows)
    assert len(rows) > 4000 and hits / len(rows) >= 0.97, hits / len(rows)
