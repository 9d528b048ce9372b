"""The importer: determinism, segmentation, clean-up, recorded corrections, metadata, generality."""

from __future__ import annotations

import hashlib
import re

import pytest
from conftest import ROOT, SLUGS

from rulebook import yamlio
from rulebook.importer import ImportError_, import_city
from rulebook.models import BoilerplateRules, CityInput, CorrectionKind
from rulebook.numerals import cn_to_int, int_to_cn, parse_date
from rulebook.pipeline import import_one

RULES = BoilerplateRules.model_validate(yamlio.load((ROOT / "rules_data/boilerplate.yaml").read_text("utf-8")))

# Established by reading the sources: (chapters, articles).
COUNTS = {
    "chenzhou": (11, 61),
    "zhuzhou": (9, 50),
    "jixi": (14, 79),
    "ziyang": (13, 76),
    "liyang": (12, 63),
}
BOILERPLATE = [
    "网站地图",
    "加盟电话",
    "110.com",
    "扫一扫",
    "ICP",
    "精确检索",
    "用户名",
    "温馨提示",
    "主办单位：",
    "版权所有",
]


@pytest.mark.parametrize("slug", SLUGS)
def test_importer_is_deterministic(slug):
    committed = (ROOT / "rules_data/cities" / f"{slug}.yaml").read_text(encoding="utf-8")
    first, _ = import_one(slug)
    second, _ = import_one(slug)
    assert first == second == committed


@pytest.mark.parametrize("slug", SLUGS)
def test_chapter_and_article_counts(book, slug):
    city = book.city(slug)
    assert (len(city.chapters), len(city.articles())) == COUNTS[slug]


@pytest.mark.parametrize("slug", SLUGS)
def test_article_labels_match_ordinals(book, slug):
    for a in book.city(slug).articles():
        number = re.sub(r"^第|条$|、$", "", a.label)
        assert cn_to_int(number) == a.n


@pytest.mark.parametrize("slug", SLUGS)
def test_no_artefacts_or_boilerplate_in_article_text(book, slug):
    for a in book.city(slug).articles():
        text = a.text()
        assert "□" not in text, a.anchor
        assert not any(b in text for b in BOILERPLATE), a.anchor
        assert not re.search(r"[\u4e00-\u9fff][ \u3000\xa0]+[\u4e00-\u9fff]", text), a.anchor
        assert text == text.strip()


@pytest.mark.parametrize("slug", SLUGS)
def test_every_correction_is_verifiable(book, slug):
    """`after` is in the published article; `before` is in the raw source (whitespace aside)."""
    city = book.city(slug)
    raw = re.sub(r"\s+", "", (ROOT / "rules_data/sources" / city.source.file).read_text(encoding="utf-8"))
    for c in city.corrections:
        # dropped portal lines need not be adjacent in the source; every other change is one span
        spans = c.before.split("\n") if c.kind == CorrectionKind.boilerplate else [c.before]
        if c.kind != CorrectionKind.manual:
            assert all(re.sub(r"\s+", "", span) in raw for span in spans), c
        if c.where.startswith("art_"):
            assert c.after in city.article(int(c.where[4:])).text(), c


@pytest.mark.parametrize(
    ("slug", "n", "repaired", "broken"),
    [
        ("chenzhou", 5, "市政府党组成员、市长助理受市长委托", "党组成\n员"),
        ("chenzhou", 18, "论证评估或法律分析", "论证评\n估"),
        ("chenzhou", 55, "通知新闻单位", "新\n闻"),
        ("liyang", 2, "坚持系统观念，更好统筹发展和安全", "更\n好"),
        ("liyang", 48, "由主办部门主要负责人与相关部门负责人会签", "相关部部门"),
        ("liyang", 16, "落实法治政府建设报告工作制度。", "。。"),
        ("liyang", 23, "政策措施、重要资源配置", "、\n重要"),
        ("ziyang", 2, "职能科学、结构优化、廉洁高效", "结 构"),
    ],
)
def test_page_break_and_word_repairs(book, slug, n, repaired, broken):
    text = book.city(slug).article(n).text()
    assert repaired in text
    assert broken not in text


def test_duplicated_character_fix_is_recorded(book):
    manual = [c for c in book.city("liyang").corrections if c.kind == CorrectionKind.manual]
    assert {(c.where, c.before, c.after) for c in manual} >= {("art_48", "相关部部门", "相关部门")}


def test_zhuzhou_is_marked_truncated_and_nothing_is_invented(book):
    city = book.city("zhuzhou")
    assert city.complete is False
    assert city.truncation.article == 50
    last = city.article(50)
    assert not last.complete
    assert last.text().endswith("应坚持精简、高效、节")
    assert all(c.complete for c in book.cities.values() if c.id != "zhuzhou")


@pytest.mark.parametrize(
    ("slug", "doc_number", "issued", "adopted_date", "numbering"),
    [
        ("chenzhou", "郴政发〔2007〕17号", "2007-10-13", "2007-07-23", "X、"),
        ("zhuzhou", "株政发〔2022〕1号", "2022-01-13", None, "第X条"),
        ("jixi", None, "2007-12-15", None, "第X条"),
        ("ziyang", "资府发〔2017〕34号", "2017-09-12", "2017-09-06", "X、"),
        ("liyang", None, None, None, "X、"),
    ],
)
def test_metadata_found_in_the_text(book, slug, doc_number, issued, adopted_date, numbering):
    city = book.city(slug)
    assert (city.doc_number, city.issued, city.adopted.date, city.numbering) == (
        doc_number,
        issued,
        adopted_date,
        numbering,
    )


def test_supersedes_and_references(book):
    liyang = book.city("liyang")
    assert [(s.title, s.doc_number) for s in liyang.supersedes] == [("溧阳市人民政府工作规则", "溧政发〔2012〕121号")]
    assert [r.title for r in liyang.references if r.relation == "参照"] == [
        "国务院工作规则",
        "江苏省人民政府工作规则",
        "常州市人民政府工作规则",
    ]
    assert book.city("zhuzhou").adopted.meeting == "市十六届人民政府第1次常务会议"


def test_items_are_structure(book):
    art = book.city("chenzhou").article(34)
    items = [p for p in art.paragraphs if p.item]
    assert [p.item for p in items] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert items[0].text.startswith("贯彻党中央")
    jixi = book.city("jixi").article(39)
    assert [p.item for p in jixi.paragraphs if p.item] == ["(一)", "(二)", "(三)"]


def test_portal_lines_are_dropped_but_recorded(book):
    jixi = book.city("jixi")
    header = [c for c in jixi.corrections if c.where == "header"]
    assert len(header) == 1 and "用户名 密码" in header[0].before
    chenzhou = book.city("chenzhou")
    assert chenzhou.colophon[0].startswith("主题词")
    assert any("网站标识码" in c.before for c in chenzhou.corrections if c.where == "footer")


def _fixture_input(raw: bytes, **metadata: str) -> CityInput:
    return CityInput.model_validate(
        {
            "id": "fixture",
            "source": {"file": "x.txt", "sha256": hashlib.sha256(raw).hexdigest(), "captured_from": "测试"},
            "metadata": {"province": "某某省", "level": "省级", **metadata},
        }
    )


def test_importer_segments_an_unseen_provincial_text():
    raw = (ROOT / "tests/fixtures/provincial_rules.txt").read_bytes()
    city, report = import_city(raw, _fixture_input(raw), RULES)
    assert (city.name, city.title, city.doc_number, city.issued) == (
        "某某省",
        "某某省人民政府工作规则",
        "某政发〔2023〕5号",
        "2023-02-20",
    )
    assert city.adopted.date == "2023-02-10"
    assert [c.title for c in city.chapters] == ["总则", "会议制度", "附则"]
    assert len(city.articles()) == 5
    assert [p.item for p in city.article(3).paragraphs if p.item] == ["（一）", "（二）"]
    assert city.article(4).text().endswith("会议纪要由省长签发。")
    assert city.supersedes[0].doc_number == "某政发〔2018〕9号"
    assert city.complete
    assert not any("首页" in line or "您的位置" in line for line in city.notice)
    assert any(c.where == "footer" and "责任编辑" in c.before for c in city.corrections)
    assert {lvl for lvl, _, _ in report.items} == {"info"}  # header, notice and footer reported; nothing to warn


def test_importer_flags_truncation_in_any_text():
    raw = (ROOT / "tests/fixtures/provincial_rules.txt").read_text(encoding="utf-8")
    cut = raw[: raw.index("第五条") + len("第五条　本规则自印发")].encode("utf-8")
    city, report = import_city(cut, _fixture_input(cut), RULES)
    assert not city.complete and city.truncation.article == 5
    assert any("incomplete" in msg for _, _, msg in report.items)


def test_importer_rejects_a_tampered_source():
    raw = (ROOT / "tests/fixtures/provincial_rules.txt").read_bytes()
    with pytest.raises(ImportError_, match="sha256"):
        import_city(raw + b"x", _fixture_input(raw), RULES)


def test_manual_correction_must_match_exactly_once():
    raw = (ROOT / "tests/fixtures/provincial_rules.txt").read_bytes()
    data = _fixture_input(raw).model_dump()
    data["corrections"] = [{"article": 2, "find": "不存在的文字", "replace": "x", "reason": "测试"}]
    inp = CityInput.model_validate(data)
    with pytest.raises(ImportError_, match="occurs 0 times"):
        import_city(raw, inp, RULES)


@pytest.mark.parametrize(("cn", "n"), [("一", 1), ("十", 10), ("十五", 15), ("三十五", 35), ("一百零二", 102)])
def test_numerals_round_trip(cn, n):
    assert cn_to_int(cn) == n and int_to_cn(n) == cn


def test_dates():
    assert parse_date("二〇〇七年十月十三日") == "2007-10-13"
    assert parse_date("2022年1月13日") == "2022-01-13"
    assert parse_date("2007-12-15") == "2007-12-15"


def _imp(text: str, corrections: list | None = None):
    raw = text.encode("utf-8")
    data = _fixture_input(raw).model_dump()
    data["corrections"] = corrections or []
    return import_city(raw, CityInput.model_validate(data), RULES)


BASE = "某县人民政府工作规则\n\n第一章 总则\n\n第一条 为规范工作，制定本规则。\n\n第二条 县政府实行县长负责制。\n"


def test_text_stopping_after_a_chapter_heading_is_truncated_not_a_crash():
    city, report = _imp(BASE + "\n第二章 附则\n")
    assert any("after the heading" in msg for _, _, msg in report.items)
    assert not city.complete and city.truncation.article == 2 and "附则" in city.truncation.note
    assert [c.title for c in city.chapters] == ["总则"]


def test_text_ending_in_a_colon_is_truncated():
    city, _ = _imp(BASE + "\n第三条 有下列情形之一的：\n")
    assert not city.complete and city.truncation.article == 3


def test_artefact_positions_are_recorded_in_the_clean_text():
    city, _ = _imp(BASE.replace("第二条 县政府实行", "□□第二条 县政府□实行"))
    fixes = [c for c in city.corrections if c.where == "art_2" and c.kind == CorrectionKind.artifact]
    # snippets are taken from the cleaned line (label included); the □ sits where it was
    assert [(f.before, f.after) for f in fixes] == [
        ("□□第二条 ", "第二条 "),
        ("第二条 县政府□实行县长", "第二条 县政府实行县长"),
    ]


def test_out_of_sequence_chapter_heading_is_reported():
    _, report = _imp(BASE.replace("第二条", "第三章 附则\n\n第二条"))
    assert any("out of sequence" in msg for _, _, msg in report.items)


def test_manual_corrections_keep_their_own_records():
    city, _ = _imp(
        BASE,
        [
            {"article": 1, "find": "规范工作", "replace": "规范县政府工作", "reason": "一"},
            {"article": 1, "find": "县政府工作", "replace": "本县政府工作", "reason": "二"},
        ],
    )
    manual = [(c.before, c.after) for c in city.corrections if c.kind == CorrectionKind.manual]
    assert manual == [("规范工作", "规范县政府工作"), ("县政府工作", "本县政府工作")]


def test_label_on_its_own_line_is_not_a_page_break():
    city, _ = _imp(BASE.replace("第二条 县政府", "第二条\n\n县政府"))
    assert city.article(2).text() == "县政府实行县长负责制。"
    assert not [c for c in city.corrections if c.kind == CorrectionKind.page_break]


def test_non_utf8_source_is_a_clear_error():
    raw = BASE.encode("gbk")
    with pytest.raises(ImportError_, match="not UTF-8"):
        import_city(raw, _fixture_input(raw), RULES)
