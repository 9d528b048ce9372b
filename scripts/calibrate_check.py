"""Fit 对标检查's two models (rulebook/analysis/draft_match.py) and write check_calibration.json; print the
measures (Markdown).

- The article model (a draft article and a peer city's candidate article: the same provision?) on the
  hand-judged alignment gold set (tests/fixtures/align_gold/): each judged city's text is the draft, the other
  cities the peers; fitted on the calibration half, reported on the held-out half.
- The attribute model (a draft sentence: does it state the comparison attribute?) leave-one-city-out on the
  curated cells: each curated city's text is the draft, the other curated cities the peers; its label is the
  curated cell (有规定 citing that article, or not). Reported by city-grouped cross-validation.

Usage: python scripts/calibrate_check.py [--check]
  --check   do not write: fail if the kept calibration differs from what the gold data give now
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from rulebook.analysis.draft_match import (
    ARTICLE_FEATURES,
    ATTRIBUTE_FEATURES,
    CALIBRATION,
    Calibration,
    Draft,
    Features,
    Model,
    check,
)
from rulebook.data.load import load_rulebook
from rulebook.devtools.align_gold import load_gold
from rulebook.views.draft_check import corpus as check_corpus

ROOT = Path(__file__).resolve().parent.parent
SAME_PRECISION = 0.95  # 对应 answers: the same provision at least this often
ARTICLE_PRECISION = 0.97  # 对应 links, on the calibration half (0.95 there gave 0.938 held out)
RELATED_PRECISION = 0.8  # 相关 links: at least the same topic this often
GAP_PRECISION = 0.95  # reported gaps: really absent from the draft at least this often


def _draft(corpus: dict, city: str) -> Draft:
    c = next(x for x in corpus["cities"] if x["id"] == city)
    return Draft([{"n": a[0], "label": a[1], "chapter": a[2], "text": a[3]} for a in c["articles"]])


def _blank() -> Calibration:
    def m(n: int) -> Model:
        return Model((0.0,) * n, (1.0,) * n, (0.0,) * n, 0.0, 2.0, 2.0)

    return Calibration(m(len(ARTICLE_FEATURES)), m(len(ATTRIBUTE_FEATURES)))


def _threshold(p: np.ndarray, y: np.ndarray, precision: float) -> float:
    """The lowest t whose answers (p >= t) reach `precision`: the most answers at that precision."""
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    prec = np.cumsum(ys) / np.arange(1, len(ys) + 1)
    ok = [k for k in np.flatnonzero(prec >= precision) if k == len(ps) - 1 or ps[k + 1] < ps[k]]
    return round(float(ps[ok[-1]]), 6) if ok else 1.0


def _logistic(x: np.ndarray, y: np.ndarray) -> tuple[list[float], list[float], list[float], float]:
    from sklearn.linear_model import LogisticRegression

    means, scales = x.mean(axis=0), x.std(axis=0)
    scales[scales == 0] = 1.0
    lr = LogisticRegression(C=1.0, max_iter=1000).fit((x - means) / scales, y)
    r = [round(float(v), 6) for v in lr.coef_[0]]
    return (
        [round(float(v), 6) for v in means],
        [round(float(v), 6) for v in scales],
        r,
        round(float(lr.intercept_[0]), 6),
    )


def article_rows(corpus: dict) -> tuple[list, dict]:
    """(slot, city, n, features) of every candidate the engine looks at for a judged slot."""
    slots = {(s.source, s.city): s for s in load_gold()}
    cities = [c["id"] for c in corpus["cities"]]
    rows = []
    for src in sorted({s[0][0] for s in slots}):
        f = Features()
        check(corpus, [c for c in cities if c != src], _draft(corpus, src), _blank(), f)
        for n, city, m, x in f.article:
            slot = slots.get(((src, n), city))
            if slot:
                rows.append((slot, m, x))
    return rows, slots


def fit_article(corpus: dict) -> tuple[Model, str]:
    rows, slots = article_rows(corpus)
    cal = [r for r in rows if not r[0].held_out]
    x = np.array([r[2] for r in cal])
    same = np.array([r[1] in r[0].same for r in cal])
    related = np.array([r[1] in r[0].same or r[1] in r[0].related for r in cal])
    means, scales, w, b = _logistic(x, same)
    model = Model(tuple(means), tuple(scales), tuple(w), b, 1.0, 1.0)
    p = np.array([model.probability(list(v)) for v in x])
    model = Model(
        model.means,
        model.scales,
        model.weights,
        b,
        _threshold(p, same, ARTICLE_PRECISION),
        _threshold(p, related, RELATED_PRECISION),
    )
    return model, _article_report(model, rows, slots)


def _article_report(model: Model, rows: list, slots: dict) -> str:
    lines = [
        "| 半 | 对应 links | right | wrong (not even related) | known counterparts shown as 对应 |",
        "|---|---|---|---|---|",
    ]
    for name, held in (("calibration", False), ("held-out", True)):
        shown = right = wrong = 0
        found: set = set()
        for slot, m, x in rows:
            if slot.held_out != held:
                continue
            if model.level(model.probability(x)) == "对应":
                shown += 1
                right += m in slot.same
                wrong += m not in slot.same and m not in slot.related
                if m in slot.same:
                    found.add((slot.source, slot.city, m))
        known = sum(len(s.same) for s in slots.values() if s.held_out == held)
        lines.append(
            f"| {name} | {shown} | {right / max(shown, 1):.3f} | {wrong / max(shown, 1):.3f} "
            f"| {len(found) / max(known, 1):.3f} |"
        )
    return "\n".join(lines)


PLANTED = 5  # attributes whose cited articles are taken out of a city's text at once (planted gaps)


def attribute_rows(corpus: dict, cal: Calibration) -> list:
    """(city, attr id, draft n, gold articles or None, features, most peers regulate?) of every candidate
    sentence: each curated city's whole text the draft (gold: its curated cell), and the same text with the
    articles cited for PLANTED attributes at a time taken out (planted gaps: gold None for an attribute whose
    cited articles are all gone)."""
    curated = [c["id"] for c in corpus["cities"] if c["curated"]]
    cells = {(a["id"], s): c for a in corpus["attrs"] for s, c in a["cells"].items()}
    rows = []
    for city in curated:
        peers = [c for c in curated if c != city]
        whole = _draft(corpus, city)
        drafts = [(whole, set())]
        eligible = []
        for a in corpus["attrs"]:
            answered = [p for p in peers if p in a["cells"]]
            regulating = [p for p in answered if a["cells"][p][0] == "有规定"]
            cell = a["cells"].get(city)
            if cell and cell[0] == "有规定" and len(regulating) * 2 > len(answered):
                eligible.append({q[0] for q in cell[1]})
        for k in range(0, len(eligible), PLANTED):
            drop = set().union(*eligible[k : k + PLANTED])
            drafts.append((Draft([x for x in whole.articles if x["n"] not in drop]), drop))
        for draft, drop in drafts:
            f = Features()
            result = check(corpus, peers, draft, cal, f)
            majority = {r["id"]: r["answered"] and r["regulating"] * 2 > r["answered"] for r in result["attrs"]}
            for attr, n, _text, x in f.attribute:
                cell = cells.get((attr, city))
                if cell is None:
                    continue
                gold = {q[0] for q in cell[1]} - drop if cell[0] == "有规定" else set()
                if drop and gold:
                    continue  # a planted draft teaches only its gaps
                rows.append((city, attr, n, gold or None, x, majority[attr], bool(drop)))
    return rows


def fit_attribute(rows: list) -> tuple[Model, str]:
    x = np.array([r[4] for r in rows])
    y = np.array([r[3] is not None and r[2] in r[3] for r in rows])
    means, scales, w, b = _logistic(x, y)
    model = Model(tuple(means), tuple(scales), tuple(w), b, 1.0, 1.0)
    same, related = _attribute_thresholds(model, rows)
    model = Model(model.means, model.scales, model.weights, b, same, related)
    return model, _attribute_report(model, rows)


def _best(model: Model, rows: list) -> dict:
    """Per (city, attribute): (P, article, gold, majority) of its most probable candidate."""
    out: dict = {}
    for city, attr, n, gold, x, majority, planted in rows:
        p = model.probability(x)
        if (city, attr, planted) not in out or p > out[city, attr, planted][0]:
            out[city, attr, planted] = (p, n, gold, majority)
    return out


def _attribute_thresholds(model: Model, rows: list) -> tuple[float, float]:
    # on the whole texts only: a planted gap is certain to be absent, and counting them would buy gaps with
    # false ones in real drafts (most of whose attributes are present)
    best = [v for k, v in _best(model, rows).items() if not k[2]]
    p = np.array([b[0] for b in best])
    right = np.array([b[2] is not None and b[1] in b[2] for b in best])
    same = _threshold(p, right, SAME_PRECISION)
    # gaps: below `related`, among attributes most peers regulate; the highest cut whose gaps are really
    # absent from the draft (curated 未规定) at GAP_PRECISION
    maj = [b for b in best if b[3]]
    order = sorted(maj, key=lambda b: b[0])
    related = 0.0
    absent = 0
    for k, b in enumerate(order):
        absent += b[2] is None
        nxt = order[k + 1][0] if k + 1 < len(order) else 1.0
        if nxt > b[0] and absent / (k + 1) >= GAP_PRECISION:
            related = (b[0] + nxt) / 2
    return same, round(min(related, same), 6)


def _attribute_report(model: Model, rows: list) -> str:
    best = _best(model, rows)
    lines = [
        "| city | 对应 answers | right | 有规定 cells shown as 无对应 (false gaps) | gaps reported | of them 未规定 "
        "| 未规定 where most peers regulate |",
        "|---|---|---|---|---|---|---|",
    ]
    for city in [*sorted({k[0] for k in best}), "all", "planted gaps"]:
        items = [
            v for k, v in best.items() if (city in ("all", k[0]) and not k[2]) or (city == "planted gaps" and k[2])
        ]
        shown = [v for v in items if model.level(v[0]) == "对应"]
        right = sum(v[2] is not None and v[1] in v[2] for v in shown)
        gaps = [v for v in items if v[3] and model.level(v[0]) == "无对应"]
        false_gaps = sum(v[2] is not None for v in gaps)
        real = sum(v[3] and v[2] is None for v in items)
        lines.append(
            f"| {city} | {len(shown)} | {right / max(len(shown), 1):.3f} | {false_gaps} | {len(gaps)} "
            f"| {len(gaps) - false_gaps} | {real} |"
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    book = load_rulebook(ROOT)
    corpus = check_corpus(book)
    article, article_report = fit_article(corpus)
    blank = _blank()
    attribute, attribute_report = fit_attribute(attribute_rows(corpus, Calibration(article, blank.attribute)))
    data = {
        "article": article.__dict__,
        "attribute": attribute.__dict__,
        "fitted_on": "article: tests/fixtures/align_gold (calibration half); attribute: the curated cells, "
        "leave-one-city-out (scripts/calibrate_check.py)",
    }
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    print(
        "## 条文对应（草案条文 → 同行条文）\n\n"
        + article_report
        + "\n\n## 比较项（草案是否规定）\n\n"
        + attribute_report
    )
    if args.check:
        if CALIBRATION.read_text(encoding="utf-8") != text:
            print(
                f"{CALIBRATION}: differs from what the gold data give now (run scripts/calibrate_check.py)",
                file=sys.stderr,
            )
            return 1
        return 0
    CALIBRATION.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
