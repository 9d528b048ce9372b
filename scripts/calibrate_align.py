"""Fit the alignment's levels on the hand-judged gold set (tests/fixtures/align_gold/) and write
rulebook/analysis/align_calibration.json; print the measures (Markdown) on the calibration half, the
held-out half and every city pair.

Usage: python scripts/calibrate_align.py [--check] [--precision 0.96]
  --check      do not write: fail if the kept calibration differs from what the gold set gives now
  --precision  the precision the 对应 threshold must reach on the calibration half's candidates
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from rulebook.analysis import align
from rulebook.analysis.clauses import CALIBRATION, FEATURES, Calibration, calibration
from rulebook.data.load import load_rulebook
from rulebook.devtools.align_gold import evaluate, load_gold, report

ROOT = Path(__file__).resolve().parent.parent


def _threshold(p: np.ndarray, y: np.ndarray, precision: float) -> float:
    """The lowest probability t whose links (p >= t) reach `precision` on these labels: the most links
    at that precision (1.0: no t reaches it)."""
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    prec = np.cumsum(ys) / np.arange(1, len(ys) + 1)
    ok = np.flatnonzero(prec >= precision)
    # a cut between equal probabilities is no cut: keep only positions where the next value is lower
    ok = [k for k in ok if k == len(ps) - 1 or ps[k + 1] < ps[k]]
    return float(ps[ok[-1]]) if ok else 1.0


def fit(precision: float) -> Calibration:
    from sklearn.linear_model import LogisticRegression

    book = load_rulebook(ROOT)
    cands = align.candidates(book)
    slots = [s for s in load_gold() if not s.held_out]
    x, same, related = [], [], []
    for slot in slots:
        for c in cands[slot.source].get(slot.city, []):
            x.append(c.features)
            same.append(c.n in slot.same)
            related.append(c.n in slot.same or c.n in slot.related)
    xa = np.array(x, dtype=float)
    means, scales = xa.mean(axis=0), xa.std(axis=0)
    scales[scales == 0] = 1.0
    z = (xa - means) / scales
    ys, yr = np.array(same), np.array(related)
    m_same = LogisticRegression(C=1.0, max_iter=1000).fit(z, ys)
    m_rel = LogisticRegression(C=1.0, max_iter=1000).fit(z, yr)
    p_same = m_same.predict_proba(z)[:, 1]
    p_rel = m_rel.predict_proba(z)[:, 1]
    t_same = _threshold(p_same, ys, precision)
    # 相关 is shown collapsed and labelled: it must be on the topic (same or related) four times in five
    t_related = _threshold(p_rel[~(p_same >= t_same)], yr[~(p_same >= t_same)], 0.8)
    # A large corpus has only each city's best match by article cosine: thresholds on that cosine alone
    best = xa[:, FEATURES.index("top")] == 1
    cos = xa[best, FEATURES.index("cos")]
    large_same = _threshold(cos, ys[best], precision)
    large_related = _threshold(cos, yr[best], 0.8)
    return Calibration(
        means=tuple(round(float(v), 6) for v in means),
        scales=tuple(round(float(v), 6) for v in scales),
        weights=tuple(round(float(v), 6) for v in m_same.coef_[0]),
        intercept=round(float(m_same.intercept_[0]), 6),
        related_weights=tuple(round(float(v), 6) for v in m_rel.coef_[0]),
        related_intercept=round(float(m_rel.intercept_[0]), 6),
        same=round(t_same, 6),
        related=round(t_related, 6),
        large_same=round(large_same, 6),
        large_related=round(large_related, 6),
        fitted_on=f"{len(slots)} calibration slots of tests/fixtures/align_gold ({len(x)} candidate pairs); "
        f"对应 at precision >= {precision} on them; features {', '.join(FEATURES)}",
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--precision", type=float, default=0.96)
    args = ap.parse_args(argv)
    cal = fit(args.precision)
    text = cal.as_json()
    if args.check:
        if not CALIBRATION.exists() or CALIBRATION.read_text(encoding="utf-8") != text:
            print(f"{CALIBRATION.relative_to(ROOT)} is not what the gold set gives: run scripts/calibrate_align.py")
            return 1
        return 0
    CALIBRATION.write_text(text, encoding="utf-8")
    calibration.cache_clear()
    book = load_rulebook(ROOT)
    print(report(evaluate(align.align(book), load_gold())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
