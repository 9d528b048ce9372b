"""Article-level search: the rulebook's own jieba dictionary, and prebuilt lunr indexes sharded per city.

The browser (docs/assets/lookup.js) loads meta.json, then only the shards it needs. Chinese text is
indexed twice: jieba words (with our dictionary) and character bigrams, so a query can be tokenised
in the browser without a dictionary and a query that starts mid-word still matches.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import jieba
from lunr.builder import Builder

from . import yamlio
from .data import Rulebook
from .models import Article, City
from .render import article_number
from .site import ordered_cities

HAN = re.compile(r"[\u3400-\u9fff]+")
ASCII = re.compile(r"[0-9A-Za-z]+")
WORD_FIELDS = {"title": 10, "words": 2, "bigrams": 1, "topics": 3}
jieba.setLogLevel(60)  # quiet: the build log is for our messages


def search_terms(book: Rulebook, root: Path) -> list[str]:
    """The rulebook's vocabulary for segmentation: curated terms + topic, attribute and chain labels."""
    terms: set[str] = set()
    path = root / "rules_data" / "search_terms.yaml"
    if path.exists():
        for group in yamlio.load(path.read_text(encoding="utf-8"))["terms"].values():
            terms.update(group)
    for t in book.taxonomy.topics if book.taxonomy else []:
        terms.update(x for x in re.split(r"[与、和及]", t.label) if len(x) >= 2)
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
    """Teach the process-wide jieba our terms (the Material search plugin uses the same instance)."""
    _load_terms(tuple(terms))


def bigrams(text: str) -> list[str]:
    out = []
    for run in HAN.findall(text):
        out += [run[i : i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]
    return out + [m.lower() for m in ASCII.findall(text)]


def words(text: str) -> list[str]:
    """jieba words (search mode: long words and their parts), plus ASCII words and numbers."""
    out = []
    for run in HAN.findall(text):
        out += [w for w in jieba.cut_for_search(run) if w.strip()]
    return out + [m.lower() for m in ASCII.findall(text)]


def _doc(city: City, chapter: str, a: Article, topics: list[str], topic_labels: dict[str, str]) -> dict[str, object]:
    return {
        "id": f"{city.id}/{a.n}",
        "title": [*words(f"{city.name}{chapter}"), a.label, article_number(a), city.id],
        "words": words(a.text()),
        "bigrams": bigrams(a.text()),
        "topics": topics + [w for t in topics for w in words(topic_labels.get(t, ""))],
    }


def build_index(docs: list[dict[str, object]]) -> dict[str, object]:
    """A lunr index with no English pipeline (no stemmer, no stop words, no trimmer)."""
    b = Builder()
    b.pipeline.reset()
    b.search_pipeline.reset()
    b.ref("id")
    for name, boost in WORD_FIELDS.items():
        b.field(name, boost=boost)
    for d in docs:
        b.add(d)
    return b.build().serialize()


def city_shard(book: Rulebook, city: City) -> tuple[dict[str, object], list[dict[str, object]]]:
    """One city's index and its document store (what results and snippets show)."""
    labels = {t.id: t.label for t in book.taxonomy.topics} if book.taxonomy else {}
    docs, store = [], []
    for ch in city.chapters:
        chapter = " ".join(x for x in (ch.label, ch.title) if x)
        for a in ch.articles:
            topics = book.topics_of(city.id, a.n)
            docs.append(_doc(city, chapter, a, topics, labels))
            store.append(
                {
                    "id": f"{city.id}/{a.n}",
                    "city": city.id,
                    "n": a.n,
                    "label": a.label,
                    "number": article_number(a),
                    "chapter": chapter,
                    "topics": topics,
                    "text": a.text(),
                }
            )
    return build_index(docs), store


def _js_call(function: str, *args: object) -> str:
    """A script that hands data to the page: works over http and from file:// (no fetch needed)."""
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")  # line separators end JS strings
    return function + "(" + body + ");\n"


def search_files(book: Rulebook, root: Path) -> dict[str, str]:
    """Every file of the 条文检索 index: lookup/meta.js and one shard script per city."""
    use_terms(search_terms(book, root))
    files: dict[str, str] = {}
    shards = []
    for city in ordered_cities(book):
        index, store = city_shard(book, city)
        text = _js_call("rbLookupShard", city.id, index, store)
        files[f"lookup/shards/{city.id}.js"] = text
        shards.append(
            {
                "city": city.id,
                "name": city.name,
                "province": city.province,
                "complete": city.complete,
                "articles": len(store),
                "bytes": len(text.encode()),
            }
        )
    meta = {
        "version": 1,
        "cities": shards,
        "topics": [{"id": t.id, "label": t.label} for t in (book.taxonomy.topics if book.taxonomy else [])],
    }
    files["lookup/meta.js"] = _js_call("rbLookupMeta", meta)
    return files
