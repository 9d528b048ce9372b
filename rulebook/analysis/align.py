"""Article alignment: for every article, its most similar articles in the other documents.

TF-IDF (scikit-learn) over character 1–3-grams and jieba words (with the rulebook's own terms), cosine
similarity, computed in row blocks so memory stays bounded; each article keeps its best match per other
city, then the strongest few overall. The same vectors serve curation suggestions (rulebook/analysis/suggest.py):
nearest-neighbour topic votes and sentence-level matches against the peers' cited quotes.

Weights were chosen on the curated cells (scripts/align_eval.py): two articles cited for the same
attribute should be each other's best match; words lift that from 0.55 (characters alone) to 0.62.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import jieba
import numpy as np

from rulebook.analysis import clauses as clauses_module
from rulebook.analysis.clauses import (
    CALIBRATION,
    FEATURES,
    LEVEL_LOST,
    LEVEL_NONE,
    LEVEL_SAME,
    calibration,
    clauses,
    squeeze,
)
from rulebook.analysis.matches import MIN_SCORE, TOP, Alignment, Key, Match
from rulebook.core.cachefiles import fingerprint, read_cache_file, remove_cache_file, write_cache_file
from rulebook.data.load import Rulebook
from rulebook.model import scale

# scikit-learn and SciPy load only when an alignment is computed (a cache miss): importing them was
# about a third of a warm five-city build.
if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

# Documents run in much the same order (全体会议, then 常务会议 …): a pair of articles whose neighbours also
# match gets NEIGHBOUR × their similarity, and the one-to-one assignment between two documents a BONUS. On
# the curated pairs this lifts agreement from 0.62 to 0.68, and 株洲 44 (常务会议) finds the other four
# cities' 常务会议 articles rather than their 全体会议 ones, which share its long list of duties.
NEIGHBOUR = 0.25
BONUS = 0.05
BLOCK = 512  # rows multiplied at once: memory is BLOCK × articles floats
# align_corpus (exact up to EXACT_MAX_ARTICLES, then clusters: each article compared with the members of
# its PROBES nearest clusters of about CLUSTER_SIZE articles in a PROJECTION-dimensional SVD of the TF-IDF
# rows) was the large corpus's alignment before align_local; it stays as the exact reference that the
# local alignment's candidates are measured against, and for scripts/bench.py's label.
EXACT_MAX_ARTICLES = 8000
CLUSTER_SIZE = 200
PROBES = 4
PROJECTION = 64
GENRE_DF = 0.05  # clauses: an n-gram in more than this share of them is the genre's
_SENTENCE = re.compile(r"(?<=[。；;！？])")


@dataclass(frozen=True)
class Candidate:
    """One article of another city that may hold a counterpart, with the features the calibration reads."""

    n: int
    features: tuple[float, ...]  # clauses.FEATURES, in that order
    clauses: tuple[tuple[int, int], ...]  # clause pairs whose best match in the city lies in this article


def sentences(text: str) -> list[str]:
    """The sentences of an article (split after 。；！？), the unit a comparison quote usually is."""
    return [s for s in _SENTENCE.split(text) if len(s.strip()) >= 4]


WORD_WEIGHT = 4.0  # words (常务会议 as one token) separate articles that share a long common list


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    # jieba's own dictionary, not the process-wide one the search build teaches our terms: with 常务会议 kept
    # whole, 常务会议 and 常务工作 share nothing, and matching gets worse (0.59 against 0.62 on the curated pairs).
    return jieba.Tokenizer()


def adopt_dictionary(loaded: jieba.Tokenizer) -> None:
    """Tokenize with `loaded` (jieba's own dictionary, loaded and never taught a word) instead of loading a
    second copy (0.6 s): for the build's forked worker, whose parent loaded it before forking. No-op once this
    process's tokenizer is loaded."""
    tokenizer = _tokenizer()
    if loaded.initialized and not tokenizer.initialized:
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = loaded.FREQ, loaded.total, True


def _words(text: str) -> list[str]:
    return [w for w in _tokenizer().lcut(text) if len(w) > 1 and not w.isspace()]


@dataclass
class Vectorizer:
    """Characters (no segmenter needed; catch shared phrasing) plus words (keep 常务会议 apart from 全体会议)."""

    chars: TfidfVectorizer

    words: TfidfVectorizer | None

    @classmethod
    def fit(cls, texts: list[str], with_words: bool = True) -> Vectorizer:
        # sublinear tf keeps long articles from dominating; n-grams in most articles carry no signal and
        # make the similarity product dense, so a large corpus drops them (max_df)
        from sklearn.feature_extraction.text import TfidfVectorizer

        large = not with_words
        chars = TfidfVectorizer(
            analyzer="char",
            ngram_range=(2, 3) if large else (1, 3),
            max_df=0.3 if large else 1.0,
            sublinear_tf=True,
            dtype=np.float32,
        )
        chars.fit(texts)
        words = None
        if with_words:
            words = TfidfVectorizer(analyzer=_words, sublinear_tf=True, dtype=np.float32)
            words.fit(texts)
        return cls(chars, words)

    @classmethod
    def fit_transform(cls, texts: list[str], with_words: bool = True) -> tuple[Vectorizer, sparse.csr_matrix]:
        """fit(texts) and transform(texts), counting the n-grams once (half the cost at scale)."""
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        large = not with_words
        chars = TfidfVectorizer(
            analyzer="char",
            ngram_range=(2, 3) if large else (1, 3),
            max_df=0.3 if large else 1.0,
            sublinear_tf=True,
            dtype=np.float32,
        )
        c = normalize(chars.fit_transform(texts))
        if not with_words:
            return cls(chars, None), c.tocsr()
        words = TfidfVectorizer(analyzer=_words, sublinear_tf=True, dtype=np.float32)
        w = normalize(words.fit_transform(texts))
        return cls(chars, words), normalize(sparse.hstack([c, WORD_WEIGHT * w]).tocsr())

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        from scipy import sparse
        from sklearn.preprocessing import normalize

        c = normalize(self.chars.transform(texts))
        if self.words is None:
            return c.tocsr()
        w = normalize(self.words.transform(texts))
        return normalize(sparse.hstack([c, WORD_WEIGHT * w]).tocsr())


@dataclass
class Corpus:
    """Every article of the book as a normalised TF-IDF row."""

    keys: list[tuple[str, int]]
    texts: list[str]
    matrix: sparse.csr_matrix
    vec: Vectorizer | None

    @classmethod
    def of(cls, book: Rulebook) -> Corpus:
        from scipy import sparse

        pairs = [(slug, a) for slug, city in book.cities.items() for a in city.articles()]
        keys = [(slug, a.n) for slug, a in pairs]
        texts = [a.text() for _, a in pairs]
        if not texts:
            return cls(keys, texts, sparse.csr_matrix((0, 0)), None)
        # jieba on every article is most of the cost at scale: words only where order-aware matching runs
        vec, matrix = Vectorizer.fit_transform(texts, with_words=not scale.large(len(book.cities)))
        return cls(keys, texts, matrix, vec)

    def rows(self, city: str) -> list[int]:
        return [i for i, (s, _) in enumerate(self.keys) if s == city]

    def embed(self, texts: list[str]) -> sparse.csr_matrix:
        assert self.vec is not None, "an empty corpus embeds nothing"
        return self.vec.transform(texts)


def align(book: Rulebook, top: int = TOP, min_score: float = MIN_SCORE) -> Alignment:
    """Every article's counterparts in the other cities, each with its level and evidence, and why a city has
    none. Up to scale.LARGE_ABOVE cities: clause-level and calibrated (candidates(), clauses.calibration());
    above: the best match per city by article cosine among MinHash-LSH candidates (align_local: fixed
    weights, so a one-city edit recomputes only the rows it touches), at most `top`, leveled by the cosine
    thresholds the same gold set gave (no 无对应 reasons: a city not listed was not compared)."""
    if scale.large(len(book.cities)):
        from rulebook.analysis.align_local import align_large

        return align_large(book, top=top, min_score=min_score)[0]
    corpus = Corpus.of(book)
    cal = calibration()
    counterparts: dict[Key, list[Match]] = {}
    for key, per_city in candidates(book, corpus).items():
        found = []
        for city, cands in per_city.items():
            for c in cands:
                level, p = cal.level(c.features)
                if level:
                    found.append(Match(city, c.n, round(p, 3), level, c.clauses))
        found.sort(key=lambda m: (m.level != LEVEL_SAME, -m.score, m.city, m.n))
        counterparts[key] = found
    return Alignment(counterparts, _reasons(book, counterparts))


def _reasons(book: Rulebook, counterparts: dict[Key, list[Match]]) -> dict[Key, dict[str, str]]:
    """Why each (article, other city) slot without a counterpart has none: 原文缺失 when that city's text is
    truncated and nothing the article's city says after it has a counterpart past the last place the
    article's predecessors matched (so its provision would stand in the lost part), else 无对应."""
    out: dict[Key, dict[str, str]] = {}
    for slug, city in book.cities.items():
        arts = [a.n for a in city.articles()]
        for other, oc in book.cities.items():
            if other == slug:
                continue
            # the furthest article of `other` each article of `slug` matches at 对应 (0: none)
            reach = [
                max(
                    (m.n for m in counterparts.get((slug, n), []) if m.city == other and m.level == LEVEL_SAME),
                    default=0,
                )
                for n in arts
            ]
            for i, n in enumerate(arts):
                if any(m.city == other for m in counterparts.get((slug, n), [])):
                    continue
                reason = LEVEL_NONE
                if oc.truncation is not None:
                    before = max(reach[:i], default=0)
                    if not any(r > before for r in reach[i + 1 :]):
                        reason = LEVEL_LOST
                out.setdefault((slug, n), {})[other] = reason
    return out


def candidates(book: Rulebook, corpus: Corpus | None = None) -> dict[Key, dict[str, list[Candidate]]]:
    """For every article and every other city: the articles there that may hold a counterpart — its most
    similar few, the one the document-order-aware assignment picks, and every article holding the best match
    of one of its clauses — each with its features (clauses.FEATURES) and clause evidence."""
    corpus = corpus or Corpus.of(book)
    keys = corpus.keys
    out: dict[Key, dict[str, list[Candidate]]] = {k: {} for k in keys}
    if not keys:
        return out
    sims = (corpus.matrix @ corpus.matrix.T).toarray()
    rows: dict[str, list[int]] = {}
    for i, (slug, _) in enumerate(keys):
        rows.setdefault(slug, []).append(i)
    parts = [clauses(t) for t in corpus.texts]
    flat = [c for p in parts for c in p]
    squeezed = [squeeze(c) for c in flat]
    weight = np.array([len(s) or 1 for s in squeezed], dtype=float)  # a clause's length, for coverage
    start = np.cumsum([0, *(len(p) for p in parts)])
    # Clauses are weighted by how rare their words are among clauses: office titles, 市人民政府 and
    # 本规则 recur in most clauses and say little about which provision a clause is.
    cmat = _clause_matrix(flat) if flat else None
    chapters = _chapter_grams(book, keys)
    # clauses.verbatim of the clause pairs the candidates need: collected in the loop, computed at the end in
    # one batch (rapidfuzz's cpdist runs the pairs in C; one call each cost more than the rest of the loop)
    pair_index: dict[tuple[int, int], int] = {}
    pending: list[tuple[list[float], list[int]]] = []  # a candidate's features and its pairs' indexes

    def pairs_of(i: int, js: list[int]) -> list[int]:
        out = []
        for q, j in enumerate(js):
            key = (i + q, j)
            if key not in pair_index:
                pair_index[key] = len(pair_index)
            out.append(pair_index[key])
        return out

    # Per ordered pair of cities: each article's order-aware pick and its most similar article there.
    picks = {}
    for a, ia in rows.items():
        for b, ib in rows.items():
            if a != b:
                sub = sims[np.ix_(ia, ib)]
                picks[a, b] = (_assigned(sub), sub.argmax(axis=1))
    for a, ia in rows.items():
        for b, ib in rows.items():
            if a == b:
                continue
            sub = sims[np.ix_(ia, ib)]
            assigned, first = picks[a, b]
            back_assigned, back_first = picks[b, a]
            second = _second_best(sub)
            ca = np.concatenate([np.arange(start[i], start[i + 1]) for i in ia])
            cb = np.concatenate([np.arange(start[j], start[j + 1]) for j in ib])
            csim = (cmat[ca] @ cmat[cb].T).toarray() if cmat is not None else np.zeros((0, 0))
            # to 3 decimals: equal clauses (a synthetic copy, a stock sentence) tie exactly, so which one is the
            # best match does not flip on float noise when another city's text changes
            csim = np.round(csim, 3)
            owner_b = np.concatenate([np.full(start[j + 1] - start[j], col) for col, j in enumerate(ib)])
            # the other city's clauses are in article order: article col's are bounds[col]:bounds[col + 1]
            bounds = np.concatenate([[0], np.cumsum([start[j + 1] - start[j] for j in ib])])
            nonempty = bounds[:-1] < bounds[1:]
            found: list[tuple[int, int, list[float], tuple[tuple[int, int], ...]]] = []
            offset_a = 0
            for r, i in enumerate(ia):
                k = start[i + 1] - start[i]
                block = csim[offset_a : offset_a + k]
                offset_a += k
                if k == 0 or block.shape[1] == 0:
                    continue
                best_j = block.argmax(axis=1)
                owners = {int(owner_b[j]) for j in best_j}
                top3 = np.argsort(-sub[r], kind="stable")[:3].tolist()
                cols = sorted({*top3, int(assigned[r]), *owners})
                lengths = weight[start[i] : start[i + 1]]
                # each article's best clause score against this article's clauses: the clause margin
                per_article = np.zeros(len(ib))
                per_article[nonempty] = np.maximum.reduceat(block.max(axis=0), bounds[:-1][nonempty])
                article_second = _top2(per_article)
                for col in cols:
                    mine = np.arange(bounds[col], bounds[col + 1])
                    inner = block[:, mine]
                    j_local = inner.argmax(axis=1)
                    best_pairs = inner[np.arange(k), j_local]
                    flat_j = cb[mine[j_local]]  # each clause's best clause in this article (flat indexes)
                    pair_ids = pairs_of(int(start[i]), flat_j.tolist())
                    covered = owner_b[best_j] == col
                    cover = float(lengths[covered].sum() / lengths.sum())
                    target = weight[cb[mine]]
                    feats = [
                        float(sub[r, col]),
                        float(best_pairs.max()),
                        0.0,  # verbatim: filled after the loop, in one batch
                        cover,
                        float(col == assigned[r]),
                        float(col == first[r]),
                        float(sub[r, col] - _other_best(sub[r], col, second[r])),
                        float(back_assigned[col] == r or back_first[col] == r),
                        float(per_article[col] - _other_best(per_article, col, article_second)),
                        _dice(chapters[i], chapters[ib[col]]),
                        abs(r / len(ia) - col / len(ib)),
                        0.0,  # consensus: filled below for all candidates of this pair of cities at once
                        float((best_pairs * lengths).sum() / lengths.sum()),
                        float((inner.max(axis=0) * target).sum() / target.sum()),
                    ]
                    # the clause pairs whose best match in the city is here; at least this article's best pair
                    shown = covered if covered.any() else np.arange(k) == int(best_pairs.argmax())
                    # in reading order (a ranking by score would reorder equal clauses on float noise)
                    evidence = tuple((q, int(flat_j[q] - start[ib[col]])) for q in range(k) if shown[q])
                    pending.append((feats, pair_ids))
                    found.append((r, col, feats, evidence))
            if not found:
                continue
            consensus = _consensus(picks, rows, a, b, np.array([f[0] for f in found]), np.array([f[1] for f in found]))
            for (r, col, feats, evidence), agree in zip(found, consensus, strict=True):
                feats[FEATURES.index("consensus")] = float(agree)
                out[keys[ia[r]]].setdefault(b, []).append((keys[ib[col]][1], feats, evidence))  # type: ignore[arg-type]
    # the verbatim scores of every needed clause pair at once, then the candidates' features are complete
    ordered = sorted(pair_index, key=pair_index.__getitem__)
    scores = _partial_ratios([squeezed[i] for i, _ in ordered], [squeezed[j] for _, j in ordered])
    at = FEATURES.index("verbatim")
    for feats, ids in pending:
        feats[at] = float(max(scores[t] for t in ids)) if ids else 0.0
    for per_city in out.values():
        for city, cands in per_city.items():
            per_city[city] = [Candidate(n, tuple(round(f, 4) for f in feats), ev) for n, feats, ev in cands]  # type: ignore[misc]
    return out


def _partial_ratios(a: list[str], b: list[str]) -> list[float]:
    """clauses.verbatim of each pair (a[t], b[t]) of squeezed clauses: rapidfuzz's partial ratio, 0..1 (0 when
    either is empty), computed in C for the whole list."""
    from rapidfuzz import fuzz, process

    if not a:
        return []
    got = process.cpdist(a, b, scorer=fuzz.partial_ratio, dtype=np.float64, workers=-1)
    return [float(v) / 100.0 if x and y else 0.0 for v, x, y in zip(got.tolist(), a, b, strict=True)]


def _second_best(m: np.ndarray) -> np.ndarray:
    """Per row, (best column, best value, second value): the margin of any column without a deletion."""
    if m.shape[1] < 2:
        return np.stack([m.argmax(axis=1), m.max(axis=1), np.zeros(len(m))], axis=1)
    top2 = np.argpartition(-m, 1, axis=1)[:, :2]
    v = np.take_along_axis(m, top2, axis=1)
    order = np.argsort(-v, axis=1, kind="stable")
    top2, v = np.take_along_axis(top2, order, axis=1), np.take_along_axis(v, order, axis=1)
    return np.stack([top2[:, 0], v[:, 0], v[:, 1]], axis=1)


def _top2(v: np.ndarray) -> np.ndarray:
    """_second_best of one row."""
    if len(v) < 2:
        return np.array([0, v.max() if len(v) else 0.0, 0.0])
    best = int(v.argmax())
    rest = v.copy()
    rest[best] = -np.inf
    return np.array([best, v[best], rest.max()])


def _other_best(row: np.ndarray, col: int, second: np.ndarray) -> float:
    """The best value of `row` in any column but `col` (second: _second_best's row for it)."""
    if len(row) < 2:
        return 0.0
    best_col, best, runner = int(second[0]), float(second[1]), float(second[2])
    if best_col != col:
        return best
    # `col` is (one of) the best: the others' best is the runner-up, unless it ties with col elsewhere
    return runner


def _consensus(
    picks: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]],
    rows: dict[str, list[int]],
    a: str,
    b: str,
    r: np.ndarray,
    col: np.ndarray,
) -> np.ndarray:
    """Per candidate pair (r in a, col in b): the share of third cities where the two articles pick the same
    article (order-aware or most similar) — two provisions that are the same find the same counterpart."""
    thirds = [z for z in rows if z not in (a, b)]
    if not thirds:
        return np.zeros(len(r))
    agree = np.zeros(len(r))
    for z in thirds:
        (sa, fa), (sb, fb) = picks[a, z], picks[b, z]
        x, y, u, v = sa[r], fa[r], sb[col], fb[col]
        agree += (x == u) | (x == v) | (y == u) | (y == v)
    return agree / len(thirds)


def _clause_matrix(texts: list[str]) -> sparse.csr_matrix:
    """Clauses as TF-IDF rows over character 2–3-grams and jieba words; n-grams in more than GENRE_DF of all
    clauses (市人民政府, 本规则, office titles …) are the genre's, not a provision's, and are left out."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), max_df=GENRE_DF, sublinear_tf=True, dtype=np.float32)
    words = TfidfVectorizer(analyzer=_words, max_df=GENRE_DF, sublinear_tf=True, dtype=np.float32)
    c = normalize(chars.fit_transform(texts))
    w = normalize(words.fit_transform(texts))
    return normalize(sparse.hstack([c, WORD_WEIGHT * w]).tocsr())


def _chapter_grams(book: Rulebook, keys: list[Key]) -> list[frozenset[str]]:
    """Each article's chapter title as character bigrams (会议制度 and 会议 share a bigram): cities arrange
    their rules under much the same chapters, so the chapter says which provision an article may be."""
    titles: dict[Key, str] = {}
    for slug, city in book.cities.items():
        for ch in city.chapters:
            for a in ch.articles:
                titles[(slug, a.n)] = ch.title or ""
    out = []
    for key in keys:
        t = titles.get(key, "")
        out.append(frozenset(t[i : i + 2] for i in range(len(t) - 1)) or frozenset(t))
    return out


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _assigned(sub: np.ndarray) -> np.ndarray:
    """Per row, the column the document-order-aware pick chooses: own similarity, plus NEIGHBOUR × the
    neighbours' (documents run in much the same order), plus BONUS on the one-to-one assignment."""
    from scipy.optimize import linear_sum_assignment

    score = sub.copy()
    score[1:, 1:] += NEIGHBOUR * sub[:-1, :-1]
    score[:-1, :-1] += NEIGHBOUR * sub[1:, 1:]
    r, c = linear_sum_assignment(-score)
    score[r, c] += BONUS
    return score.argmax(axis=1)


def align_corpus(corpus: Corpus, top: int = TOP, min_score: float = MIN_SCORE) -> dict[Key, list[Match]]:
    """The best match per other city by article cosine over all pairs (or cluster candidates beyond
    EXACT_MAX_ARTICLES), strongest first, at most `top`: the corpus-wide reference align_local is measured
    against (a large corpus's own alignment is align_local.align_large)."""
    if len(corpus.keys) <= EXACT_MAX_ARTICLES:
        return _blockwise(corpus, top, min_score)
    return _blocked(corpus, top, min_score)


def _blocked(corpus: Corpus, top: int, min_score: float) -> dict[tuple[str, int], list[Match]]:
    """Top matches from candidate blocks, at a cost linear in the number of articles (an inverted-file index).

    Articles are clustered (k-means on a low-dimensional projection of their TF-IDF rows, CLUSTER_SIZE
    articles a cluster on average); each article is compared exactly (TF-IDF cosine) with the members of
    its PROBES nearest clusters only. All pairs would grow with the square of the corpus."""
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    keys = corpus.keys
    out: dict[tuple[str, int], list[Match]] = {k: [] for k in keys}
    n = len(keys)
    cities = np.array([s for s, _ in keys])
    _, city_ids = np.unique(cities, return_inverse=True)
    x = corpus.matrix
    dims = min(PROJECTION, x.shape[1] - 1)
    emb = normalize(TruncatedSVD(dims, n_iter=3, random_state=0).fit_transform(x))
    k = max(1, n // CLUSTER_SIZE)
    km = MiniBatchKMeans(k, batch_size=4096, n_init=1, random_state=0).fit(emb)
    centres = normalize(km.cluster_centers_)
    probes = min(PROBES, k)
    near = np.empty((n, probes), dtype=np.int64)
    for start in range(0, n, 4096):  # rows × clusters at a time: memory stays bounded
        d = emb[start : start + 4096] @ centres.T
        near[start : start + 4096] = np.argpartition(-d, probes - 1, axis=1)[:, :probes] if probes < k else np.arange(k)
    members = [np.flatnonzero(km.labels_ == c) for c in range(k)]
    asked: list[list[int]] = [[] for _ in range(k)]
    for i, cs in enumerate(near):
        for c in cs:
            asked[c].append(i)
    if not all(len(m) for m in members):  # an empty cluster: its askers also look at their own cluster
        for i, c in enumerate(km.labels_):
            if not len(members[near[i][0]]) and c not in near[i]:
                asked[c].append(i)
    cand_rows, cand_cols, cand_scores = [], [], []
    pool = top * 4
    for c in range(k):
        q, m = np.array(asked[c], dtype=np.int64), members[c]
        if not len(q) or not len(m):
            continue
        sims = (x[q] @ x[m].T).toarray()
        sims[city_ids[q][:, None] == city_ids[m][None, :]] = -1.0
        if len(m) > pool:
            idx = np.argpartition(-sims, pool - 1, axis=1)[:, :pool]
        else:
            idx = np.tile(np.arange(len(m)), (len(q), 1))
        cand_rows.append(np.repeat(q, idx.shape[1]))
        cand_cols.append(m[idx].ravel())
        cand_scores.append(np.take_along_axis(sims, idx, axis=1).ravel())
    rows = np.concatenate(cand_rows) if cand_rows else np.empty(0, dtype=np.int64)
    cols = np.concatenate(cand_cols) if cand_cols else np.empty(0, dtype=np.int64)
    scores = np.concatenate(cand_scores) if cand_scores else np.empty(0)
    keep = scores >= min_score
    rows, cols, scores = rows[keep], cols[keep], scores[keep]
    order = np.lexsort((cols, -scores, rows))  # by row, strongest first, ties by position (as _blockwise)
    rows, cols, scores = rows[order], cols[order], scores[order]
    bounds = np.searchsorted(rows, np.arange(n + 1))
    for i in range(n):
        seen: set[int] = set()
        found = out[keys[i]]
        lo, hi = bounds[i], bounds[i + 1]
        for j, sc in zip(cols[lo:hi].tolist(), scores[lo:hi].tolist(), strict=True):
            if len(found) >= top:
                break
            cid = city_ids[j]
            if cid not in seen:
                seen.add(cid)
                found.append(Match(keys[j][0], keys[j][1], round(float(sc), 3)))
    return out


def _blockwise(corpus: Corpus, top: int, min_score: float) -> dict[tuple[str, int], list[Match]]:
    keys = corpus.keys
    out: dict[tuple[str, int], list[Match]] = {k: [] for k in keys}
    if not keys:
        return out
    cities = np.array([s for s, _ in keys])
    _, city_ids = np.unique(cities, return_inverse=True)
    matrix_t = corpus.matrix.T.tocsc()
    pool = min(len(keys), top * 8)  # candidates looked at per row: enough for `top` distinct cities
    for start in range(0, len(keys), BLOCK):
        stop = min(start + BLOCK, len(keys))
        sims = (corpus.matrix[start:stop] @ matrix_t).toarray()
        own = city_ids[start:stop, None] == city_ids[None, :]
        sims[own] = -1.0  # an article's own document holds no counterparts
        cand = (
            np.argpartition(-sims, pool - 1, axis=1)[:, :pool]
            if pool < len(keys)
            else np.tile(np.arange(len(keys)), (stop - start, 1))
        )
        for r in range(stop - start):
            row = sims[r]
            picks = cand[r][np.argsort(-row[cand[r]], kind="stable")]
            seen: set[int] = set()
            found = out[keys[start + r]]
            for j in picks:
                if row[j] < min_score or len(found) >= top:
                    break
                if city_ids[j] not in seen:
                    seen.add(city_ids[j])
                    found.append(Match(keys[j][0], keys[j][1], round(float(row[j]), 3)))
    return out


_CODE = Path(__file__)
_CLAUSES = Path(clauses_module.__file__)
_LOCAL = _CODE.with_name("align_local.py")  # the large corpus's alignment (not imported until needed)
_MATCHES = _CODE.with_name("matches.py")


def cache_path(book: Rulebook, cache_dir: Path) -> Path:
    """Where cached_alignment keeps this book's alignment: keyed by every article's text, this module
    and the library versions."""
    key = fingerprint(
        ("scikit-learn", "jieba", "numpy", "scipy", "rapidfuzz", "datasketch"),
        [_CODE, _LOCAL, _MATCHES, _CLAUSES, CALIBRATION],
    )
    for slug, city in sorted(book.cities.items()):
        for a in city.articles():
            key.update(f"{slug}\0{a.n}\0{a.text()}\0".encode())
    return cache_dir / f"align-{key.hexdigest()[:24]}.json"


def cached_alignment(book: Rulebook, cache_dir: Path | None) -> Alignment:
    """align(book), kept in cache_dir (cache_path)."""
    path = cache_path(book, cache_dir) if cache_dir else None
    data = read_cache_file(path) if path else None  # None when absent or damaged (reported, removed)
    if data is not None:
        try:
            return Alignment.from_rows(json.loads(data))
        except (ValueError, TypeError):
            pass  # an outdated cache entry is only a miss
    if scale.large(len(book.cities)):
        # local alignment (align_local): reuses the frozen weights, per-city files and the previous rows
        from rulebook.analysis.align_local import align_large

        alignment = align_large(book, cache_dir, path)[0]
        if path:
            for old in path.parent.glob("align-*.json"):
                if old != path:
                    remove_cache_file(old)
        return alignment
    alignment = align(book)
    if path:
        for old in path.parent.glob("align-*.json"):
            remove_cache_file(old)
        write_cache_file(path, json.dumps(alignment.rows(), ensure_ascii=False))
    return alignment
