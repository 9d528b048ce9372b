"""对标检查 and the curation suggestions: one engine, specified here, twinned by docs/assets/check-engine.js.

A draft (a pasted text, or a new city's imported text) is compared with peer cities as the browser reads them
(rulebook/views/draft_check.py corpus(): cities, articles, chapter titles, curated tags and cited cells). The
browser's check and the Python suggester run the same steps on the same numbers; tests/js/check.test.mjs
checks the browser's answers against the cases rulebook/devtools/js_cases.py writes from this module.

1. Texts are NFKC-normalised (第１条, 全角空格) and embedded as TF-IDF over character n-grams (scikit-learn's
   char analyzer), weighted by the peers' articles alone.
2. Each draft article, for each peer city: its two most similar articles there are candidates. A logistic
   model over five features (article cosine; best sentence pair's cosine; how much of that pair is verbatim
   the same — the longest common run of characters over the shorter; the margin over the city's next
   article; the chapter titles' likeness) gives P(same provision); 对应 and 相关 are probability thresholds.
3. Each comparison attribute: candidate sentences in the draft's three best articles for it (the best
   sentence of each, and those stating a quantity in the attribute's unit); a second model over eight
   features (likeness to the peers' cited quotes, how alike those quotes are to each other, verbatim reuse,
   the article's likeness, the label's, its rank, how many peers regulate it, a stated quantity) gives
   P(the draft states it here). 对应 from `same`, 相关 from `related`, else 无对应. A number comes only from
   a sentence at 对应.
4. A gap: most answering peers regulate the attribute and the draft has nothing at 对应 or 相关. Gaps in the
   topics the draft covers come first, then the rest, each by how many peers regulate it.

Weights and thresholds are fitted by scripts/calibrate_check.py — the article model on the hand-judged
alignment gold set (tests/fixtures/align_gold/), the attribute model leave-one-city-out on the curated cells —
and kept in check_calibration.json next to this module (written into the site for the browser).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rulebook.analysis.clauses import LEVEL_NONE, LEVEL_RELATED, LEVEL_SAME, squeeze
from rulebook.model.numerals import article_number
from rulebook.model.quantity import quantities
from rulebook.model.schema import CellStatus

if TYPE_CHECKING:
    from rulebook.data.load import Rulebook

CALIBRATION = Path(__file__).with_name("check_calibration.json")
NEIGHBOURS = 5  # articles that vote on a topic tag
VOTE_POWER = 3  # close neighbours count much more than far ones
TAG_SHARE = 0.6  # a topic is suggested when its votes reach this share of the best topic's
CHAPTER = 0.2  # chapter titles (会议制度, 公文审批) say much about an article's topic
ARTICLE = 0.5  # an article's rank for an attribute: its likeness to the peers' cited articles …
LABEL = 0.3  # … and to the attribute's label and description (plus its best sentence's score)
LARGE_PEERS = 60  # beyond: the peers' weights alone, character 2–3-grams in at most 30 % of articles
CANDIDATES = 2  # articles per peer city looked at for each draft article
NEAREST_CITIES = 8  # with more than LARGE_PEERS peers: the cities looked at for each draft article
RANKED = 3  # draft articles whose sentences are candidates for an attribute
ARTICLE_FEATURES = ("cos", "clause", "verbatim", "margin", "chapter", "top", "reciprocal")
ATTRIBUTE_FEATURES = ("sentence", "typical", "verbatim", "article", "label", "top", "share", "stated", "cited", "own")
_SENTENCE = re.compile(r"(?<=[。；;！？])")
_WS = re.compile(r"\s\s+")  # scikit-learn's char analyzer folds runs of white space into one space


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def sentences(text: str) -> list[str]:
    """rulebook/analysis/align.py's sentences (split after 。；;！？, 4+ characters after strip)."""
    return [s for s in _SENTENCE.split(text) if len(s.strip()) >= 4]


def verbatim(a: str, b: str) -> float:
    """The longest run of characters two clauses share (squeezed: no punctuation, spaces or item labels),
    over the shorter one's length: 1.0 when one is reused whole inside the other."""
    sa, sb = squeeze(a), squeeze(b)
    if not sa or not sb:
        return 0.0
    m = SequenceMatcher(None, sa, sb, autojunk=False).find_longest_match(0, len(sa), 0, len(sb))
    return m.size / min(len(sa), len(sb))


class Space:
    """TF-IDF over character n-grams (sublinear tf, smooth idf, l2), fitted on `texts`."""

    def __init__(self, texts: list[str], lo: int, hi: int, max_df: float = 1.0) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vec = TfidfVectorizer(
            analyzer="char", ngram_range=(lo, hi), max_df=max_df, sublinear_tf=True, lowercase=False
        )
        try:
            self.rows = self.vec.fit_transform(texts).tocsr()
            self.empty = False
        except ValueError:  # no n-gram at all (every chapter title empty)
            self.empty = True
            self.rows = _zeros(len(texts))

    def embed(self, texts: list[str]) -> Any:
        if self.empty:
            return _zeros(len(texts))
        return self.vec.transform(texts).tocsr()


def _zeros(n: int) -> Any:
    from scipy import sparse

    return sparse.csr_matrix((n, 1))


@dataclass(frozen=True)
class Model:
    """A fitted logistic model and its level thresholds."""

    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    same: float
    related: float

    def probability(self, x: list[float]) -> float:
        z = self.intercept
        for w, v, m, s in zip(self.weights, x, self.means, self.scales, strict=True):
            z += w * (v - m) / s
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def level(self, p: float) -> str:
        return LEVEL_SAME if p >= self.same else LEVEL_RELATED if p >= self.related else LEVEL_NONE


@dataclass(frozen=True)
class Calibration:
    article: Model
    attribute: Model
    fitted_on: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Calibration:
        def model(d: dict[str, Any]) -> Model:
            return Model(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})

        return cls(model(data["article"]), model(data["attribute"]), data.get("fitted_on", ""))


@lru_cache(maxsize=1)
def calibration() -> Calibration:
    return Calibration.from_json(json.loads(CALIBRATION.read_text(encoding="utf-8")))


def corpus(book: Rulebook) -> dict[str, Any]:
    """The peers as the engine reads them: cities with their articles (ordinal, label, chapter title,
    text, curated topic ids), the taxonomy, and every comparison attribute with its cited cells."""
    cities = []
    for c in book.ordered_cities():
        tags = book.tags.get(c.id)
        curated = bool(tags and tags.curated)
        arts = []
        for ch in c.chapters:
            for a in ch.articles:
                arts.append(
                    [a.n, article_number(a), ch.title or "", a.text(), book.topics_of(c.id, a.n) if curated else []]
                )
        cities.append(
            {
                "id": c.id,
                "name": c.name,
                "title": c.title,
                "doc": c.doc_number,
                "curated": curated,
                "complete": c.complete,
                "articles": arts,
            }
        )
    attrs = []
    for topic_id, facts in book.facts.items():
        for attr in facts.attributes:
            cells = {}
            for slug, cell in attr.cells.items():
                if cell.status == CellStatus.value:
                    cells[slug] = ["有规定", [[q.article, q.quote] for q in cell.quotes()], cell.value, cell.number]
                elif cell.status == CellStatus.not_specified:
                    cells[slug] = ["未规定", [], None, None]
            attrs.append(
                {
                    "id": attr.id,
                    "topic": topic_id,
                    "label": attr.label,
                    "desc": attr.description or "",
                    "unit": attr.unit,
                    "cells": cells,
                }
            )
    return {"cities": cities, "topics": [[t.id, t.label] for t in book.topics()], "attrs": attrs}


def r6(x: float) -> float:
    """Scores as both engines print them (floating-point sums differ in the last bits between the two)."""
    return round(x, 6)


@dataclass
class Draft:
    """The draft as the splitter gives it: articles with their ordinal, label, chapter title and text."""

    articles: list[dict[str, Any]]

    @classmethod
    def of(cls, split: dict[str, Any]) -> Draft:
        return cls([dict(a) for a in split["articles"]])


@dataclass
class Features:
    """What the calibration reads: per draft article and peer candidate, per attribute and candidate sentence
    (the rows scripts/calibrate_check.py fits on); filled when check(..., features=...) is given one."""

    article: list[tuple[int, str, int, list[float]]] = field(default_factory=list)
    attribute: list[tuple[str, int, str, list[float]]] = field(default_factory=list)


def check(
    corpus: dict[str, Any],
    peer_ids: list[str],
    draft: Draft,
    cal: Calibration | None = None,
    features: Features | None = None,
) -> dict[str, Any]:
    """The check of `draft` against the peers `peer_ids` of `corpus` (the browser's rbCheck.check)."""
    cal = cal or calibration()
    peer_set = set(peer_ids)
    cities = [c for c in corpus["cities"] if c["id"] in peer_set]
    peer_arts = [
        {
            "city": c["id"],
            "n": a[0],
            "label": a[1],
            "chapter": nfkc(a[2]),
            "text": nfkc(a[3]),
            "raw": a[3],
            "topics": a[4],
        }
        for c in cities
        for a in c["articles"]
    ]
    curated = {c["id"]: c["curated"] for c in cities}
    key = {(p["city"], p["n"]): i for i, p in enumerate(peer_arts)}
    # matched on NFKC text; sentences are cut from the text as written (so quotes stay verbatim) and then
    # normalised (NFKC would turn the full-width ！？； that end a sentence into ASCII)
    arts = [dict(a, raw=a["text"], text=nfkc(a["text"]), chapter=nfkc(a.get("chapter") or "")) for a in draft.articles]
    # the n-gram weights are the peers' own: the peers' side does not depend on the draft, so the browser
    # prepares it once per choice of peers (measured better than counting the draft's articles in too:
    # 20 of 41 real gaps found instead of 9, planted gaps 123 of 297 instead of 63, at the same precision)
    texts = [p["text"] for p in peer_arts]
    few = len(peer_ids) <= LARGE_PEERS
    space = Space(texts, 1, 3) if few else Space(texts, 2, 3, 0.3)
    chapter_space = Space([p["chapter"] for p in peer_arts], 1, 2)
    n_peer = len(peer_arts)
    peer_rows = space.rows[:n_peer]
    peer_chapters = chapter_space.rows[:n_peer]
    draft_rows = space.embed([a["text"] for a in arts])
    draft_chapters = chapter_space.embed([a["chapter"] for a in arts])
    cos = (draft_rows @ peer_rows.T).toarray() if arts and n_peer else np.zeros((len(arts), n_peer))
    chap = (draft_chapters @ peer_chapters.T).toarray() if arts and n_peer else np.zeros((len(arts), n_peer))
    sims = cos + CHAPTER * chap * np.array([[1.0 if a["chapter"] else 0.0] for a in arts]).reshape(len(arts), 1)
    topic_order = {t[0]: i for i, t in enumerate(corpus["topics"])}
    topic_label = {t[0]: t[1] for t in corpus["topics"]}

    # sentences: the draft's and each peer article's, embedded in the article space
    draft_sents = [(i, s) for i, a in enumerate(arts) for s in sentences(a["raw"])]
    draft_sent_rows = space.embed([nfkc(s) for _, s in draft_sents]) if draft_sents else _zeros(0)
    # every peer article's sentences, embedded at once (one transform, not one per article)
    peer_sents = [sentences(p["raw"]) for p in peer_arts]
    flat = [nfkc(x) for ss in peer_sents for x in ss]
    flat_rows = space.embed(flat) if flat else _zeros(0)
    bounds = np.cumsum([0, *(len(ss) for ss in peer_sents)])

    def peer_sentences(k: int) -> tuple[list[str], Any]:
        return peer_sents[k], flat_rows[int(bounds[k]) : int(bounds[k + 1])]

    def city_sentences(city: str) -> Any:
        """A city's sentences: its articles are consecutive peer rows, so one slice of the flat matrix."""
        cols = city_cols.get(city, [])
        return flat_rows[int(bounds[cols[0]]) : int(bounds[cols[-1] + 1])] if cols else _zeros(0)

    sent_of_article: dict[int, list[int]] = {}
    for idx, (i, _) in enumerate(draft_sents):
        sent_of_article.setdefault(i, []).append(idx)

    def _article_features(i: int, k: int, c: float, margin: float, chapter: float) -> list[float]:
        """ARTICLE_FEATURES of draft article i against peer article k: the best sentence pair (first in
        reading order among equals) gives the clause likeness and the verbatim share."""
        mine = sent_of_article.get(i, [])
        theirs, their_rows = peer_sentences(k)
        if not mine or not theirs:
            return [c, c, verbatim(arts[i]["text"], peer_arts[k]["text"]), margin, chapter]
        pair = (draft_sent_rows[mine] @ their_rows.T).toarray()
        q, t = np.unravel_index(int(np.argmax(pair)), pair.shape)
        return [c, float(pair[q, t]), verbatim(draft_sents[mine[q]][1], theirs[t]), margin, chapter]

    # -- each draft article: topics voted by its curated neighbours, counterparts per peer city, leveled --
    city_cols: dict[str, list[int]] = {}
    for k, p in enumerate(peer_arts):
        city_cols.setdefault(p["city"], []).append(k)
    # each peer article's most similar draft article (first among equals): a pair that picks each other
    back = [int(np.argmax(sims[:, k])) if len(arts) else -1 for k in range(n_peer)]
    pmap: dict[tuple[int, int], float] = {}  # P(same provision) of every (draft article, peer article) looked at
    articles_out = []
    for i, a in enumerate(arts):
        s = sims[i]
        voters = [k for k in _order(s) if curated[peer_arts[k]["city"]] and s[k] > 0][:NEIGHBOURS]
        votes: dict[str, float] = {}
        for k in voters:
            for t in peer_arts[k]["topics"]:
                votes[t] = votes.get(t, 0.0) + max(float(s[k]), 0.0) ** VOTE_POWER
        top = max(votes.values(), default=0.0)
        topics = sorted(
            (t for t, v in votes.items() if top > 0 and v >= TAG_SHARE * top),
            key=lambda t: (-votes[t], topic_order.get(t, len(topic_order))),
        )
        found = []
        for c in cities if few else _nearest_cities(s, cities, city_cols):
            cols = city_cols.get(c["id"], [])
            ranked = sorted(cols, key=lambda k: (-s[k], k))
            kept = []
            for rank, k in enumerate(ranked[:CANDIDATES]):
                if s[k] <= 0:
                    continue
                others = [s[j] for j in ranked if j != k]
                margin = float(s[k]) - (float(max(others)) if others else 0.0)
                x = [
                    *_article_features(i, k, float(cos[i, k]), margin, float(chap[i, k])),
                    1.0 if rank == 0 else 0.0,
                    1.0 if back[k] == i else 0.0,
                ]
                p = cal.article.probability(x)
                pmap[i, k] = p
                if features is not None:
                    features.article.append((a["n"], c["id"], peer_arts[k]["n"], x))
                level = cal.article.level(p)
                if level != LEVEL_NONE:
                    kept.append((level, p, rank, k))
            same = [m for m in kept if m[0] == LEVEL_SAME]
            for level, p, _, k in same or sorted(kept, key=lambda m: -m[1])[:1]:
                pa = peer_arts[k]
                found.append({"city": pa["city"], "n": pa["n"], "label": pa["label"], "level": level, "p": r6(p)})
        found.sort(key=lambda m: (m["level"] != LEVEL_SAME, -m["p"], m["city"], m["n"]))
        articles_out.append(
            {
                "n": a["n"],
                "label": a.get("label", ""),
                "topics": topics,
                "topicLabels": [topic_label.get(t, t) for t in topics],
                "peers": found,
            }
        )

    # -- each comparison attribute: where the draft states it, how sure, and the gaps --------------------
    attrs_out = []
    typical_memo: dict[str, float] = {}
    quotes_all = [
        nfkc(q[1]) for attr in corpus["attrs"] for p in peer_ids if p in attr["cells"] for q in attr["cells"][p][1]
    ]
    quote_memo = dict(zip(quotes_all, space.embed(quotes_all), strict=True)) if quotes_all else {}
    labels_all = [nfkc(attr["label"] + " " + attr["desc"]) for attr in corpus["attrs"]]
    label_matrix = space.embed(labels_all) if labels_all and arts else None
    label_all_scores = (draft_rows @ label_matrix.T).toarray() if label_matrix is not None else None
    for attr_index, attr in enumerate(corpus["attrs"]):
        answered = [p for p in peer_ids if p in attr["cells"]]
        regulating = [p for p in answered if attr["cells"][p][0] == "有规定"]
        row: dict[str, Any] = {
            "id": attr["id"],
            "topic": attr["topic"],
            "label": attr["label"],
            "unit": attr["unit"],
            "regulating": len(regulating),
            "answered": len(answered),
            "level": LEVEL_NONE,
            "p": 0.0,
            "draft": None,
        }
        attrs_out.append(row)
        if not regulating or not arts:
            continue
        cited = [(p, q[0], nfkc(q[1])) for p in regulating for q in attr["cells"][p][1]]
        from scipy import sparse

        quote_rows = sparse.vstack([quote_memo[q] for _, _, q in cited]).tocsr()
        sent_score = _sentence_scores(draft_sent_rows, quote_rows)
        best_sent: dict[int, tuple[float, int]] = {}
        for idx, (i, _) in enumerate(draft_sents):
            if i not in best_sent or sent_score[idx] > best_sent[i][0]:
                best_sent[i] = (float(sent_score[idx]), idx)
        cited_rows = [key[(p, n)] for p, n, _ in cited if (p, n) in key]
        label_scores = label_all_scores[:, attr_index]
        ranking = []
        for i in range(len(arts)):
            art = float(np.mean(sims[i, cited_rows])) if cited_rows else 0.0
            bs = best_sent.get(i, (0.0, -1))[0]
            ranking.append((ARTICLE * art + bs + LABEL * float(label_scores[i]), i, art))
        ranking.sort(key=lambda r: (-r[0], r[1]))
        if attr["id"] not in typical_memo:
            typical_memo[attr["id"]] = _typical(regulating, cited, quote_rows, city_sentences)
        typical = typical_memo[attr["id"]]
        share = len(regulating) / len(answered)
        # do the peers' cited articles have a counterpart in the draft (the article model), and here?
        unique = sorted(set(cited_rows))
        cited_p = (
            float(np.mean([max((pmap.get((i, k), 0.0) for i in range(len(arts))), default=0.0) for k in unique]))
            if unique
            else 0.0
        )
        best: tuple[float, int, int, list[float]] | None = None
        for rank, (_, i, art) in enumerate(ranking[:RANKED]):
            cand = set()
            if i in best_sent:
                cand.add(best_sent[i][1])
            if attr["unit"]:
                cand.update(idx for idx in sent_of_article.get(i, []) if _states(draft_sents[idx][1], attr["unit"]))
            for idx in sorted(cand):
                text = draft_sents[idx][1]
                x = [
                    float(sent_score[idx]),
                    typical,
                    max(verbatim(text, q) for _, _, q in cited),
                    art,
                    float(label_scores[i]),
                    1.0 if rank == 0 else 0.0,
                    share,
                    1.0 if attr["unit"] and _states(text, attr["unit"]) else 0.0,
                    cited_p,
                    max((pmap.get((i, k), 0.0) for k in unique), default=0.0),
                ]
                p = cal.attribute.probability(x)
                if features is not None:
                    features.attribute.append((attr["id"], arts[i]["n"], text, x))
                if best is None or p > best[0]:
                    best = (p, i, idx, x)
        if best is None:
            continue
        p, i, idx, _ = best
        level = cal.attribute.level(p)
        text = draft_sents[idx][1]
        number = None
        if level == LEVEL_SAME and attr["unit"]:
            number = next((v for v, u in quantities(text) if u == attr["unit"]), None)
        row["level"] = level
        row["p"] = r6(p)
        row["draft"] = {
            "article": arts[i]["n"],
            "label": arts[i].get("label", ""),
            "quote": re.sub(r"[。；;\s]+$", "", text),
            "number": number,
            "ranked": [arts[r[1]]["n"] for r in ranking[:RANKED]],
        }

    covered = {t for a in articles_out for t in a["topics"]} | {
        r["topic"] for r in attrs_out if r["level"] == LEVEL_SAME
    }
    gaps = [r for r in attrs_out if r["answered"] and r["regulating"] * 2 > r["answered"] and r["level"] == LEVEL_NONE]
    for r in gaps:
        r["inDraft"] = r["topic"] in covered
    gaps.sort(key=lambda r: (not r["inDraft"], -r["regulating"], topic_order.get(r["topic"], 0)))
    return {
        "articles": articles_out,
        "attrs": attrs_out,
        "gaps": [r["id"] for r in gaps],
        "covered": sorted(covered, key=lambda t: topic_order.get(t, 0)),
        "peers": [{"id": c["id"], "name": c["name"]} for c in cities],
    }


def _nearest_cities(
    row: np.ndarray, cities: list[dict[str, Any]], city_cols: dict[str, list[int]]
) -> list[dict[str, Any]]:
    """With many peers, a draft article's counterparts are looked for in the NEAREST_CITIES cities holding its
    most similar articles only (ties in peer order): every city would cost seconds and list hundreds."""
    best = [(-max((float(row[k]) for k in city_cols.get(c["id"], [])), default=0.0), i) for i, c in enumerate(cities)]
    return [cities[i] for _, i in sorted(best)[:NEAREST_CITIES]]


def _order(row: np.ndarray) -> list[int]:
    """Column indexes by score, best first, ties by position (the browser sorts the same way)."""
    return sorted(range(len(row)), key=lambda k: (-row[k], k))


def _states(text: str, unit: str) -> bool:
    return any(u == unit for _, u in quantities(text))


def _sentence_scores(rows: Any, quotes: Any) -> np.ndarray:
    """0.5 × best + 0.5 × mean likeness of each sentence to the quotes."""
    if rows.shape[0] == 0 or quotes.shape[0] == 0:
        return np.zeros(rows.shape[0])
    sim = (rows @ quotes.T).toarray()
    return 0.5 * sim.max(axis=1) + 0.5 * sim.mean(axis=1)


def _typical(regulating: list[str], cited: list[tuple[str, int, str]], quote_rows: Any, city_sentences: Any) -> float:
    """How alike the peers' own cited sentences are: each regulating peer's best sentence against the other
    peers' quotes, averaged (0 when only one peer regulates)."""
    scores = []
    for p in regulating:
        others = [k for k, c in enumerate(cited) if c[0] != p]
        rows = city_sentences(p)
        if not others or rows.shape[0] == 0:
            continue
        sc = _sentence_scores(rows, quote_rows[others])
        scores.append(float(sc.max()) if sc.size else 0.0)
    return float(np.mean(scores)) if scores else 0.0
