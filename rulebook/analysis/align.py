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

from rulebook.core.cachefiles import fingerprint, write_cache_file
from rulebook.data.load import Rulebook
from rulebook.model import scale

# scikit-learn and SciPy load only when an alignment is computed (a cache miss): importing them was
# about a third of a warm five-city build.
if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

MIN_SCORE = 0.1  # below this two articles share little more than the genre's common words
# Documents run in much the same order (全体会议, then 常务会议 …): a pair of articles whose neighbours also
# match gets NEIGHBOUR × their similarity, and the one-to-one assignment between two documents a BONUS. On
# the curated pairs this lifts agreement from 0.62 to 0.68, and 株洲 44 (常务会议) finds the other four
# cities' 常务会议 articles rather than their 全体会议 ones, which share its long list of duties.
NEIGHBOUR = 0.25
BONUS = 0.05
TOP = 8  # matches kept per article (at most one per other city)
BLOCK = 512  # rows multiplied at once: memory is BLOCK × articles floats
# Beyond EXACT_MAX_ARTICLES, candidates come from clusters (_blocked): each article is compared with the
# members of its PROBES nearest clusters of about CLUSTER_SIZE articles, found in a PROJECTION-dimensional
# SVD of the TF-IDF rows. Cost grows linearly with the corpus instead of with its square.
EXACT_MAX_ARTICLES = 8000
CLUSTER_SIZE = 200
PROBES = 4
PROJECTION = 64
_SENTENCE = re.compile(r"(?<=[。；;！？])")


@dataclass(frozen=True)
class Match:
    """One counterpart: the other city's article and the cosine similarity of the two texts."""

    city: str
    n: int
    score: float


def sentences(text: str) -> list[str]:
    """The sentences of an article (split after 。；！？), the unit a comparison quote usually is."""
    return [s for s in _SENTENCE.split(text) if len(s.strip()) >= 4]


WORD_WEIGHT = 4.0  # words (常务会议 as one token) separate articles that share a long common list


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    # jieba's own dictionary, not the process-wide one the search build teaches our terms: with 常务会议 kept
    # whole, 常务会议 and 常务工作 share nothing, and matching gets worse (0.59 against 0.62 on the curated pairs).
    return jieba.Tokenizer()


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


def align(book: Rulebook, top: int = TOP, min_score: float = MIN_SCORE) -> dict[tuple[str, int], list[Match]]:
    """For every article: its best match in each other city, strongest first, at most `top`, score ≥ min_score."""
    corpus = Corpus.of(book)
    return align_corpus(corpus, top, min_score)


def align_corpus(corpus: Corpus, top: int = TOP, min_score: float = MIN_SCORE) -> dict[tuple[str, int], list[Match]]:
    """align() on a prepared corpus: document-order-aware unless the corpus is large (rulebook.model.scale:
    city pairs grow too many, so plain best match per city)."""
    if not scale.large(len({s for s, _ in corpus.keys})):
        return _structured(corpus, top, min_score)
    if len(corpus.keys) <= EXACT_MAX_ARTICLES:
        return _blockwise(corpus, top, min_score)
    return _blocked(corpus, top, min_score)


def _structured(corpus: Corpus, top: int, min_score: float) -> dict[tuple[str, int], list[Match]]:
    from scipy.optimize import linear_sum_assignment

    keys = corpus.keys
    sims = (corpus.matrix @ corpus.matrix.T).toarray()
    rows: dict[str, list[int]] = {}
    for i, (slug, _) in enumerate(keys):
        rows.setdefault(slug, []).append(i)
    out: dict[tuple[str, int], list[Match]] = {k: [] for k in keys}
    for a, ia in rows.items():
        for b, ib in rows.items():
            if a == b:
                continue
            sub = sims[np.ix_(ia, ib)]
            score = sub.copy()
            score[1:, 1:] += NEIGHBOUR * sub[:-1, :-1]
            score[:-1, :-1] += NEIGHBOUR * sub[1:, 1:]
            r, c = linear_sum_assignment(-score)
            score[r, c] += BONUS
            best = score.argmax(axis=1)
            for r_, j in enumerate(best):
                if sub[r_, j] >= min_score:
                    out[keys[ia[r_]]].append(Match(b, keys[ib[j]][1], round(float(sub[r_, j]), 3)))
    for found in out.values():
        found.sort(key=lambda m: -m.score)
        del found[top:]
    return out


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


def cache_path(book: Rulebook, cache_dir: Path) -> Path:
    """Where cached_alignment keeps this book's alignment: keyed by every article's text, this module
    and the library versions."""
    key = fingerprint(("scikit-learn", "jieba", "numpy", "scipy"), [_CODE])
    for slug, city in sorted(book.cities.items()):
        for a in city.articles():
            key.update(f"{slug}\0{a.n}\0{a.text()}\0".encode())
    return cache_dir / f"align-{key.hexdigest()[:24]}.json"


def cached_alignment(book: Rulebook, cache_dir: Path | None) -> dict[tuple[str, int], list[Match]]:
    """align(book), kept in cache_dir (cache_path)."""
    path = cache_path(book, cache_dir) if cache_dir else None
    if path and path.exists():
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            return {(r[0], r[1]): [Match(*m) for m in r[2]] for r in rows}
        except (ValueError, TypeError):
            pass  # an unreadable cache entry is only a miss
    matches = align(book)
    if path:
        for old in path.parent.glob("align-*.json"):
            old.unlink()
        rows = [[s, n, [[m.city, m.n, m.score] for m in ms]] for (s, n), ms in matches.items()]
        write_cache_file(path, json.dumps(rows, ensure_ascii=False))
    return matches
