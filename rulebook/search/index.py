"""Article-level search: the rulebook's own jieba dictionary, and prebuilt lunr indexes sharded per city.

The browser (docs/assets/search-engine.js, used by the header box and 条文检索) loads lookup/meta.js,
then only the shards or term buckets it needs. Chinese text is
indexed twice: jieba words (with our dictionary) and character bigrams, so a query can be tokenised
in the browser without a dictionary and a query that starts mid-word still matches.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba
import lunr
import lunr.builder
from lunr.builder import Builder
from lunr.token import Token

from rulebook.core import parallel
from rulebook.core.cachefiles import (
    PACKAGE,
    cache_file_ok,
    fingerprint,
    read_cache_file,
    read_stored,
    store_files,
    write_cache_file,
)
from rulebook.core.jsdata import js_call as _js_call
from rulebook.data.load import Rulebook
from rulebook.model import scale
from rulebook.model.numerals import article_number
from rulebook.model.schema import CHAIN_LABELS, MAX_TERM_CHARS, Article, Attribute, CellStatus, City

HAN = re.compile(r"[\u3400-\u9fff]+")
ASCII = re.compile(r"[0-9A-Za-z]+")
WORD_FIELDS = {"title": 10, "words": 2, "bigrams": 1, "topics": 3}
jieba.setLogLevel(60)  # quiet: the build log is for our messages


def search_terms(book: Rulebook, root: Path) -> list[str]:
    """The rulebook's vocabulary for segmentation: curated terms + topic, attribute and chain labels.

    The curated terms are the book's (rules_data/search_terms.yaml, validated and size-limited by the
    loader); `root` is no longer read. Label parts longer than a term may be are left out."""
    terms: set[str] = set(book.search_terms.all_terms() if book.search_terms else ())
    for t in book.topics():
        terms.update(x for x in re.split(r"[与、和及]", t.label) if 2 <= len(x) <= MAX_TERM_CHARS)
    for facts in book.facts.values():
        for a in facts.attributes:
            terms.update(x for x in re.split(r"[与、和及的]", a.label) if 2 <= len(x) <= 8)
    for cc in book.chains.values():
        for ch in cc.chains:
            terms.update(n.actor for n in ch.nodes if 2 <= len(n.actor) <= 8 and HAN.fullmatch(n.actor))
    return sorted(t for t in terms if HAN.fullmatch(t))


def jieba_user_dict(terms: list[str]) -> str:
    """jieba's user-dictionary format: one `word frequency` per line (high frequency: keep it whole)."""
    return "".join(f"{t} {max(2000, 500 * len(t))}\n" for t in terms)


@lru_cache(maxsize=4)
def _load_terms(terms: tuple[str, ...]) -> None:
    for line in jieba_user_dict(list(terms)).splitlines():
        word, freq = line.split()
        jieba.add_word(word, int(freq))


def use_terms(terms: list[str]) -> None:
    """Teach the process-wide jieba our terms (loading its dictionary, 0.7 s, if not loaded yet)."""
    _load_terms(tuple(terms))


def terms_taught() -> bool:
    """Whether this process's jieba has learnt search terms (it is then no longer jieba's own dictionary)."""
    return _load_terms.cache_info().currsize > 0


def bigrams(text: str) -> list[str]:
    out = []
    for run in HAN.findall(text):
        out += [run[i : i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]
    return out + [m.lower() for m in ASCII.findall(text)]


def _parts(word: str) -> list[str]:
    return list(_parts_of(word, jieba.dt.total))  # keyed on the dictionary's size: use_terms() grows it


@lru_cache(maxsize=200_000)
def _parts_of(word: str, _total: int) -> tuple[str, ...]:
    """The word's own parts, recursively: its most probable segmentation into dictionary words other
    than itself (工作日程 -> 工作 日程; 工作日内 -> 工作日 工作 ...).

    jieba's search mode instead emits every dictionary 2- and 3-gram inside a word, so 工作日程 would
    also count as 工作日 and 人民政府 as 民政; a part must be one the word is actually made of."""
    n = len(word)
    if n < 3:
        return ()
    freq, log_total = jieba.dt.FREQ, math.log(jieba.dt.total)
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + 1, n + 1):
            f = freq.get(word[i:j])
            if (i, j) == (0, n) or (j - i > 1 and not f):
                continue
            options.append((math.log(f or 1) - log_total + best[j][0], j))
        best[i] = max(options)
    out, i = [], 0
    while i < n:
        j = best[i][1]
        if j - i > 1:
            out += [*_parts(word[i:j]), word[i:j]]
        i = j
    return tuple(out)


def words(text: str) -> list[str]:
    """jieba words, each preceded by the words it is made of (see _parts), plus ASCII words and numbers."""
    jieba.dt.check_initialized()
    out = []
    for run in HAN.findall(text):
        for w in jieba.cut(run):
            if w.strip():
                out += [*_parts(w), w]
    return out + [m.lower() for m in ASCII.findall(text)]


def _analyse(city: City, chapter: str, a: Article, topics: list[str], labels: dict[str, str]) -> dict[str, list[str]]:
    """An article's tokens, computed once for both indexes (jieba is most of the indexing time)."""
    text = a.text()
    return {
        "words": words(text),
        "bigrams": bigrams(text),
        "heading": list(_repeated_words(f"{city.name}{chapter}", jieba.dt.total)),
        "topic_words": [w for t in topics for w in _repeated_words(labels.get(t, ""), jieba.dt.total)],
    }


@lru_cache(maxsize=4096)
def _repeated_words(text: str, _total: int) -> tuple[str, ...]:
    # A chapter heading or topic label, the same for many articles: segmented once (keyed on the
    # dictionary's size, as _parts_of: use_terms() grows it).
    return tuple(words(text))


def _doc(city: City, a: Article, topics: list[str], tokens: dict[str, list[str]]) -> dict[str, object]:
    """The article as a lunr document."""
    return {
        "id": f"{city.id}/{a.n}",
        "title": [*tokens["heading"], a.label, article_number(a), city.id],
        "words": tokens["words"],
        "bigrams": tokens["bigrams"],
        "topics": topics + tokens["topic_words"],
    }


def _term_counts(tokens: dict[str, list[str]]) -> list[dict[str, int]]:
    """The article's term frequencies for the term index: [bigrams, words (text, heading, topics)]."""
    return [
        dict(Counter(tokens["bigrams"])),
        dict(Counter(tokens["words"] + tokens["heading"] + tokens["topic_words"])),
    ]


def _fast_tokenizer(obj: object, metadata: dict | None = None) -> list[Token]:
    """Our fields are already token lists; lunr's tokenizer would deep-copy empty metadata per token."""
    assert isinstance(obj, list)
    return [Token(str(t).lower(), {}) for t in obj]


@contextmanager
def _pre_tokenized() -> Iterator[None]:
    original = lunr.builder.Tokenizer
    lunr.builder.Tokenizer = _fast_tokenizer
    try:
        yield
    finally:
        lunr.builder.Tokenizer = original


_K1, _B = 1.2, 0.75  # lunr's BM25 defaults (lunr.builder.Builder)


def build_index(docs: list[dict[str, object]]) -> dict[str, object]:
    """A lunr index with no English pipeline (no stemmer, no stop words, no trimmer), serialized.

    The same dict, key for key and float for float, as lunr_index(docs) makes with lunr's own Builder
    (tests/test_search_index.py compares them): lunr's builder was three quarters of the search build
    (vectors kept as sorted lists with an insert per term, a token set that serialize() drops)."""
    fields = list(WORD_FIELDS)
    inverted: dict[str, dict[str, object]] = {}
    vectors: list[tuple[str, str, dict[str, int]]] = []  # (field ref, field, term frequencies) in lunr's order
    lengths: dict[str, int] = {f: 0 for f in fields}
    for d in docs:
        ref = str(d["id"])
        for name in fields:
            terms = [str(t).lower() for t in d[name]]  # type: ignore[attr-defined]
            lengths[name] += len(terms)
            tf: dict[str, int] = {}
            for term in terms:
                tf[term] = tf.get(term, 0) + 1
                posting = inverted.get(term)
                if posting is None:
                    posting = {f: {} for f in fields}
                    posting["_index"] = len(inverted)
                    inverted[term] = posting
                posting[name].setdefault(ref, {})  # type: ignore[union-attr]
            vectors.append((f"{name}/{ref}", name, tf))
    n_docs = len(docs)
    avg = {f: lengths[f] / n_docs for f in fields} if n_docs else {}
    idf: dict[str, float] = {}
    for term, posting in inverted.items():
        with_term = sum(len(posting[f]) for f in fields)  # type: ignore[arg-type]
        x = (n_docs - with_term + 0.5) / (with_term + 0.5)
        idf[term] = math.log(1 + abs(x))
    field_vectors = []
    for ref, name, tf in vectors:
        boost = WORD_FIELDS[name]
        # an empty field has no terms to score (and a zero average length if no document has it)
        norm = _K1 * (1 - _B + _B * (sum(tf.values()) / avg[name])) if tf else 0.0
        elements = sorted(
            (inverted[term]["_index"], round(round(idf[term] * ((_K1 + 1) * f) / (norm + f) * boost * 1, 3), 3))
            for term, f in tf.items()
        )
        field_vectors.append([ref, [x for pair in elements for x in pair]])
    return {
        "version": lunr.__TARGET_JS_VERSION__,
        "fields": fields,
        "fieldVectors": field_vectors,
        "invertedIndex": [[term, inverted[term]] for term in sorted(inverted)],
        "pipeline": [],
    }


def lunr_index(docs: list[dict[str, object]]) -> dict[str, object]:
    """build_index() by lunr's own Builder: the reference it is tested against."""
    b = Builder()
    b.pipeline.reset()
    b.search_pipeline.reset()
    b.ref("id")
    for name, boost in WORD_FIELDS.items():
        b.field(name, boost=boost)
    with _pre_tokenized():
        for d in docs:
            b.add(d)
    return b.build().serialize()


def _tags_of(book: Rulebook, slug: str) -> dict[str, list[str]]:
    return dict(book.tags[slug].tags) if slug in book.tags else {}


def _labels(book: Rulebook) -> dict[str, str]:
    return {t.id: t.label for t in book.topics()}


def _articles(city: City, tags: dict[str, list[str]]) -> Iterator[tuple[str, Article, list[str]]]:
    """(chapter heading, article, its topic ids) in reading order: what every index is built from."""
    for ch in city.chapters:
        chapter = ch.heading()
        for a in ch.articles:
            yield chapter, a, tags.get(a.anchor, [])


def _city_shard(
    city: City, tags: dict[str, list[str]], labels: dict[str, str]
) -> tuple[dict[str, object], list[dict[str, object]], list[list[dict[str, int]]]]:
    """One city's lunr index, document store and per-article term counts (for the term index)."""
    docs, store, counts = [], [], []
    for chapter, a, topics in _articles(city, tags):
        tokens = _analyse(city, chapter, a, topics, labels)
        docs.append(_doc(city, a, topics, tokens))
        store.append(_stored(city, chapter, a, topics))
        counts.append(_term_counts(tokens))
    return build_index(docs), store, counts


def _stored(city: City, chapter: str, a: Article, topics: list[str]) -> dict[str, object]:
    """What a search result shows about an article (both engines' document stores)."""
    return {
        "id": f"{city.id}/{a.n}",
        "city": city.id,
        "n": a.n,
        "label": a.label,
        "number": article_number(a),
        "chapter": chapter,
        "topics": topics,
        "text": a.text(),
    }


def _city_counts(city: City, tags: dict[str, list[str]], labels: dict[str, str]) -> list[list[dict[str, int]]]:
    """Only the per-article term counts (a large corpus has no lunr shards)."""
    return [_term_counts(_analyse(city, chapter, a, topics, labels)) for chapter, a, topics in _articles(city, tags)]


def shards_wanted(book: Rulebook) -> bool:
    """Whether each city gets a lunr shard. In a large corpus (rulebook.model.scale) the term index alone
    serves every search, a city filter included (search-engine.js then never asks for a shard): the
    shards were half of the search build and 1.4 GB of output at 3,000 cities, and read only when a
    search names its city."""
    return not scale.large(len(book.cities))


# One city's build input: (city JSON, its tags, topic labels, dictionary terms, whether it gets a shard).
_Job = tuple[str, dict[str, list[str]], dict[str, str], list[str], bool]


def _shard_script(job: _Job) -> tuple[str, str]:
    """One city's shard script ("" without a shard) and its term counts as JSON (runs in a worker
    when many cities need building)."""
    city_json, tags, labels, terms, shard = job
    use_terms(terms)
    city = City.model_validate_json(city_json)
    if not shard:
        return "", json.dumps(_city_counts(city, tags, labels), ensure_ascii=False)
    index, store, counts = _city_shard(city, tags, labels)
    return _js_call("rbLookupShard", city.id, index, store), json.dumps(counts, ensure_ascii=False)


# What the cached index files depend on besides their data: this code, the model layer's modules that
# shape documents (article numbers, article text), and the tokeniser and index library versions.
_CODE_VERSION = fingerprint(("jieba", "lunr"), [Path(__file__), *sorted((PACKAGE / "model").glob("*.py"))]).hexdigest()[
    :16
]


def _city_jobs(book: Rulebook, terms: list[str]) -> dict[str, tuple[_Job, str]]:
    """Each city's build input and its cache key (the input, the dictionary and the code)."""
    labels, shard = _labels(book), shards_wanted(book)
    out = {}
    for city in book.ordered_cities():
        job = (city.model_dump_json(), _tags_of(book, city.id), labels, terms, shard)
        out[city.id] = job, hashlib.sha256(json.dumps([_CODE_VERSION, *job], ensure_ascii=False).encode()).hexdigest()
    return out


def _city_builds(
    book: Rulebook, city_jobs: dict[str, tuple[_Job, str]], cache_dir: Path | None, need_counts: bool
) -> Iterator[tuple[City, str | Path, list[list[dict[str, int]]] | None]]:
    """(city, shard script, term counts) in reading order: from the cache when the city's inputs are
    unchanged, else built in parallel. Cached counts are read only when the term index must be
    rebuilt, one city at a time as the caller merges them. With a cache, the script is the path of its
    cache file, not its text: at 3,000 cities the shards are 1.4 GB, too much to hold until MkDocs writes them."""
    cities = book.ordered_cities()
    keys = {slug: key for slug, (_, key) in city_jobs.items()}
    jobs = {}
    for city in cities:
        hit = cache_dir / f"{keys[city.id]}.js" if cache_dir else None
        # each file checked against its record: a damaged one is reported, removed and made again
        if not (hit and all([cache_file_ok(hit), cache_file_ok(hit.with_suffix(".counts.json"))])):
            jobs[city.id] = city_jobs[city.id][0]
    # In forked workers from five cities on (they inherit the loaded jieba dictionary). `allowed`: as
    # before the pool was shared, also under `mkdocs serve`. A build whose shards are all cached never
    # loads the dictionary.
    if jobs:
        use_terms(next(iter(jobs.values()))[3])
    built = parallel.map_forked(_shard_script, jobs.values(), allowed=True, min_items=5, chunksize=4)
    try:
        for city in cities:
            if city.id in jobs:
                script, counts_json = next(built)
                if cache_dir:
                    write_cache_file(cache_dir / f"{keys[city.id]}.counts.json", counts_json)
                    write_cache_file(cache_dir / f"{keys[city.id]}.js", script)  # last: a hit needs both files
                yield (
                    city,
                    cache_dir / f"{keys[city.id]}.js" if cache_dir else script,
                    (json.loads(counts_json) if need_counts else None),
                )
            else:
                hit = cache_dir / f"{keys[city.id]}.js"  # type: ignore[operator]
                counts = None
                if need_counts:
                    counts = json.loads(hit.with_suffix(".counts.json").read_text(encoding="utf-8"))
                yield city, hit, counts
    finally:
        built.close()  # stops the workers now (on an error, or a caller that stopped early)


def search_files(book: Rulebook, root: Path, cache_dir: Path | None = None) -> dict[str, str | Path]:
    """Every file of 条文检索: lookup/meta.js, one lunr shard script per city (not in a large corpus:
    shards_wanted), and the term index.
    A value is the file's text, or (with `cache_dir`) the path of the cache file holding it.

    With `cache_dir`, a city's shard is rebuilt only when its text, tags, the dictionary or this
    module change (incremental builds and `mkdocs serve`); the term index is made again only when any
    city's changed: after an edit of a few cities only the files holding their terms and articles
    (_updated_terms), else merged whole from the cities' cached term counts."""
    terms = search_terms(book, root)
    city_jobs = _city_jobs(book, terms)  # jieba learns the terms only if a shard is built (_city_builds)
    keys = {slug: key for slug, (_, key) in city_jobs.items()}
    # The term index depends on exactly the cities' inputs, in reading order: key it on their keys.
    key = hashlib.sha256("".join(keys.values()).encode()).hexdigest()
    term_dir = cache_dir / f"terms-{key}" if cache_dir else None
    term_files: dict[str, str] | dict[str, Path] | None = read_stored(term_dir) if term_dir else None
    files: dict[str, str | Path] = {}
    shards = []
    shard = shards_wanted(book)
    # Without a cache the counts come with the builds; with one they are read from it when needed.
    gathered: list[tuple[City, list[list[dict[str, int]]]]] = []
    builds = _city_builds(book, city_jobs, cache_dir, need_counts=term_files is None and cache_dir is None)
    try:  # close the generator on error at once, so its worker pool stops now
        for city, text, counts in builds:
            if shard:
                files[f"lookup/shards/{city.id}.js"] = text
            if counts is not None:
                gathered.append((city, counts))
            shards.append(
                {
                    "city": city.id,
                    "name": city.name,
                    "province": city.province,
                    "complete": city.complete,
                }
            )
    finally:
        builds.close()
    meta = {
        "version": 1,
        "shards": shard,
        "cities": shards,
        "topics": [{"id": t.id, "label": t.label} for t in book.topics()],
        "direct": direct_hits(book, curated=not scale.large(len(book.cities))),
    }
    files["lookup/meta.js"] = _js_call("rbLookupMeta", meta)
    if term_files is None and term_dir is not None and cache_dir is not None:
        term_files = _cached_term_files(book, keys, cache_dir, term_dir)
    elif term_files is None:
        builder = TermIndexBuilder(book)
        for city, counts in gathered:
            builder.add(city, counts)
        term_files = builder.files()
    files.update(term_files)
    return files


def _cached_term_files(book: Rulebook, keys: dict[str, str], cache_dir: Path, term_dir: Path) -> dict[str, Path]:
    """The term index written to `term_dir` (each file as it is made: at 3,000 cities it is ~1 GB), from
    the previous one where only a few cities changed (_updated_terms), else merged from every city's
    cached counts; its state kept for the next build."""
    update = _updated_terms(book, keys, cache_dir)
    if update is not None:
        items, state = update
        stored = store_files(term_dir, items, "terms-*")
    else:
        builder = TermIndexBuilder(book)
        for city in book.ordered_cities():
            counts = _read_counts(cache_dir, keys[city.id])
            if counts is None:
                raise RuntimeError(f"{cache_dir}: the term counts of {city.id} are missing")
            builder.add(city, counts)
        stored = store_files(term_dir, builder.iter_files(), "terms-*")
        state = _term_state(builder, term_dir.name, [keys[c] for c in builder.cities], list(stored))
    state["folder"] = term_dir.name
    write_cache_file(cache_dir / TERM_STATE, json.dumps(state, ensure_ascii=False))
    return stored


def _hit(kind: str, label: str, path: str, sub: str = "", hash: str = "", keys: str = "") -> dict[str, str]:
    return {"kind": kind, "label": label, "sub": sub, "path": path, "hash": hash, "keys": keys or label}


def direct_hits(book: Rulebook, curated: bool = True) -> list[dict[str, object]]:
    """Pages a query can name outright, for the header box's first rows: topics, comparison
    attributes and chain pages (the cities, one per entry of meta.js's `cities`, are added by the
    browser: listing them twice grew the entry file by a line per city). `path` is site-relative
    without its suffix (the page adds / or .html); `keys` are the words that find it (its label and,
    for attributes, also its description). With `curated` (not in a large corpus, where they would grow
    meta.js by a line per city and attribute), attributes carry their answers (attribute_answers)."""
    out: list[dict[str, str]] = []
    for t in book.topics():
        out.append(_hit("比较", t.label, f"compare/{t.id}"))
        facts = book.facts.get(t.id)
        for a in facts.attributes if facts else []:
            keys = a.label + "\n" + a.description
            hit = _hit("比较项", a.label, f"compare/{t.id}", sub=t.label, hash=f"rb-attr-{a.id}", keys=keys)
            if curated:
                hit.update(attribute_answers(book, a))
            out.append(hit)
    out += [_hit("流程", label, f"chains/{kind}") for kind, label in CHAIN_LABELS.items()]
    return out


def attribute_answers(book: Rulebook, attr: Attribute) -> dict[str, object]:
    """What search needs to answer from a comparison attribute (search-engine.js `curated`): `cites`, its
    cited articles as [ref 'city/n', quote] in the cities' reading order (a cell's quotes in order, each
    article once), and `said`, the cells' values and quotes (words the query may use for the attribute)."""
    cites: list[list[str]] = []
    said: list[str] = []
    for city in book.ordered_cities():
        cell = attr.cells.get(city.id)
        if cell is None or cell.status is not CellStatus.value:
            continue
        said += [cell.value or ""]
        for q in cell.quotes():
            said.append(q.quote)
            ref = f"{city.id}/{q.article}"
            if all(c[0] != ref for c in cites):
                cites.append([ref, q.quote])
    return {"cites": cites, "said": "\n".join(x for x in said if x)}


# --- a term-partitioned index for searching many cities at once -------------------------------
# Per-city lunr shards are ideal when a city is chosen; an unfiltered search over hundreds of cities
# would have to load every shard. This index splits postings by term into hash buckets instead, so
# a query loads only the buckets of its own terms, then the documents of its top hits.


DOC_CHUNK = 8  # articles per document-store file of the term index


def fnv1a(term: str) -> int:
    """32-bit FNV-1a over UTF-16 code units (lookup.js computes the same)."""
    h = 0x811C9DC5
    data = term.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def term_index_files(book: Rulebook) -> dict[str, str]:
    """lookup/terms/meta.js, the bucket scripts, and the document store in small chunks (lookup/docs/)."""
    builder = TermIndexBuilder(book)
    labels = _labels(book)
    for city in book.ordered_cities():
        articles = _articles(city, _tags_of(book, city.id))
        builder.add(city, [_term_counts(_analyse(city, chapter, a, topics, labels)) for chapter, a, topics in articles])
    return builder.files()


# A term in more documents than this keeps only its heaviest postings in its bucket (what the header
# box ranks its top rows with); the rest, in doc order, is the term's tail file, loaded by 条文检索 for
# the complete list. Below ~60 cities no term is that common, so small corpora rank exactly as before;
# at 3,000 cities 政府 alone would otherwise be 180k postings in one bucket.
TOP_POSTINGS = 4000
WEIGHT_SCALE = 10  # a posting's BM25 term weight tf*(k1+1)/(tf+k1*(1-b+b*dl/avg)), times this, rounded


def doc_runs(ordinals: list[int]) -> int | list[int]:
    """A city's article ordinals as the term index stores them: k when they are 1..k (nearly always),
    else the list itself. The browser expands them to doc number -> (city, n)."""
    return len(ordinals) if ordinals == list(range(1, len(ordinals) + 1)) else ordinals


def term_weight(tf: int, dl: int, avg: float) -> int:
    """BM25's saturated, length-normalised term frequency (lunr's k1, b), quantised to 1..22.

    Stored in each posting instead of tf, so the browser needs no per-document lengths: those were
    two numbers per article in the index's entry file, which then grew with the corpus."""
    return weight(tf, length_norm(dl, avg))


def snapped(avg: float) -> float:
    """The average document length BM25 normalises with: the corpus' mean on a grid of 1/16-octave steps
    (~4.4 %), so editing one city (which moves the mean by far less) changes the weights of no other
    city's postings, and the term index is rebuilt only in the buckets holding its terms. Deterministic:
    a full build and an incremental one compute the same value from the same data."""
    return 2.0 ** (round(math.log2(avg) * 16) / 16) if avg > 0 else 0.0


def length_norm(dl: int, avg: float) -> float:
    """term_weight's per-document part: BM25's k1 * (1 - b + b * dl / avg)."""
    return _K1 * (1 - _B + _B * dl / avg) if avg else _K1


def weight(tf: int, norm: float) -> int:
    """term_weight from a document's length_norm (computed once per document, not per posting)."""
    return max(1, round(WEIGHT_SCALE * tf * (_K1 + 1) / (tf + norm)))


def _deltas(postings: list[tuple[int, int]]) -> list[int]:
    """(doc, weight) pairs in doc order as a flat list with doc numbers delta-encoded."""
    flat, last = [], 0
    for d, w in postings:
        flat += [d - last, w]
        last = d
    return flat


class TermIndexBuilder:
    """Postings split by term into hash buckets, and the document store.

    What the first query must load (lookup/terms/meta.js) stays small as the corpus grows: the
    documents are each city's run of article ordinals, the BM25 length normalisation is folded into
    the postings' weights, and the topic filter's document lists are files of their own, loaded
    only when a topic is chosen. A query fetches only its shown hits' documents; per-request cost,
    not bytes, dominates in the browser, so document chunks hold DOC_CHUNK consecutive articles
    (a few kB) rather than a city. Cities are added one at a time, in reading order, with their
    articles' term counts."""

    def __init__(self, book: Rulebook) -> None:
        self.book = book
        self.topic_ids = book.topic_ids()
        # per field ("b" bigrams, "w" words): term -> [doc, tf, doc, tf, ...]; `postings` joins them
        self._by_field: dict[str, defaultdict[str, list[int]]] = {"b": defaultdict(list), "w": defaultdict(list)}
        self.n_docs = 0
        self.dl: dict[str, list[int]] = {"b": [], "w": []}
        self.by_topic: list[list[int]] = [[] for _ in self.topic_ids]
        self.runs: list[int | list[int]] = []
        self.store: list[dict[str, object]] = []
        self.cities: list[str] = []
        # per city [its articles, the sum of their lengths in bigrams, in words]: the update's state
        self.city_sizes: list[list[int]] = []
        # set by iter_files: the bucket count, the terms with a tail file (in number order), the postings
        self.buckets = 0
        self.tails: list[str] = []
        self.n_postings = 0
        self.avg: dict[str, float] = {}

    def add(self, city: City, counts: list[list[dict[str, int]]]) -> None:
        self.cities.append(city.id)
        articles = list(_articles(city, _tags_of(self.book, city.id)))
        if len(counts) != len(articles):
            raise ValueError(f"{city.id}: {len(counts)} term counts for {len(articles)} articles")
        for (chapter, a, topics), (b, w) in zip(articles, counts, strict=True):
            d = self.n_docs
            self.n_docs += 1
            for field, tf_of in (("b", b), ("w", w)):
                postings = self._by_field[field]  # keyed without the field's prefix: no string built per posting
                for term, tf in tf_of.items():
                    plist = postings[term]
                    plist.append(d)
                    plist.append(tf)
            self.dl["b"].append(sum(b.values()))
            self.dl["w"].append(sum(w.values()))
            for t in topics:
                if t in self.topic_ids:
                    self.by_topic[self.topic_ids.index(t)].append(d)
            self.store.append(_stored(city, chapter, a, topics))
        self.runs.append(doc_runs([a.n for _, a, _ in articles]))
        self.city_sizes.append(
            [len(counts), sum(sum(b.values()) for b, _ in counts), sum(sum(w.values()) for _, w in counts)]
        )

    @property
    def postings(self) -> dict[str, list[int]]:
        """Term (prefixed with its field: "b" or "w") -> [doc, tf, doc, tf, ...]."""
        return {f + term: plist for f, terms in self._by_field.items() for term, plist in terms.items()}

    def files(self) -> dict[str, str]:
        return dict(self.iter_files())

    def iter_files(self) -> Iterator[tuple[str, str]]:
        """Each file of the index, made when asked for (a caller can write it before the next)."""
        store = self.store
        for k in range(0, len(store), DOC_CHUNK):
            yield f"lookup/docs/{k // DOC_CHUNK}.js", _js_call("rbLookupDocs", k // DOC_CHUNK, store[k : k + DOC_CHUNK])
        all_postings = self.postings
        n_postings = sum(min(len(p) // 2, TOP_POSTINGS) for p in all_postings.values())
        buckets = bucket_count(n_postings)
        avg = {f: snapped(sum(x) / len(x)) if x else 0.0 for f, x in self.dl.items()}
        norms = {f: [length_norm(dl, avg[f]) for dl in x] for f, x in self.dl.items()}  # once per document
        parts: list[dict[str, list[int]]] = [{} for _ in range(buckets)]
        tails: list[str] = []
        for term in sorted(all_postings):
            plist, norm = all_postings[term], norms[term[0]]
            docs, tfs = plist[0::2], plist[1::2]
            weighted = [(d, weight(tf, norm[d])) for d, tf in zip(docs, tfs, strict=True)]
            entry, tail = _posting_entry(weighted, len(tails))
            if tail is not None:
                yield f"lookup/terms/tail-{len(tails)}.js", tail
                tails.append(term)
            parts[fnv1a(term) % buckets][term] = entry
        self.buckets, self.tails, self.n_postings, self.avg = buckets, tails, n_postings, avg
        for k, part in enumerate(parts):
            yield f"lookup/terms/{k}.js", _js_call("rbTermsBucket", k, part)
        for k, docs in enumerate(self.by_topic):
            yield f"lookup/terms/topic-{k}.js", _topic_file(k, docs)
        vocab = sorted({t[1:] for t in all_postings if _in_vocab(t)})
        yield "lookup/terms/meta.js", _terms_meta(buckets, self.n_docs, self.runs, self.topic_ids, vocab)


def _city_size(counts: list[list[dict[str, int]]]) -> list[int]:
    """[articles, their summed lengths in bigrams, in words]: what a city adds to the average lengths."""
    return [len(counts), sum(sum(b.values()) for b, _ in counts), sum(sum(w.values()) for _, w in counts)]


def _topic_file(k: int, docs: list[int]) -> str:
    return _js_call("rbTermsTopic", k, [d - p for d, p in zip(docs, [0, *docs[:-1]], strict=True)])


def bucket_count(n_postings: int) -> int:
    """How many hash buckets the term index has: ~6k postings a bucket, a power of two (at least 8)."""
    return 1 << max(3, math.ceil(math.log2(max(1, n_postings / 6000))))


def _in_vocab(term: str) -> bool:
    """Whether a term (with its field prefix) is in meta.js's vocabulary: a Chinese word of 2+ characters."""
    return term[0] == "w" and len(term) > 2 and HAN.fullmatch(term[1:]) is not None


def _terms_meta(buckets: int, n_docs: int, runs: list[int | list[int]], topic_ids: list[str], vocab: list[str]) -> str:
    meta = {
        "version": 2,
        "buckets": buckets,
        "doc_chunk": DOC_CHUNK,
        "weight_scale": WEIGHT_SCALE,
        "n_docs": n_docs,
        "runs": runs,  # per city, in lookup/meta.js's order
        "topic_ids": topic_ids,
        "vocab": vocab,
    }
    return _js_call("rbTermsMeta", meta)


def _posting_entry(weighted: list[tuple[int, int]], tail_number: int) -> tuple[list[int], str | None]:
    """A term's (doc, weight) postings in doc order as its bucket holds them, and its tail file (None
    when it has none): above TOP_POSTINGS the heaviest postings stay in the bucket, the rest is the tail."""
    if len(weighted) <= TOP_POSTINGS:
        return _deltas(weighted), None
    by_weight = sorted(weighted, key=lambda p: (-p[1], p[0]))
    head, tail = sorted(by_weight[:TOP_POSTINGS]), sorted(by_weight[TOP_POSTINGS:])
    # [-df, tail number]: the bucket holds only a part
    entry = [-len(weighted), tail_number, *_deltas(head)]
    return entry, _js_call("rbTermsTail", tail_number, _deltas(tail))


# --- the term index after an edit: only the files holding the edited cities' terms are made again ---
# Each posting's weight depends on its own article and the snapped average length only, and a city's
# articles keep their doc numbers while the cities and their article counts stay as they were. So
# after a few cities' texts change, the term index is the previous one with those cities' postings
# taken out of, and their new ones put into, the buckets (and tail files) of their old and new terms,
# and their articles' document chunks made again; every other file is the previous build's, unchanged.
# Anything else (a city added, removed or moved, an article count changed, the snapped average, the
# bucket count or the set of terms with a tail file changed, a missing cache file) merges it whole.

TERM_STATE = "term-index-state.json"  # in the lookup cache folder: what the term index there was made from
UPDATE_SHARE = 8  # at most one city in this many changed: merged from the previous index, else whole


def _js_args(text: str, function: str) -> list[Any]:
    """The arguments of a js_call() script: the term index's files read back."""
    prefix = function + "("
    if not (text.startswith(prefix) and text.endswith(");\n")):
        raise ValueError(f"not a {function}() script")
    body, decoder, out, i = text[len(prefix) : -3], json.JSONDecoder(), [], 0
    while i < len(body):
        value, i = decoder.raw_decode(body, i)
        out.append(value)
        if i < len(body):
            if body[i] != ",":
                raise ValueError(f"not a {function}() script")
            i += 1
    return out


def _pairs(flat: list[int]) -> list[tuple[int, int]]:
    """_deltas() undone: [(doc, weight), ...]."""
    out, d = [], 0
    for i in range(0, len(flat), 2):
        d += flat[i]
        out.append((d, flat[i + 1]))
    return out


def _term_state(builder: TermIndexBuilder, folder: str, keys: list[str], made: list[str]) -> dict[str, Any]:
    return {
        "code": _CODE_VERSION,
        "folder": folder,
        "topic_ids": builder.topic_ids,
        "buckets": builder.buckets,
        "n_postings": builder.n_postings,
        "avg": builder.avg,
        "tails": builder.tails,
        "cities": [[c, k, *size] for c, k, size in zip(builder.cities, keys, builder.city_sizes, strict=True)],
        "made": made,  # the files this build made (the rest were the previous build's): tests read it
    }


def _read_counts(cache_dir: Path, key: str) -> list[list[dict[str, int]]] | None:
    kept = read_cache_file(cache_dir / f"{key}.counts.json")  # None: absent or damaged (reported, removed)
    return json.loads(kept) if kept is not None else None


def _city_postings(
    counts: list[list[dict[str, int]]], base: int, avg: dict[str, float]
) -> dict[str, list[tuple[int, int]]]:
    """One city's (doc, weight) postings per term (with its field prefix), its first article being doc `base`."""
    out: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
    for j, (b, w) in enumerate(counts):
        for f, tf_of in (("b", b), ("w", w)):
            norm = length_norm(sum(tf_of.values()), avg[f])
            for term, tf in tf_of.items():
                out[f + term].append((base + j, weight(tf, norm)))
    return out


def _updated_terms(
    book: Rulebook, keys: dict[str, str], cache_dir: Path
) -> tuple[Iterator[tuple[str, str | Path]], dict[str, Any]] | None:
    """The term index's files after a few cities changed, from the previous build's (see above): (the
    files in the order a whole merge makes them, a kept file given as its path; the new state), or None
    when the index must be merged whole."""
    kept = read_cache_file(cache_dir / TERM_STATE)
    try:
        state = json.loads(kept) if kept is not None else None
        if not state or state["code"] != _CODE_VERSION or state["topic_ids"] != book.topic_ids():
            return None
        old_cities = state["cities"]
        cities = book.ordered_cities()
        if [c[0] for c in old_cities] != [c.id for c in cities]:
            return None
        changed = [i for i, c in enumerate(cities) if keys[c.id] != old_cities[i][1]]
        if not changed or len(changed) > max(1, len(cities) // UPDATE_SHARE):
            return None
        old_files = read_stored(cache_dir / state["folder"])
        if old_files is None:
            return None
        return _update(book, state, keys, cache_dir, changed, old_files)
    except (OSError, ValueError, KeyError, TypeError, IndexError):  # an older or damaged state: merge whole
        return None


def _update(
    book: Rulebook,
    state: dict[str, Any],
    keys: dict[str, str],
    cache_dir: Path,
    changed: list[int],
    old_files: dict[str, Path],
) -> tuple[Iterator[tuple[str, str | Path]], dict[str, Any]] | None:
    cities = book.ordered_cities()
    sizes = [list(c[2:5]) for c in state["cities"]]
    bases = [0]
    for n, _, _ in sizes:
        bases.append(bases[-1] + n)
    old_counts, new_counts = {}, {}
    for i in changed:
        old_counts[i] = _read_counts(cache_dir, state["cities"][i][1])
        new_counts[i] = _read_counts(cache_dir, keys[cities[i].id])
        if old_counts[i] is None or new_counts[i] is None or len(new_counts[i]) != sizes[i][0]:
            return None  # a count file is gone, or the city's article count changed (later doc numbers move)
        sizes[i] = _city_size(new_counts[i])
    n_docs = bases[-1]
    avg = {f: snapped(sum(size[col] for size in sizes) / n_docs) if n_docs else 0.0 for f, col in (("b", 1), ("w", 2))}
    if avg != state["avg"]:
        return None  # the snapped average moved: every weight may change
    buckets, tails = state["buckets"], state["tails"]
    tail_of = {t: k for k, t in enumerate(tails)}
    # The changed cities' new postings, and the terms whose postings in them changed: only those terms'
    # buckets are made again (an edited article's words, not all the city's).
    fresh: dict[str, list[tuple[int, int]]] = {}
    touched: set[str] = set()
    for i in changed:
        before, after = _city_postings(old_counts[i], bases[i], avg), _city_postings(new_counts[i], bases[i], avg)
        touched.update(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
        for term, postings in after.items():
            fresh.setdefault(term, []).extend(postings)
    spans = [(bases[i], bases[i + 1]) for i in changed]

    def moved(d: int) -> bool:
        return any(lo <= d < hi for lo, hi in spans)

    by_bucket: defaultdict[int, list[str]] = defaultdict(list)
    for term in touched:
        by_bucket[fnv1a(term) % buckets].append(term)
    n_postings = state["n_postings"]
    new_parts: dict[int, dict[str, list[int]]] = {}
    new_tails: dict[int, str] = {}
    vocab_gone: set[str] = set()
    vocab_new: set[str] = set()
    for k in sorted(by_bucket):
        part = _js_args(old_files[f"lookup/terms/{k}.js"].read_text(encoding="utf-8"), "rbTermsBucket")[1]
        for term in by_bucket[k]:
            entry = part.pop(term, None)
            old: list[tuple[int, int]] = []
            if entry is not None and entry and entry[0] < 0:
                tail = _js_args(
                    old_files[f"lookup/terms/tail-{entry[1]}.js"].read_text(encoding="utf-8"), "rbTermsTail"
                )
                old = sorted(_pairs(entry[2:]) + _pairs(tail[1]))
            elif entry is not None:
                old = _pairs(entry)
            new = sorted([p for p in old if not moved(p[0])] + fresh.get(term, []))
            if (len(old) > TOP_POSTINGS) != (len(new) > TOP_POSTINGS):
                return None  # a tail file comes or goes: the tail numbers of other terms move
            n_postings += min(len(new), TOP_POSTINGS) - min(len(old), TOP_POSTINGS)
            if _in_vocab(term):
                (vocab_new if new else vocab_gone).add(term[1:])
            if new:
                part[term], tail_text = _posting_entry(new, tail_of.get(term, -1))
                if tail_text is not None:
                    new_tails[tail_of[term]] = tail_text
        new_parts[k] = {t: part[t] for t in sorted(part)}
    if bucket_count(n_postings) != buckets:
        return None  # the bucket count changes: every term moves
    # The document store's chunks holding the changed cities' articles, the topics' lists and meta.js:
    # made from the book (no tokenising).
    entries = [(c, chapter, a, topics) for c in cities for chapter, a, topics in _articles(c, _tags_of(book, c.id))]
    if len(entries) != n_docs:
        return None
    chunks = sorted({d // DOC_CHUNK for lo, hi in spans for d in range(lo, hi)})
    topic_ids = book.topic_ids()
    by_topic: list[list[int]] = [[] for _ in topic_ids]
    for d, (_, _, _, topics) in enumerate(entries):
        for t in topics:
            if t in topic_ids:
                by_topic[topic_ids.index(t)].append(d)
    runs = [doc_runs([a.n for _, a, _ in _articles(c, {})]) for c in cities]
    meta_path = old_files["lookup/terms/meta.js"]
    vocab = _js_args(meta_path.read_text(encoding="utf-8"), "rbTermsMeta")[0]["vocab"]
    vocab = sorted((set(vocab) - vocab_gone) | vocab_new)
    # the files made again (the document chunks are added as they are found changed)
    made = [f"lookup/terms/tail-{k}.js" for k in sorted(new_tails)] + [f"lookup/terms/{k}.js" for k in new_parts]

    def files() -> Iterator[tuple[str, str | Path]]:
        for k in range(0, n_docs, DOC_CHUNK):
            name = f"lookup/docs/{k // DOC_CHUNK}.js"
            text = None
            if k // DOC_CHUNK in chunks:  # the changed cities' articles: made, kept where they are the same
                store = [_stored(c, chapter, a, topics) for c, chapter, a, topics in entries[k : k + DOC_CHUNK]]
                text = _js_call("rbLookupDocs", k // DOC_CHUNK, store)
                if text.encode() == old_files[name].read_bytes():
                    text = None
            if text is None:
                yield name, old_files[name]
            else:
                made.append(name)
                yield name, text
        for k in range(len(tails)):
            name = f"lookup/terms/tail-{k}.js"
            yield name, new_tails[k] if k in new_tails else old_files[name]
        for k in range(buckets):
            name = f"lookup/terms/{k}.js"
            yield name, _js_call("rbTermsBucket", k, new_parts[k]) if k in new_parts else old_files[name]
        for k, docs in enumerate(by_topic):
            yield f"lookup/terms/topic-{k}.js", _topic_file(k, docs)
        yield "lookup/terms/meta.js", _terms_meta(buckets, n_docs, runs, topic_ids, vocab)

    new_state = {
        **state,
        "n_postings": n_postings,
        "cities": [[c.id, keys[c.id], *size] for c, size in zip(cities, sizes, strict=True)],
        "made": made,
    }
    return files(), new_state
