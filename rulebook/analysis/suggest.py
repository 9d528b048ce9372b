"""Curation assist: what the curated cities teach about a new one, as labelled suggestions (never facts).

- topic tags: the tags of each article's nearest neighbours in the peers, weighted by similarity;
- comparison cells: the article (and its sentence) most like the peers' cited quotes, the number that
  sentence states for quantitative attributes, and a score; or no candidate when nothing is similar
  enough compared with how alike the peers' own cited sentences are.

Tuned leave-one-city-out on the five curated cities (scripts/align_eval.py); tests/test_suggest.py
guards floors a little under the measured figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from rulebook.analysis.align import Corpus, sentences
from rulebook.data.load import Rulebook
from rulebook.model.quantity import quantities
from rulebook.model.schema import Attribute, CellStatus

NEIGHBOURS = 5  # articles that vote on a tag
VOTE_POWER = 3  # close neighbours count much more than far ones
TAG_SHARE = 0.6  # a topic is suggested when its votes reach this share of the best topic's
CHAPTER_WEIGHT = 0.2  # chapter titles (会议制度, 公文审批) say much about an article's topic
ARTICLE_WEIGHT = 0.5  # in a cell, the whole article's likeness to the peers' cited articles
LABEL_WEIGHT = 0.3  # and to the attribute's own label and description
CANDIDATE_RATIO = 0.7  # best sentence must reach this share of how alike the peers' cited sentences are
CANDIDATE_RATIO_QUANTITY = 0.6  # … or this share, when it states a quantity in the attribute's unit
CANDIDATE_PEERS = 0.4  # and this share of the peers that answer must regulate it
LABEL_QUANTITY_MIN = 0.3  # with no peer regulating it, the label must be this alike the stating sentence


@dataclass(frozen=True)
class CellSuggestion:
    """A machine suggestion for one comparison cell: where the answer probably is, not the answer."""

    article: int
    quote: str
    number: float | None
    score: float


class Suggester:
    """Suggestions for cities in `targets` from the curated cities in `peers` of one book."""

    def __init__(self, book: Rulebook, corpus: Corpus | None = None) -> None:
        self.book = book
        self.corpus = corpus or Corpus.of(book)
        self.sims = (self.corpus.matrix @ self.corpus.matrix.T).toarray()
        chapters = [self._chapter_title(s, n) for s, n in self.corpus.keys]
        if any(chapters):
            m = normalize(TfidfVectorizer(analyzer="char", ngram_range=(1, 2)).fit_transform(chapters))
            self.sims = self.sims + CHAPTER_WEIGHT * (m @ m.T).toarray()
        self.index = {k: i for i, k in enumerate(self.corpus.keys)}
        self._sentences: dict[str, list[tuple[int, str]]] = {}
        self._embedded: dict[str, object] = {}
        self._typicals: dict[tuple[str, tuple[str, ...]], float | None] = {}

    def _chapter_title(self, slug: str, n: int) -> str:
        for ch in self.book.cities[slug].chapters:
            if any(a.n == n for a in ch.articles):
                return ch.title or ""
        return ""

    # -- tags ---------------------------------------------------------------------------------------

    def tags(self, slug: str, peers: list[str]) -> dict[str, list[str]]:
        """art_<n> -> suggested topic ids (taxonomy order), from the peers' tags."""
        peer_rows = [i for i, (s, _) in enumerate(self.corpus.keys) if s in peers]
        order = {t: i for i, t in enumerate(self.book.topic_ids())}
        out: dict[str, list[str]] = {}
        for a in self.book.city(slug).articles():
            row = self.sims[self.index[(slug, a.n)], peer_rows]
            votes: Counter[str] = Counter()
            for j in np.argsort(-row)[:NEIGHBOURS]:
                s, n = self.corpus.keys[peer_rows[j]]
                for topic in self.book.topics_of(s, n):
                    votes[topic] += max(float(row[j]), 0.0) ** VOTE_POWER
            if votes:
                top = max(votes.values())
                chosen = [t for t, v in votes.items() if v >= TAG_SHARE * top]
                out[f"art_{a.n}"] = sorted(chosen, key=lambda t: order.get(t, len(order)))
        return out

    # -- comparison cells ---------------------------------------------------------------------------

    def _city_sentences(self, slug: str) -> list[tuple[int, str]]:
        if slug not in self._sentences:
            self._sentences[slug] = [(a.n, s) for a in self.book.city(slug).articles() for s in sentences(a.text())]
        return self._sentences[slug]

    def _sentence_scores(self, slug: str, quotes: list[str]) -> tuple[list[tuple[int, str]], np.ndarray]:
        sents = self._city_sentences(slug)
        if not sents or not quotes:
            return sents, np.zeros(len(sents))
        if slug not in self._embedded:  # each city's sentences are embedded once (jieba is the cost)
            self._embedded[slug] = self.corpus.embed([s for _, s in sents])
        sim = (self._embedded[slug] @ self.corpus.embed(quotes).T).toarray()
        return sents, 0.5 * sim.max(axis=1) + 0.5 * sim.mean(axis=1)

    def rank(self, attr: Attribute, slug: str, peers: list[str]) -> list[tuple[int, str, float]]:
        """The city's articles ranked for one attribute: (article, best sentence, score), best first."""
        cited = [(p, q) for p in peers if (c := attr.cells.get(p)) and c.status == CellStatus.value for q in c.quotes()]
        if not cited:
            return self._rank_by_label(attr, slug)
        sents, sent_score = self._sentence_scores(slug, [q.quote for _, q in cited])
        best: dict[int, tuple[float, str]] = {}
        for (n, s), sc in zip(sents, sent_score, strict=True):
            if sc > best.get(n, (-1.0, ""))[0]:
                best[n] = (float(sc), s)
        peer_rows = [self.index[(p, q.article)] for p, q in cited]
        label = self.corpus.embed([f"{attr.label} {attr.description}"])
        out = []
        for a in self.book.city(slug).articles():
            i = self.index[(slug, a.n)]
            article_score = float(self.sims[i, peer_rows].mean())
            label_score = float((self.corpus.matrix[i] @ label.T).toarray()[0, 0])
            sent, text = best.get(a.n, (0.0, ""))
            out.append((a.n, text, ARTICLE_WEIGHT * article_score + sent + LABEL_WEIGHT * label_score))
        return sorted(out, key=lambda x: -x[2])

    def _rank_by_label(self, attr: Attribute, slug: str) -> list[tuple[int, str, float]]:
        """No peer regulates it: the attribute's label and description are the only query there is."""
        sents, sc = self._sentence_scores(slug, [f"{attr.label} {attr.description}"])
        best: dict[int, tuple[float, str]] = {}
        for (n, text), v in zip(sents, sc, strict=True):
            if v > best.get(n, (-1.0, ""))[0]:
                best[n] = (float(v), text)
        return sorted(((n, t, v) for n, (v, t) in best.items()), key=lambda x: -x[2])

    def _typical(self, attr: Attribute, peers: list[str]) -> float | None:
        """How alike the peers' own cited sentences are: each peer's best sentence against the others' quotes."""
        key = (attr.id, tuple(peers))
        if key not in self._typicals:
            self._typicals[key] = self._typical_uncached(attr, peers)
        return self._typicals[key]

    def _typical_uncached(self, attr: Attribute, peers: list[str]) -> float | None:
        scores = []
        for p in peers:
            others = [
                q.quote
                for o in peers
                if o != p and (c := attr.cells.get(o)) and c.status == CellStatus.value
                for q in c.quotes()
            ]
            cell = attr.cells.get(p)
            if others and cell and cell.status == CellStatus.value:
                _, sc = self._sentence_scores(p, others)
                if sc.size:
                    scores.append(float(sc.max()))
        return float(np.mean(scores)) if scores else None

    def cell(self, attr: Attribute, slug: str, peers: list[str]) -> CellSuggestion | None:
        """A suggestion for one cell, or None: no candidate (most peers do not regulate it, or nothing is alike)."""
        answered = [
            p for p in peers if (c := attr.cells.get(p)) and c.status in (CellStatus.value, CellStatus.not_specified)
        ]
        regulating = [p for p in answered if attr.cells[p].status == CellStatus.value]
        ranking = self.rank(attr, slug, peers)
        if not ranking:
            return None
        stated = self._stated_quantity(attr, slug, ranking[0])
        if stated is not None and (regulating or stated[0] >= LABEL_QUANTITY_MIN):
            # The best article states a quantity in the attribute's unit: a candidate even where few peers
            # regulate it (one of five cities' 学习制度 states a frequency) or none do (the label is the query).
            score, sentence, number = stated
            n = ranking[0][0]
            return CellSuggestion(article=n, quote=_quote(sentence), number=number, score=round(ranking[0][2], 3))
        if not regulating or len(regulating) / len(answered) < CANDIDATE_PEERS:
            return None
        n, sentence, score = ranking[0]
        cited = [q.quote for p in regulating for q in attr.cells[p].quotes()]
        sents, sc = self._sentence_scores(slug, cited)
        typical = self._typical(attr, peers) or 0.0
        number = None
        if attr.unit:
            # For a quantity, the sentence that states one in the attribute's unit, in the best articles.
            top = {a for a, _, _ in ranking[:3]}
            stating = [
                (float(v), a, text)
                for (a, text), v in zip(sents, sc, strict=True)
                if a in top and any(u == attr.unit for _, u in quantities(text))
            ]
            if stating:
                best, n, sentence = max(stating, key=lambda x: (x[0], -x[1]))
                if best >= CANDIDATE_RATIO_QUANTITY * typical:
                    number = next(v for v, u in quantities(sentence) if u == attr.unit)
        if number is None and (float(sc.max()) if sc.size else 0.0) < CANDIDATE_RATIO * typical:
            return None
        quote = _quote(sentence) or self.book.city(slug).article(n).text()[:40]
        return CellSuggestion(article=n, quote=quote, number=number, score=round(score, 3))

    def _stated_quantity(
        self, attr: Attribute, slug: str, best: tuple[int, str, float]
    ) -> tuple[float, str, float] | None:
        """(sentence score, sentence, number) of the best-ranked article's sentence that states a quantity in
        the attribute's unit and is most like the query (peers' quotes or the label), or None."""
        if not attr.unit:
            return None
        n = best[0]
        article = self.book.city(slug).article(n)
        found = [(text, v) for text in sentences(article.text()) for v, u in quantities(text) if u == attr.unit]
        if not found:
            return None
        if best[1] and any(best[1] == t for t, _ in found):
            text, v = next((t, v) for t, v in found if t == best[1])
        else:
            text, v = found[0]
        return best[2], text, v


def _quote(sentence: str) -> str:
    return sentence.strip().rstrip("。；;")


@dataclass
class Scores:
    """Leave-one-city-out agreement of the suggestions with the curated data (one city or all)."""

    tag_tp: int = 0
    tag_fp: int = 0
    tag_fn: int = 0
    cells: int = 0  # 有规定 cells
    at1: int = 0
    at3: int = 0
    covered: int = 0  # 有规定 cells that got a candidate
    unregulated: int = 0  # 未规定 cells
    no_candidate: int = 0
    numeric: int = 0
    numeric_exact: int = 0

    def add(self, other: Scores) -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def summary(self) -> dict[str, float]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else float("nan")

        return {
            "tag_micro_f1": ratio(2 * self.tag_tp, 2 * self.tag_tp + self.tag_fp + self.tag_fn),
            "article_at_1": ratio(self.at1, self.cells),
            "article_at_3": ratio(self.at3, self.cells),
            "candidate_given": ratio(self.covered, self.cells),
            "no_candidate_on_unregulated": ratio(self.no_candidate, self.unregulated),
            "numeric_exact": ratio(self.numeric_exact, self.numeric),
        }


def leave_one_out(book: Rulebook, suggester: Suggester | None = None) -> dict[str, Scores]:
    """Hide each curated city in turn and suggest its tags and cells from the others."""
    s = suggester or Suggester(book)
    curated = [slug for slug, t in book.tags.items() if t.curated and slug in book.cities]
    attrs = [a for facts in book.facts.values() for a in facts.attributes]
    out: dict[str, Scores] = {}
    for slug in curated:
        sc = Scores()
        peers = [p for p in curated if p != slug]
        for key, topics in s.tags(slug, peers).items():
            gold = set(book.tags[slug].tags.get(key, []))
            sc.tag_tp += len(gold & set(topics))
            sc.tag_fp += len(set(topics) - gold)
            sc.tag_fn += len(gold - set(topics))
        for attr in attrs:
            cell = attr.cells.get(slug)
            if cell is None:
                continue
            if cell.status == CellStatus.value:
                gold = {q.article for q in cell.quotes()}
                ranked = [n for n, _, _ in s.rank(attr, slug, peers)]
                sc.cells += 1
                sc.at1 += bool(ranked[:1] and ranked[0] in gold)
                sc.at3 += bool(gold & set(ranked[:3]))
                guess = s.cell(attr, slug, peers)
                sc.covered += guess is not None
                if attr.unit and cell.number is not None:
                    sc.numeric += 1
                    sc.numeric_exact += bool(
                        guess and guess.number is not None and abs(guess.number - cell.number) < 1e-9
                    )
            elif cell.status == CellStatus.not_specified:
                sc.unregulated += 1
                sc.no_candidate += s.cell(attr, slug, peers) is None
        out[slug] = sc
    return out
