"""The term-partitioned index's files, checked as data (no browser)."""

from __future__ import annotations

import json

from rulebook import search


def _call(text: str, function: str) -> list:
    assert text.startswith(function + "(") and text.endswith(");\n")
    return json.loads("[" + text[len(function) + 1 : -3] + "]")


def test_document_chunks_hold_every_article_once_in_index_order(book):
    files = search.term_index_files(book)
    meta = _call(files["lookup/terms/meta.js"], "rbTermsMeta")[0]
    size = meta["doc_chunk"]
    chunks = sorted((k for k in files if k.startswith("lookup/docs/")), key=lambda k: int(k.split("/")[-1][:-3]))
    assert len(chunks) == -(-len(meta["docs"]) // size)
    ids = []
    for name in chunks:
        k, docs = _call(files[name], "rbLookupDocs")
        assert name == f"lookup/docs/{k}.js" and 0 < len(docs) <= size
        ids += [d["id"] for d in docs]
    assert ids == [f"{meta['cities'][ci]}/{n}" for ci, n in meta["docs"]]
    assert len(ids) == sum(len(c.articles()) for c in book.cities.values())


def test_search_caches_never_change_the_files(book, tmp_path):
    """Cold, warm, and warm with only the per-city caches (term index re-merged) give the same files."""
    from conftest import ROOT

    uncached = search.search_files(book, ROOT)
    cold = search.search_files(book, ROOT, cache_dir=tmp_path)
    warm = search.search_files(book, ROOT, cache_dir=tmp_path)
    for stale in tmp_path.glob("terms-*.json"):
        stale.unlink()
    merged = search.search_files(book, ROOT, cache_dir=tmp_path)
    assert uncached == cold == warm == merged
    assert len(list(tmp_path.glob("*.counts.json"))) == len(book.cities)
