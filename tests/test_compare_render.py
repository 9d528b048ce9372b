"""Comparison page generators and exports, tested as pure functions."""

from __future__ import annotations

import csv
import io
import json
import re

import markupsafe
import pytest

from rulebook.analysis import align
from rulebook.build import bookcache
from rulebook.model.schema import CellStatus
from rulebook.views import exports, topics, wordiff
from rulebook.views.links import Links


@pytest.fixture(scope="module")
def alignment(book):
    return align.align(book)


def test_topic_page_links_every_cell_to_an_article(book):
    for topic_id, facts in book.facts.items():
        out = topics.topic_page(book, topic_id, Links())
        for attr in facts.attributes:
            for slug, cell in attr.cells.items():
                if cell.status == CellStatus.value:
                    assert f'href="../../cities/{slug}/#art_{cell.article}"' in out
                    assert str(markupsafe.escape(cell.quote)) in out  # as Jinja's autoescape writes it


def test_unknown_cells_are_marked_by_text(book):
    out = topics.topic_page(book, "documents")
    assert '<strong class="rb-status-label">原文缺失</strong>' in out
    assert "rb-status-missing" in out


def test_safe_json_cannot_close_the_script_element():
    text = topics.safe_json({"t": "</script><b>&"})
    assert "</script>" not in text and "<" not in text and "&" not in text
    assert json.loads(str(text)) == {"t": "</script><b>&"}


def test_two_city_data_holds_the_tagged_articles(book):
    data = topics.two_city_data(book, "meetings")
    assert set(data) == set(book.cities)
    assert all(entry["articles"] for entry in data.values())  # every city has meeting articles
    for slug, entry in data.items():
        expected = [a.anchor for a in book.city(slug).articles() if "meetings" in book.topics_of(slug, a.n)]
        assert [a["anchor"] for a in entry["articles"]] == expected
        assert all(a["m"] == {} for a in entry["articles"])  # no alignment given: nothing paired


def test_two_city_data_pairs_articles_from_the_alignment(book, alignment):
    data = topics.two_city_data(book, "meetings", alignment)
    by_n = {slug: {a["n"]: a for a in entry["articles"]} for slug, entry in data.items()}
    # 常务会议: 郴州 35 ↔ 株洲 44 (composition and tasks of the standing meeting, issue 17's example)
    n, score = by_n["chenzhou"][35]["m"]["zhuzhou"]
    assert n == 44 and 0 < score <= 1
    assert by_n["zhuzhou"][44]["m"]["chenzhou"][0] == 35
    assert by_n["chenzhou"][35]["label"] == "第三十五条" and by_n["chenzhou"][35]["anchor"] == "art_35"
    for slug, arts in by_n.items():
        for a in arts.values():
            assert slug not in a["m"]
            for other, (m, s) in a["m"].items():
                assert m in by_n[other]  # counterparts are the other city's articles on the topic
                expected = next(x for x in alignment[(slug, a["n"])] if x.city == other)
                assert (expected.n, expected.score) == (m, s)
    # compact: no counterpart outside the topic is shipped (郴州 19 is 株洲 28's best match, not a meeting article)
    assert "chenzhou" not in by_n["zhuzhou"][28]["m"]
    assert "chenzhou" in {m.city for m in alignment[("zhuzhou", 28)]}


def test_word_tokens_cover_every_character_and_keep_words_whole(book):
    def cut(text):
        return wordiff.tokens(text, wordiff.token_lengths(text))

    texts = topics.two_city_texts(book)
    assert len(texts) > 300
    for text in texts:  # every shipped article: the lengths add up to the text, in code points
        lengths = wordiff.token_lengths(text)
        assert sum(int(d, 36) for d in lengths) == len(text) and "0" not in lengths
        assert "".join(cut(text)) == text
    # the forms 两市对照 marks as wording: 市人民政府 in at most two tokens, 市政府 and the 同-words whole
    assert cut("报请市人民政府审定") == ["报请", "市", "人民政府", "审定"]
    assert cut("报请市政府审定") == ["报请", "市政府", "审定"]
    assert cut("经市长同意，各位同志") == ["经", "市长", "同意", "，", "各位", "同志"]
    # punctuation, spaces, line breaks and digits are tokens too; code points, not UTF-16 units
    assert cut("每月召开2次。\n（一）𠀋 x") == ["每月", "召开", "2", "次", "。", "\n", "（", "一", "）", "𠀋", " ", "x"]
    long = "a" * 80  # longer than one base-36 digit: in pieces, still covering the text
    assert wordiff.token_lengths(long) == "zza" and cut(long) == ["a" * 35, "a" * 35, "a" * 10]


def test_two_city_data_ships_each_articles_tokens(book):
    calls = []
    data = topics.two_city_data(book, "meetings", words=lambda text: calls.append(text) or "w")
    for entry in data.values():
        for a in entry["articles"]:
            assert a["w"] == "w"
    assert len(calls) == sum(len(e["articles"]) for e in data.values())
    record = topics.two_city_record(book, book.city("zhuzhou"))
    assert all(a["w"] == wordiff.token_lengths(a["text"]) for a in record["articles"])


def test_a_build_keeps_the_tokens_and_makes_only_new_texts_ones(tmp_path, monkeypatch):
    texts = ["报请市人民政府审定。", "每月召开两次。"]
    first = bookcache.word_lengths(tmp_path, texts)
    assert first == {t: wordiff.token_lengths(t) for t in texts}
    made = []
    monkeypatch.setattr(wordiff, "token_lengths", lambda t: made.append(t) or "1" * len(t))
    assert bookcache.word_lengths(tmp_path, texts) == first and made == []  # a warm build: no jieba
    again = bookcache.word_lengths(tmp_path, [texts[0], "新条文"])
    assert made == ["新条文"] and again[texts[0]] == first[texts[0]]
    (kept,) = tmp_path.glob("words-*.json")
    assert len(json.loads(kept.read_text(encoding="utf-8"))) == 2  # only the texts last asked for


def test_csv_has_bom_and_one_row_per_cell(book, alignment):
    text = exports.download_files(book, alignment)["comparisons.csv"]
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    n_attr = sum(len(f.attributes) for f in book.facts.values())
    assert len(rows) == n_attr * len(book.cities)
    assert {r["status"] for r in rows} <= {"有规定", "未规定", "原文缺失", "待整理"}
    for r in rows:
        if r["status"] == "有规定":
            assert r["quote"] in book.city(r["city"]).article(int(r["article"])).text()


def test_json_export_round_trips(book, alignment):
    data = json.loads(exports.download_files(book, alignment)["comparisons.json"])
    assert len(data["rows"]) == len(data["attributes"]) * len(book.cities)
    assert all(re.fullmatch(r"cities/\w+/#art_\d+", r["url"]) for r in data["rows"] if r["url"])


def test_compare_index_lists_every_topic(book):
    out = topics.compare_index(book, Links(prefix="../"))
    for t in book.taxonomy.topics:
        assert f'<a href="../compare/{t.id}/">{t.label}</a>' in out
