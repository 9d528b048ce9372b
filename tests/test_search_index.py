"""The term-partitioned index's files, checked as data (no browser)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from rulebook.search import index


def _call(text: str, function: str) -> list:
    assert text.startswith(function + "(") and text.endswith(");\n")
    return json.loads("[" + text[len(function) + 1 : -3] + "]")


def test_document_chunks_hold_every_article_once_in_index_order(book):
    files = index.term_index_files(book)
    meta = _call(files["lookup/terms/meta.js"], "rbTermsMeta")[0]
    size = meta["doc_chunk"]
    chunks = sorted((k for k in files if k.startswith("lookup/docs/")), key=lambda k: int(k.split("/")[-1][:-3]))
    assert len(chunks) == -(-meta["n_docs"] // size)
    ids = []
    for name in chunks:
        k, docs = _call(files[name], "rbLookupDocs")
        assert name == f"lookup/docs/{k}.js" and 0 < len(docs) <= size
        ids += [d["id"] for d in docs]
    # doc numbers run through the cities in reading order, each city's run as its article ordinals
    cities = [c.id for c in book.ordered_cities()]
    runs = [range(1, r + 1) if isinstance(r, int) else r for r in meta["runs"]]
    assert ids == [f"{city}/{n}" for city, run in zip(cities, runs, strict=True) for n in run]
    assert len(ids) == meta["n_docs"] == sum(len(c.articles()) for c in book.cities.values())


def test_search_caches_never_change_the_files(book, tmp_path):
    """Cold, warm, and warm with only the per-city caches (term index re-merged) give the same files."""
    from conftest import ROOT

    uncached = index.search_files(book, ROOT)
    cold = index.search_files(book, ROOT, cache_dir=tmp_path)
    warm = index.search_files(book, ROOT, cache_dir=tmp_path)
    stale = list(tmp_path.glob("terms-*"))
    assert len(stale) == 1 and stale[0].is_dir()  # the merged index, one file per index file
    shutil.rmtree(stale[0])
    merged = index.search_files(book, ROOT, cache_dir=tmp_path)

    def texts(files: dict[str, str | Path]) -> dict[str, str]:
        return {k: v.read_text(encoding="utf-8") if isinstance(v, Path) else v for k, v in files.items()}

    # with a cache, shards and term index files come as their cache files' paths (a big corpus is not
    # held in memory); only meta.js is text
    for files in (cold, warm, merged):
        assert [k for k, v in files.items() if not isinstance(v, Path)] == ["lookup/meta.js"]
    assert not any(isinstance(v, Path) for v in uncached.values())
    assert texts(uncached) == texts(cold) == texts(warm) == texts(merged)
    assert len(list(tmp_path.glob("*.counts.json"))) == len(book.cities)


def test_a_word_counts_only_the_words_it_is_made_of():
    """The word field must not count a word inside a longer one unless it is one of its parts."""
    assert "工作日" not in index.words("合理安排工作日程")  # 工作日程 = 工作 + 日程
    assert "民政" not in index.words("市人民政府")  # 人民政府 = 人民 + 政府
    found = index.words("一般应当在7个工作日内回复")
    assert "工作日" in found and "7" in found
    assert {"会议", "纪要"} <= set(index.words("常务会议纪要"))


def test_direct_hits_name_topics_attributes_and_chains(book):
    hits = index.direct_hits(book)
    by_label = {(h["kind"], h["label"]): h for h in hits}
    freq = by_label[("比较项", "常务会议频率")]
    assert freq["path"] == "compare/meetings" and freq["hash"].startswith("rb-attr-")
    assert by_label[("流程", "发文签发")]["path"] == "chains/outgoing"
    # cities are listed once, in meta.js's `cities`; the browser makes them direct hits
    assert {h["kind"] for h in hits} == {"比较", "比较项", "流程"}


def test_attribute_hits_carry_their_cited_articles_and_words(book):
    quorum = next(h for h in index.direct_hits(book) if h["label"] == "常务会议法定人数")
    # every cited article once, in the cities' reading order, with its quote (the snippet's sentence)
    assert [c[0] for c in quorum["cites"]] == ["ziyang/38", "zhuzhou/44", "jixi/40"]
    assert quorum["cites"][1][1] == "市人民政府常务会议有半数以上常务会议组成人员出席方为有效"
    assert "半数以上组成人员出席方为有效" in quorum["said"]  # a cell's value
    for h in index.direct_hits(book):
        for ref, quote in h.get("cites", []):
            city, n = ref.split("/")
            assert quote in book.city(city).article(int(n)).text()
    # a large corpus leaves them out of meta.js (a line per city and attribute)
    assert all("cites" not in h for h in index.direct_hits(book, curated=False))


def test_shards_are_the_index_lunr_itself_builds(book):
    """build_index() writes the serialized lunr index directly; it must equal lunr's Builder's, byte for byte."""
    from conftest import ROOT

    index.use_terms(index.search_terms(book, ROOT))
    labels = index._labels(book)
    for city in book.cities.values():
        docs = [
            index._doc(city, a, topics, index._analyse(city, chapter, a, topics, labels))
            for chapter, a, topics in index._articles(city, index._tags_of(book, city.id))
        ]
        ours, lunrs = index.build_index(docs), index.lunr_index(docs)
        assert json.dumps(ours, ensure_ascii=False) == json.dumps(lunrs, ensure_ascii=False), city.id
    empty_field = [{"id": "x/1", "title": ["a"], "words": [], "bigrams": ["b"], "topics": []}]
    assert index.build_index(empty_field) == index.lunr_index(empty_field)


def test_doc_runs_keep_ordinals_that_are_not_one_to_k():
    assert index.doc_runs([1, 2, 3]) == 3
    assert index.doc_runs([]) == 0
    assert index.doc_runs([1, 3, 4]) == [1, 3, 4]


def test_postings_carry_bm25_weights_and_topics_have_their_own_files(book):
    """The entry file holds no per-document numbers: lengths are folded into the postings' weights
    (long articles weigh a term less), and each topic's documents are a file loaded with the filter."""
    files = index.term_index_files(book)
    meta = _call(files["lookup/terms/meta.js"], "rbTermsMeta")[0]
    assert set(meta) == {"version", "buckets", "doc_chunk", "weight_scale", "n_docs", "runs", "topic_ids", "vocab"}
    refs = [f"{c.id}/{a.n}" for c in book.ordered_cities() for a in c.articles()]
    topics = {ref: book.topics_of(*ref.split("/")[:1], int(ref.split("/")[1])) for ref in refs}
    for k, topic in enumerate(meta["topic_ids"]):
        got_k, deltas = _call(files[f"lookup/terms/topic-{k}.js"], "rbTermsTopic")
        docs, d = [], 0
        for x in deltas:
            d += x
            docs.append(refs[d])
        assert got_k == k and docs == [r for r in refs if topic in topics[r]], topic
    term = "w会议"
    flat = _call(files[f"lookup/terms/{index.fnv1a(term) % meta['buckets']}.js"], "rbTermsBucket")[1][term]
    weights = flat[1::2]
    assert len(weights) > 20 and all(1 <= w <= 22 for w in weights) and len(set(weights)) > 3
    assert index.term_weight(1, 10, 100.0) > index.term_weight(1, 100, 100.0) > index.term_weight(1, 1000, 100.0)
    assert index.term_weight(3, 100, 100.0) > index.term_weight(1, 100, 100.0)


def _flat_pairs(flat: list[int]) -> list[tuple[int, int]]:
    out, d = [], 0
    for i in range(0, len(flat), 2):
        d += flat[i]
        out.append((d, flat[i + 1]))
    return out


def test_very_common_terms_keep_their_heaviest_postings_in_the_bucket(book, monkeypatch):
    """Above the cap, a bucket holds a term's heaviest postings and its tail file the rest: together
    exactly the uncapped list. No term of the real corpus reaches the real cap."""
    full = index.term_index_files(book)
    assert not any("/tail-" in k for k in full)
    monkeypatch.setattr(index, "TOP_POSTINGS", 20)
    capped = index.term_index_files(book)
    assert {k for k in capped if "/tail-" not in k} == set(full)
    meta = _call(full["lookup/terms/meta.js"], "rbTermsMeta")[0]
    buckets = meta["buckets"]
    assert _call(capped["lookup/terms/meta.js"], "rbTermsMeta")[0] == meta
    tails = 0
    for k in range(buckets):
        whole = _call(full[f"lookup/terms/{k}.js"], "rbTermsBucket")[1]
        part = _call(capped[f"lookup/terms/{k}.js"], "rbTermsBucket")[1]
        assert set(part) == set(whole)
        for term, flat in part.items():
            if flat[0] >= 0:
                assert flat == whole[term] and len(flat) <= 40
                continue
            tails += 1
            df, tail_no, head = -flat[0], flat[1], _flat_pairs(flat[2:])
            got_no, tail = _call(capped[f"lookup/terms/tail-{tail_no}.js"], "rbTermsTail")
            everything = _flat_pairs(whole[term])
            assert got_no == tail_no and len(head) == 20 and df == len(everything)
            assert sorted(head + _flat_pairs(tail)) == everything
            assert min(w for _, w in head) >= max(w for _, w in _flat_pairs(tail))
    assert tails > 100


def _edited(book, slug: str, n: int, extra: str):
    """A copy of the book with `extra` appended to the text of article n of city `slug`."""
    import copy

    edited = copy.deepcopy(book)
    article = next(a for a in edited.cities[slug].articles() if a.n == n)
    article.paragraphs[-1].text += extra
    return edited


def _terms_of(book, slug: str, n: int) -> set[str]:
    """Every term (with its field prefix) of one article, as the term index counts them."""
    labels, city = index._labels(book), book.cities[slug]
    out: set[str] = set()
    for chapter, a, topics in index._articles(city, index._tags_of(book, city.id)):
        if a.n == n:
            b, w = index._term_counts(index._analyse(city, chapter, a, topics, labels))
            out |= {"b" + t for t in b} | {"w" + t for t in w}
    return out


def test_an_edit_of_one_city_remakes_only_its_term_buckets_and_equals_a_whole_merge(book, tmp_path, monkeypatch):
    """After one article's text changes, the term index is the previous one with only the buckets of
    that article's old and new terms (its length changed: all its postings' weights) and the document
    chunk holding it made again, and every file equals, byte for byte, what a whole merge of the edited
    book makes. 256 buckets, as a corpus of ~250 cities has: at five cities' 8, one article's terms
    reach every bucket. With a cap of 20 postings (TOP_POSTINGS, as a large corpus's common terms have)
    common terms have tail files: those of the article's terms are made again."""
    monkeypatch.setattr(index, "bucket_count", lambda n_postings: 256)
    monkeypatch.setattr(index, "TOP_POSTINGS", 20)
    root = Path(__file__).resolve().parent.parent
    cache = tmp_path / "lookup"
    index.search_files(book, root, cache_dir=cache)
    state = json.loads((cache / index.TERM_STATE).read_text(encoding="utf-8"))
    assert len(state["made"]) > 256  # the first index was merged whole
    cities = book.ordered_cities()
    slug = cities[1].id
    edited = _edited(book, slug, 2, "本条经测试修改，会议纪要由办公厅印发。")
    updated = index.search_files(edited, root, cache_dir=cache)
    state = json.loads((cache / index.TERM_STATE).read_text(encoding="utf-8"))
    before, after = _terms_of(book, slug, 2), _terms_of(edited, slug, 2)
    touched = {index.fnv1a(t) % 256 for t in before | after}
    doc = len(list(cities[0].articles())) + [a.n for a in cities[1].articles()].index(2)
    made = set(state["made"])
    assert f"lookup/docs/{doc // index.DOC_CHUNK}.js" in made
    buckets = {int(n.split("/")[-1][:-3]) for n in made if n.startswith("lookup/terms/") and "/tail-" not in n}
    # every bucket made holds a term of the article; those of its new and gone terms are all made (a term
    # whose quantised weight stayed the same despite the longer article leaves its bucket alone)
    assert {index.fnv1a(t) % 256 for t in after ^ before} <= buckets <= touched, (len(buckets), len(touched))
    tails = {name for name in made if "/tail-" in name}
    assert len(made) == len(buckets) + len(tails) + 1 and len(buckets) < 128, made
    assert tails and len(tails) < len([k for k in updated if "/tail-" in k]) / 4, tails
    # the whole merge (term_index_files: no cache, every city tokenised again) makes the same files
    whole = index.term_index_files(edited)
    assert sorted(whole) == sorted(k for k in updated if k.startswith(("lookup/terms/", "lookup/docs/")))
    assert [k for k, v in whole.items() if v.encode() != _bytes(updated[k])] == []


def _bytes(value: str | Path) -> bytes:
    return value.read_bytes() if isinstance(value, Path) else value.encode()
