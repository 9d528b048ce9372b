"""Local alignment of a large corpus (above scale.LARGE_ABOVE cities, issue 32): editing one city
recomputes only the alignment rows it touches; every other row is read back.

- **Fixed weights.** An article is its character 2–3-grams hashed into N_FEATURES columns (scikit-learn's
  HashingVectorizer: no vocabulary to fit), sublinear tf times IDF weights that are fitted once and frozen
  in the cache (`weights-<version>.npz`). They are refitted, and then every row is recomputed, only when
  more than REFIT_ABOVE (10 %) of the articles were added, changed or removed since they were fitted; an
  n-gram in more than MAX_DF of the articles at fitting time weighs nothing (the genre's phrasing). So an
  edit leaves every other article's vector unchanged.
- **Candidates.** datasketch's MinHash-LSH over the set of a text's weighted n-grams (NUM_PERM
  permutations, BANDS bands of NUM_PERM // BANDS rows): two texts are candidates when one band of their
  signatures agrees. Each article is compared by exact cosine with the articles of its candidate texts
  only; it keeps its best match per other city, at most TOP, strongest first, ties broken by (city,
  article number), then matches.leveled gives the levels. Identical texts are vectorised and compared once.
- **Incremental.** Per-city files (`city-<slug>-<key>.bin`: each article's text digest, vector and
  signature, keyed by the city's article texts, the weights' version and this code) and `state.json`
  (the weights, each city's key and the alignment file the rows are in). Recomputed: the articles of
  changed (edited, added, removed) cities, and every article whose text shares an LSH bucket with an old
  or a new text of a changed city — its candidate set contained or contains one of them. A row depends
  only on its text's candidates, their vectors and which articles hold them, so the result equals a full
  computation with the same weights exactly (`full=True`; the tests compare the rows byte for byte).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rulebook.analysis.clauses import CALIBRATION
from rulebook.analysis.matches import MIN_SCORE, TOP, Alignment, Key, Match, leveled
from rulebook.core.cachefiles import fingerprint, read_cache_file, remove_cache_file, write_cache_file
from rulebook.data.load import Rulebook

if TYPE_CHECKING:
    from datasketch import MinHashLSH
    from scipy import sparse

log = logging.getLogger("mkdocs.plugins.rulebook.align")

N_FEATURES = 2**20  # hashed n-gram columns: collisions are rare at the corpus's few hundred thousand n-grams
MAX_DF = 0.3  # an n-gram in more than this share of the articles is the genre's, not a provision's
REFIT_ABOVE = 0.10  # refit the weights when more than this share of the articles changed since fitting
NUM_PERM = 128  # MinHash permutations
BANDS = 32  # LSH bands of NUM_PERM // BANDS rows: texts with Jaccard ≈ 0.3 meet with probability ~0.9
SEED = 1
_CODE = Path(__file__)
STATE = "state.json"


@dataclass
class Weights:
    """IDF weights over the hashed n-grams, frozen until the corpus changes by more than REFIT_ABOVE."""

    idf: np.ndarray  # float32, N_FEATURES; 0 for the genre's n-grams
    fitted: np.ndarray  # sorted uint64 fingerprints (article_fingerprints) of the articles fitted on
    version: str

    @classmethod
    def from_counts(cls, counts: sparse.csr_matrix, mult: np.ndarray, fps: np.ndarray) -> Weights:
        """Fit on the n-gram counts of the distinct texts, `mult` articles holding each."""
        n = int(mult.sum())
        df = np.bincount(counts.indices, weights=np.repeat(mult, np.diff(counts.indptr)), minlength=N_FEATURES)
        idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        idf[df > MAX_DF * n] = 0.0
        version = hashlib.sha256(idf.tobytes()).hexdigest()[:16]
        return cls(idf, np.unique(fps), version)

    def drift(self, fps: np.ndarray) -> float:
        """The share of articles added, changed or removed since the weights were fitted."""
        now = np.unique(fps)
        moved = len(np.setdiff1d(now, self.fitted, assume_unique=True))
        moved += len(np.setdiff1d(self.fitted, now, assume_unique=True))
        return moved / max(1, len(self.fitted))

    def save(self, path: Path) -> None:
        import io

        buf = io.BytesIO()
        np.savez(buf, idf=self.idf, fitted=self.fitted)
        write_cache_file(path, buf.getvalue())

    @classmethod
    def load(cls, path: Path) -> Weights | None:
        import io

        data = read_cache_file(path)
        if data is None:
            return None
        with np.load(io.BytesIO(data)) as z:
            return cls(z["idf"], z["fitted"], path.stem.removeprefix("weights-"))


@dataclass
class Stats:
    """What one local alignment did: `recomputed` are the rows computed now, the others were read back."""

    rows: int = 0
    touched: set[Key] = field(default_factory=set)  # rows whose candidate set held or holds a changed city's text
    recomputed: set[Key] = field(default_factory=set)  # the touched rows not provably unchanged (_unchanged)
    changed: list[str] = field(default_factory=list)  # cities edited, added or removed since the last run
    full: bool = True  # every row computed (no usable previous result)
    refit: bool = False  # the weights were (re)fitted


def _counts(texts: list[str]) -> sparse.csr_matrix:
    from sklearn.feature_extraction.text import HashingVectorizer

    hv = HashingVectorizer(
        analyzer="char", ngram_range=(2, 3), n_features=N_FEATURES, alternate_sign=False, norm=None, dtype=np.float32
    )
    return hv.transform(texts).tocsr()


def vectors(texts: list[str], weights: Weights) -> sparse.csr_matrix:
    """Rows of unit length: sublinear tf × the frozen IDF; each row depends on its own text only."""
    return _weigh(_counts(texts), weights)


def _weigh(counts: sparse.csr_matrix, weights: Weights) -> sparse.csr_matrix:
    from sklearn.preprocessing import normalize

    x = counts.copy()
    x.data = (np.log(x.data) + 1) * weights.idf[x.indices]
    x.eliminate_zeros()
    x = normalize(x).astype(np.float32).tocsr()
    x.sort_indices()
    return x


def _permutations() -> tuple[np.ndarray, np.ndarray]:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED).permutations


def signatures(x: sparse.csr_matrix) -> np.ndarray:
    """Each row's MinHash signature (datasketch) over its weighted n-gram columns, NUM_PERM uint32."""
    from datasketch import MinHash

    perms = _permutations()
    out = np.empty((x.shape[0], NUM_PERM), dtype=np.uint32)
    for i in range(x.shape[0]):
        m = MinHash(num_perm=NUM_PERM, hashfunc=int, permutations=perms, scheme="affine32")
        m.update_batch(x.indices[x.indptr[i] : x.indptr[i + 1]].tolist())
        out[i] = m.hashvalues
    return out


def _minhash(sig: np.ndarray, perms: tuple[np.ndarray, np.ndarray]) -> object:
    from datasketch import MinHash

    return MinHash(hashvalues=sig, permutations=perms, scheme="affine32")


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def article_fingerprints(keys: list[Key], texts: list[str]) -> np.ndarray:
    """One uint64 per article from its city, number and text: what the weights' drift counts."""
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(f"{s}\0{n}\0{t}".encode(), digest_size=8).digest(), "little")
            for (s, n), t in zip(keys, texts, strict=True)
        ],
        dtype=np.uint64,
    )


@dataclass
class _CityFile:
    ns: list[int]
    digests: list[str]
    matrix: sparse.csr_matrix
    sigs: np.ndarray

    def dump(self) -> bytes:
        """One JSON header line (numbers, digests, array sizes), then the arrays' raw bytes: read back in a
        fraction of a millisecond (an .npz parses a header per array; 1,000 cities cost seconds)."""
        m = self.matrix
        arrays = [m.data.astype(np.float32), m.indices.astype(np.int32), m.indptr.astype(np.int64), self.sigs]
        head = {"ns": self.ns, "digests": self.digests, "sizes": [a.nbytes for a in arrays]}
        return json.dumps(head).encode() + b"\n" + b"".join(a.tobytes() for a in arrays)

    @classmethod
    def load(cls, path: Path) -> _CityFile | None:
        from scipy import sparse

        data = read_cache_file(path)
        if data is None:
            return None
        cut = data.index(b"\n")
        head = json.loads(data[:cut])
        parts, at = [], cut + 1
        for size, dtype in zip(head["sizes"], (np.float32, np.int32, np.int64, np.uint32), strict=True):
            parts.append(np.frombuffer(data, dtype=dtype, count=size // np.dtype(dtype).itemsize, offset=at))
            at += size
        ns = head["ns"]
        m = sparse.csr_matrix((parts[0], parts[1], parts[2]), shape=(len(ns), N_FEATURES))
        return cls(ns, head["digests"], m, parts[3].reshape(len(ns), NUM_PERM))


def _code_key() -> str:
    files = [_CODE, _CODE.with_name("matches.py"), CALIBRATION]  # the rows' levels come from the calibration
    return fingerprint(("scikit-learn", "numpy", "scipy", "datasketch"), files).hexdigest()[:16]


def _city_key(slug: str, arts: list[tuple[int, str]], version: str, code: str) -> str:
    h = hashlib.sha256(f"{version}\0{code}\0{slug}\0".encode())
    for n, t in arts:
        h.update(f"{n}\0{t}\0".encode())
    return h.hexdigest()[:20]


def _read_json(path: Path) -> object:
    data = read_cache_file(path)
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return None


def align_large(
    book: Rulebook,
    cache_dir: Path | None = None,
    out: Path | None = None,
    top: int = TOP,
    min_score: float = MIN_SCORE,
    full: bool = False,
) -> tuple[Alignment, Stats]:
    """The large corpus's alignment (best match per other city, leveled) and what was recomputed.

    With `cache_dir`, reuses its frozen weights, per-city files and previous result (see the module
    docstring) and leaves this run's there; `out` is where the rows are written (align.cache_path), the
    file state.json names. `full`: recompute every row (with the cached weights, when they still hold)."""
    stats = Stats()
    cities = {slug: [(a.n, a.text()) for a in city.articles()] for slug, city in book.cities.items()}
    keys = [(slug, n) for slug, arts in cities.items() for n, _ in arts]
    texts = [t for arts in cities.values() for _, t in arts]
    fps = article_fingerprints(keys, texts)
    by_digest: dict[str, str] = {}  # identical texts are counted, vectorised and compared once
    for t in texts:
        by_digest.setdefault(_digest(t), t)
    code = _code_key()
    store = cache_dir / "local" if cache_dir else None
    state = _read_json(store / STATE) if store else None
    state = state if isinstance(state, dict) and state.get("code") == code else None
    weights = Weights.load(store / f"weights-{state['weights']}.npz") if store and state else None
    refit = weights is None or weights.drift(fps) > REFIT_ABOVE
    if refit:
        state = None
        stats.refit = True

    # every city's digests, vectors and signatures: read back, or made now (and kept)
    files: dict[str, _CityFile] = {}
    city_keys: dict[str, str] = {}
    if not refit:
        city_keys = {slug: _city_key(slug, arts, weights.version, code) for slug, arts in cities.items()}  # type: ignore[union-attr]
        for slug, arts in cities.items():
            got = _CityFile.load(store / f"city-{slug}-{city_keys[slug]}.bin") if store else None
            if got is not None and got.ns == [n for n, _ in arts]:
                files[slug] = got
    missing = [slug for slug in cities if slug not in files]
    needed = list(dict.fromkeys(_digest(t) for slug in missing for _, t in cities[slug]))
    counts = _counts([by_digest[d] for d in needed]) if needed else None
    if refit:  # every text is needed: the counts fit the weights too
        mult: dict[str, int] = {}
        for t in texts:
            d = _digest(t)
            mult[d] = mult.get(d, 0) + 1
        weights = Weights.from_counts(counts, np.array([mult[d] for d in needed]), fps)
        city_keys = {slug: _city_key(slug, arts, weights.version, code) for slug, arts in cities.items()}
        if store:
            weights.save(store / f"weights-{weights.version}.npz")
    assert weights is not None
    if state and state.get("weights") != weights.version:
        state = None
    if needed:
        x = _weigh(counts, weights)  # type: ignore[arg-type]
        sx = signatures(x)
        at = {d: i for i, d in enumerate(needed)}
        for slug in missing:
            ds = [_digest(t) for _, t in cities[slug]]
            idx = [at[d] for d in ds]
            files[slug] = _CityFile([n for n, _ in cities[slug]], ds, x[idx], sx[idx])
            if store:
                write_cache_file(store / f"city-{slug}-{city_keys[slug]}.bin", files[slug].dump())
    from scipy import sparse

    ordered = [files[slug] for slug in cities]
    all_digests = [d for f in ordered for d in f.digests]
    uid: dict[str, int] = {}
    first: list[int] = []
    for i, d in enumerate(all_digests):
        if d not in uid:
            uid[d] = len(uid)
            first.append(i)
    if first:
        matrix = sparse.vstack([f.matrix for f in ordered]).tocsr()[first]
        sigs = np.concatenate([f.sigs for f in ordered])[first]
    else:
        matrix = sparse.csr_matrix((0, N_FEATURES), dtype=np.float32)
        sigs = np.empty((0, NUM_PERM), dtype=np.uint32)
    matrix.sort_indices()
    digests = list(uid)
    perms = _permutations()
    lsh = _index(digests, sigs, perms)
    art_uid = [uid[d] for d in all_digests]

    previous = None
    if store and state and not full and out is not None:
        rows = _read_json(out.parent / str(state.get("alignment", "")))
        if isinstance(rows, list):
            previous = {(str(r[0]), int(r[1])): r for r in rows}
    todo: set[int]
    if previous is None:
        todo = set(range(len(keys)))
    else:
        got = _touched(state, city_keys, files, keys, art_uid, digests, lsh, perms, store)  # type: ignore[arg-type]
        if got is None:
            previous, todo = None, set(range(len(keys)))
        else:
            todo, change = got
            stats.full = False
            stats.changed = sorted(change.cities)
            todo |= {i for i, k in enumerate(keys) if k not in previous}
            stats.touched = {keys[i] for i in todo}
            todo -= _unchanged(todo, change, previous, keys, art_uid, matrix, sigs, uid, lsh, perms, top)
    matches = _compute(sorted(todo), keys, art_uid, matrix, sigs, digests, uid, lsh, perms, top, min_score)
    fresh = {(r[0], r[1]): r for r in Alignment(leveled(matches)).rows()}
    rows_out = [fresh[k] if k in fresh else previous[k] for k in keys]  # type: ignore[index]
    alignment = Alignment.from_rows(rows_out)
    stats.rows = len(keys)
    stats.recomputed = {keys[i] for i in todo}
    if stats.full:
        stats.touched = set(stats.recomputed)
    log.info(
        "alignment (large corpus): %d of %d rows recomputed (%d touched)%s",
        len(todo),
        len(keys),
        len(stats.touched),
        " (weights fitted)" if stats.refit else f" ({len(stats.changed)} cities changed)",
    )
    if store and out is not None:
        write_cache_file(out, json.dumps(rows_out, ensure_ascii=False))
        new_state = {"code": code, "weights": weights.version, "cities": city_keys, "alignment": out.name}
        write_cache_file(store / STATE, json.dumps(new_state))
        keep = {f"city-{s}-{k}.bin" for s, k in city_keys.items()} | {f"weights-{weights.version}.npz"}
        for old in [*store.glob("city-*.bin"), *store.glob("weights-*.npz")]:
            if old.name not in keep:
                remove_cache_file(old)
    return alignment, stats


def _index(digests: list[str], sigs: np.ndarray, perms: tuple[np.ndarray, np.ndarray]) -> MinHashLSH:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, NUM_PERM // BANDS))
    with lsh.insertion_session() as session:
        for d, s in zip(digests, sigs, strict=True):
            session.insert(d, _minhash(s, perms), check_duplication=False)
    return lsh


@dataclass
class _Change:
    """What changed since the previous run: cities, and the articles whose (number, text) is new or gone."""

    cities: set[str]
    gone: set[Key]  # articles (old number) whose text changed or that were removed
    added: dict[Key, str]  # articles (new number) whose text changed or that were added -> text digest


def _touched(
    state: dict,
    city_keys: dict[str, str],
    files: dict[str, _CityFile],
    keys: list[Key],
    art_uid: list[int],
    digests: list[str],
    lsh: MinHashLSH,
    perms: tuple[np.ndarray, np.ndarray],
    store: Path,
) -> tuple[set[int], _Change] | None:
    """The rows a change touches: the changed cities' own rows, and every article whose text shares an LSH
    bucket with the old or new text of a changed article (its candidate set held or holds it; an article
    whose number and text stayed adds and removes nothing). None when an old city file is missing."""
    before: dict[str, str] = state.get("cities", {})
    cities = {s for s in city_keys if before.get(s) != city_keys[s]} | (set(before) - set(city_keys))
    change = _Change(cities, set(), {})
    probes: dict[str, np.ndarray] = {}
    for slug in sorted(cities):
        old_pairs: dict[tuple[int, str], np.ndarray] = {}
        if slug in before:
            old = _CityFile.load(store / f"city-{slug}-{before[slug]}.bin")
            if old is None:
                return None
            old_pairs = {(n, d): sig for n, d, sig in zip(old.ns, old.digests, old.sigs, strict=True)}
        new_pairs: dict[tuple[int, str], np.ndarray] = {}
        if slug in files:
            f = files[slug]
            new_pairs = {(n, d): sig for n, d, sig in zip(f.ns, f.digests, f.sigs, strict=True)}
        for (n, d), sig in old_pairs.items():
            if (n, d) not in new_pairs:
                change.gone.add((slug, n))
                probes[d] = sig
        for (n, d), sig in new_pairs.items():
            if (n, d) not in old_pairs:
                change.added[(slug, n)] = d
                probes[d] = sig
    index = {d: i for i, d in enumerate(digests)}
    affected: set[int] = set()
    for d, sig in probes.items():
        if d in index:
            affected.add(index[d])
        affected.update(index[c] for c in lsh.query(_minhash(sig, perms)))
    return {i for i, k in enumerate(keys) if k[0] in cities or art_uid[i] in affected}, change


def _unchanged(
    touched: set[int],
    change: _Change,
    previous: dict[Key, list],
    keys: list[Key],
    art_uid: list[int],
    matrix: sparse.csr_matrix,
    sigs: np.ndarray,
    uid: dict[str, int],
    lsh: MinHashLSH,
    perms: tuple[np.ndarray, np.ndarray],
    top: int,
) -> set[int]:
    """The touched rows a change provably leaves as they were, so they are read back, not recomputed.

    A row of an unchanged city keeps its previous value when it holds no changed or removed article and
    every changed or added article among its candidates scores below what the row could take: its last
    score when it is full (`top` cities: the new entry sorts after the last pick), else the 相关 threshold
    (the levels would drop it). A removed entry that was not picked lay after the last pick, under the
    threshold, or in a city already picked, so losing it changes nothing. Scores carry a margin for their
    3-decimal rounding."""
    from rulebook.analysis.clauses import calibration

    floor = calibration().large_related
    margin = 0.0005 + 1e-5
    best: dict[int, float] = {}  # text -> the best score of a changed or added article among its candidates
    for v in sorted({uid[d] for d in change.added.values()}):
        us = sorted(uid[c] for c in lsh.query(_minhash(sigs[v], perms)))
        scores = (matrix[us] @ matrix[v].T).toarray().ravel()
        for u, sc in zip(us, scores.tolist(), strict=True):
            if sc > best.get(u, -1.0):
                best[u] = sc
    keep: set[int] = set()
    for i in touched:
        if keys[i][0] in change.cities:
            continue
        row = previous[keys[i]][2]
        if any((m[0], m[1]) in change.gone for m in row):
            continue
        bound = min(m[2] for m in row) if len(row) >= top else floor
        if best.get(art_uid[i], -1.0) < bound - margin:
            keep.add(i)
    return keep


def _compute(
    todo: list[int],
    keys: list[Key],
    art_uid: list[int],
    matrix: sparse.csr_matrix,
    sigs: np.ndarray,
    digests: list[str],
    uid: dict[str, int],
    lsh: MinHashLSH,
    perms: tuple[np.ndarray, np.ndarray],
    top: int,
    min_score: float,
) -> dict[Key, list[Match]]:
    """The rows `todo`: for each article, its best match per other city among its candidate texts'
    articles, strongest first, ties by (city, n), at most `top`, none under `min_score`."""
    holders: dict[int, list[Key]] = {}  # text -> the articles holding it, first per city only, by (city, n)
    for i, u in enumerate(art_uid):
        holders.setdefault(u, []).append(keys[i])
    for u, ks in holders.items():
        ks.sort()
        first: list[Key] = []
        for k in ks:
            if not first or first[-1][0] != k[0]:
                first.append(k)
        holders[u] = first
    # enough distinct cities per candidate text for any row: `top` taken, `top` - 1 seen, its own city
    keep = 2 * top + 1
    ranked: dict[int, list[tuple[float, str, int, float]]] = {}
    out: dict[Key, list[Match]] = {}
    for i in todo:
        u = art_uid[i]
        if u not in ranked:
            cands = sorted(uid[c] for c in lsh.query(_minhash(sigs[u], perms)))
            scores = (matrix[u] @ matrix[cands].T).toarray()[0] if cands else np.empty(0)
            entries = []
            for v, sc in zip(cands, scores.tolist(), strict=True):
                if sc >= min_score:
                    entries.extend((-sc, c, n, sc) for c, n in holders[v][:keep])
            entries.sort()
            ranked[u] = entries
        own = keys[i][0]
        seen: set[str] = set()
        found: list[Match] = []
        for _, c, n, sc in ranked[u]:
            if len(found) >= top:
                break
            if c != own and c not in seen:
                seen.add(c)
                found.append(Match(c, n, round(float(sc), 3)))
        out[keys[i]] = found
    return out
