"""Per-city digests of what a build's pages and files are made of, each computed once per build.

Several caches key their entries on a city's data and its alignment rows (the downloads' per-city
parts, the per-province pages, the per-city scripts). Each used to serialise every city's data and rows
itself: at 3,000 cities about 200,000 article rows, three times per build. One object per build (on
context.Build) computes each city's two digests on first ask and hands them to all."""

from __future__ import annotations

import hashlib

from rulebook.analysis.matches import Alignment
from rulebook.data.load import Rulebook


class Digests:
    def __init__(self, book: Rulebook, matches: Alignment) -> None:
        self.book = book
        self.matches = matches
        self._data: dict[str, bytes] = {}
        self._rows: dict[str, bytes] = {}

    def data(self, slug: str) -> bytes:
        """The city as loaded (text, metadata, corrections), its topic tags and its charts' data."""
        got = self._data.get(slug)
        if got is None:
            book = self.book
            key = hashlib.sha256(book.cities[slug].model_dump_json().encode())
            key.update(b"\0" + (book.tags[slug].model_dump_json().encode() if slug in book.tags else b"-"))
            key.update(b"\0" + (book.chains[slug].model_dump_json().encode() if slug in book.chains else b"-"))
            got = self._data[slug] = key.digest()
        return got

    def rows(self, slug: str) -> bytes:
        """The city's alignment rows: each article's counterparts (city, number, score, level, clauses) and
        the cities with none and why."""
        got = self._rows.get(slug)
        if got is None:
            matches, none = self.matches, getattr(self.matches, "none", {})
            key = hashlib.sha256()
            for a in self.book.cities[slug].articles():
                rows = [(m.city, m.n, m.score, m.level, m.clauses) for m in matches.get((slug, a.n), [])]
                key.update(repr((a.n, rows, sorted(none.get((slug, a.n), {}).items()))).encode())
            got = self._rows[slug] = key.digest()
        return got

    def peers(self, slug: str) -> list[str]:
        """The other cities the city's rows name, sorted."""
        return sorted({m.city for a in self.book.cities[slug].articles() for m in self.matches.get((slug, a.n), [])})
