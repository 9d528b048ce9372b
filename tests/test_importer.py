"""The importer: determinism, segmentation, clean-up, recorded corrections, metadata, generality."""

from __future__ import annotations

import hashlib
import re

import pytest
from conftest import ROOT

from rulebook.data import yamlio
from rulebook.data.importer import ImportError_, ImportFailed, import_city
from rulebook.data.pipeline import import_one
from rulebook.model.numerals import cn_to_int, int_to_cn, parse_date
from rulebook.model.schema import BoilerplateRules, City, CityInput, CorrectionKind

RULES = BoilerplateRules.model_validate(yamlio.load((ROOT / "rules_data/boilerplate.yaml").read_text("utf-8")))

# Every generated city, so an added city is tested too (the five seeds are pinned in test_sources.py).
SLUGS = sorted(p.stem for p in (ROOT / "rules_data/cities").glob("*.yaml"))
FIX = ROOT / "tests/fixtures"

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


@pytest.mark.parametrize("slug", sorted(COUNTS))
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
    with pytest.raises(ImportFailed, match="sha256"):
        import_city(raw + b"x", _fixture_input(raw), RULES)


def test_manual_correction_must_match_exactly_once():
    raw = (ROOT / "tests/fixtures/provincial_rules.txt").read_bytes()
    data = _fixture_input(raw).model_dump()
    data["corrections"] = [{"article": 2, "find": "不存在的文字", "replace": "x", "reason": "测试"}]
    inp = CityInput.model_validate(data)
    with pytest.raises(ImportFailed, match="occurs 0 times"):
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


def ROUTE(n: int, what: str = "") -> str:
    return (
        f"if the source reads so faithfully, add a source_fixes entry for line {n} to the input file "
        f"(line: {n}, find, replace, reason){what}; if the capture itself is damaged, capture the page again"
    )


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


def test_out_of_sequence_chapter_heading_fails_naming_the_line():
    with pytest.raises(ImportFailed) as e:
        _imp(BASE.replace("第二条", "第三章 附则\n\n第二条"))
    [err] = e.value.errors
    assert err.startswith("line 7: chapter heading “第三章 附则” out of sequence (expected chapter 2); ")
    assert "source_fixes entry for line 7" in err


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
    with pytest.raises(ImportFailed, match="not UTF-8"):
        import_city(raw, _fixture_input(raw), RULES)


# --- unseen captures (tests/fixtures/, one per problem) ----------------------------------------

HEADING_LINE = re.compile(r"^(第[一二三四五六七八九十]+[章节]|[一二三四五六七八九十]+、\S{1,10}$)")


def _fixture(name: str, corrections: list | None = None, **metadata: str) -> tuple[City, list]:
    raw = (FIX / name).read_bytes()
    data = _fixture_input(raw, **metadata).model_dump()
    data["corrections"] = corrections or []
    city, report = import_city(raw, CityInput.model_validate(data), RULES)
    return city, report.items


def _fail(name: str) -> list[str]:
    raw = (FIX / name).read_bytes()
    with pytest.raises(ImportFailed) as e:
        import_city(raw, _fixture_input(raw), RULES)
    assert str(e.value) == "\n".join(e.value.errors)
    return e.value.errors


def _source_body(name: str, first: str, stop: str | None = None) -> str:
    """The source from its first chapter to `stop`, minus heading lines, □ and all whitespace."""
    lines = (FIX / name).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(first))
    end = next((i for i, line in enumerate(lines) if stop and line.strip().startswith(stop)), len(lines))
    kept = [line for line in lines[start:end] if not HEADING_LINE.match(line.strip().replace(" ", ""))]
    return re.sub(r"\s+", "", "".join(kept).replace("□", ""))


def _published(city: City) -> str:
    return re.sub(r"\s+", "", "".join(a.label + a.text() for a in city.articles()))


def test_sections_are_a_level_of_their_own():
    city, items = _fixture("sections.txt")
    assert [(c.label, c.title, len(c.articles)) for c in city.chapters] == [
        ("第一章", "总则", 2),
        ("第二章", "会议制度", 4),
        ("第三章", "附则", 1),
    ]
    meeting = city.chapters[1]
    assert [(s.label, s.title, s.articles) for s in meeting.sections] == [
        ("第一节", "全体会议", [3, 4]),
        ("第二节", "常务会议", [5, 6]),
    ]
    assert [meeting.section_anchor(s) for s in meeting.sections] == ["chp_2__sec_1", "chp_2__sec_2"]
    assert [a.anchor for a in city.articles()] == [f"art_{n}" for n in range(1, 8)]  # art_<n> unchanged by 节
    assert "全体会议" not in city.article(2).text()  # the heading is not a paragraph of the article before it
    assert _published(city) == _source_body("sections.txt", "第一章")
    assert city.complete and not [i for i in items if i[0] == "error"]


def test_chapters_numbered_yi_over_tiao_articles():
    city, items = _fixture("chapters_as_dun.txt")
    assert city.numbering == "第X条"
    assert [(c.n, c.label, c.title, [a.n for a in c.articles]) for c in city.chapters] == [
        (1, "一、", "总则", [1, 2]),
        (2, "二、", "会议制度", [3, 4]),
        (3, "三、", "附则", [5]),
    ]
    assert city.article(4).text() == "会议纪要由县长签发。"
    assert _published(city) == _source_body("chapters_as_dun.txt", "一、总则")
    assert any("joined lines 23 and 25" in msg and "签⏎发" in msg for _, _, msg in items)
    assert (city.adopted.meeting, city.adopted.date) == ("县政府第3次常务会议", "2024-01-05")  # no leading 召开的


def test_a_one_line_capture_fails_naming_the_line():
    assert _fail("one_line.txt") == [
        "structure: no line starts with an article label, but line 3 “第一章 总则 第一条 为规范市政…” hold(s) 第一条 "
        "inside the line: headings and articles run together on one line (the capture lost its line breaks); add "
        "source_fixes entries that break line 3 before each heading and article (replace with a \\n), or capture "
        "the page again with one heading or article per line"
    ]


def test_articles_run_together_under_their_own_headings_fail():
    with pytest.raises(ImportFailed) as e:
        _imp("某县人民政府工作规则\n\n第一章 总则\n\n第一条 为规范工作，制定本规则。第二条 县政府实行县长负责制。\n")
    assert e.value.errors == [
        "line 5: articles run together on one line: 第二条 starts inside it (at “。第二条县政府实行县长负”); the "
        "capture lost its line breaks: " + ROUTE(5, " that breaks the line before 第二条 (replace with a \\n)")
    ]


def test_a_text_cut_after_a_full_sentence_is_possibly_incomplete():
    city, items = _fixture("sentence_end_cut.txt")
    assert (len(city.chapters), len(city.articles())) == (2, 4)
    assert _published(city) == _source_body("sentence_end_cut.txt", "第一章")
    assert not city.complete and city.truncation.suspected and city.truncation.article == 4
    assert "可能不完整" in city.truncation.note and "第四条" in city.truncation.note
    warn = [msg for lvl, where, msg in items if lvl == "warn" and where == "art_4"]
    assert len(warn) == 1 and warn[0].startswith("可能不完整") and "“县政府常务会议一般每月召开两次。”" in warn[0]
    confirmed, items = _fixture("sentence_end_cut.txt", complete_confirmed="已核对原件：共四条")
    assert confirmed.complete and confirmed.truncation is None
    assert any("complete as confirmed" in msg for _, _, msg in items)


def test_a_gov_cn_page_drops_its_portal_lines():
    city, items = _fixture("govcn_page.txt")
    assert (len(city.chapters), len(city.articles())) == (2, 3)
    assert _published(city) == _source_body("govcn_page.txt", "第一章", stop="【打印】")
    assert city.complete  # 【打印】【关闭】 is footer, not the end of 第三条
    assert city.article(3).text() == "本规则自印发之日起施行。"
    header = next(c for c in city.corrections if c.where == "header").before.split("\n")
    assert {"【字体：大 中 小】", "分享到：", "发文机关：某市人民政府", "主题分类：政府工作\\其他"} <= set(header)
    footer = next(c for c in city.corrections if c.where == "footer").before
    assert footer == "【打印】【关闭】\n扫一扫在手机打开当前页"
    assert city.notice[0] == "某市人民政府关于印发某市人民政府工作规则的通知"
    assert (city.doc_number, city.issued, city.adopted.date) == ("某政发〔2023〕12号", "2023-06-01", "2023-05-20")
    assert not [i for i in items if i[0] != "info"]


def test_a_spaced_title_and_a_caption_without_jing():
    city, _ = _fixture("spaced_title.txt")
    assert (len(city.chapters), len(city.articles())) == (2, 3)
    assert (city.title, city.name) == ("某县人民政府工作规则", "某县")
    assert (city.adopted.meeting, city.adopted.date) == ("县政府第5次常务会议", "2023-03-01")  # ○ dates read
    assert city.subtitle == ["（二○二三年三月一日县政府第5次常务会议修订通过）"]
    fix = next(c for c in city.corrections if c.kind == CorrectionKind.whitespace and c.where == "notice")
    assert (fix.before, fix.after) == ("某 县 人 民 政 府 工 作 规 则", "某县人民政府工作规则")
    assert _published(city) == _source_body("spaced_title.txt", "第一章")


def test_a_box_between_characters_that_form_no_word_is_reported():
    city, items = _fixture("lost_character.txt")
    assert (len(city.chapters), len(city.articles())) == (1, 3)
    assert _published(city) == _source_body("lost_character.txt", "第一章")
    assert city.article(2).text() == "县政府实行县长负制。"  # nothing is guessed
    lost = [(where, msg) for lvl, where, msg in items if lvl == "warn" and msg.startswith("可能缺字")]
    assert lost == [
        (
            "art_2",
            "可能缺字: line 7 “县政府实行县长负□制。”: the □ stands between “负” and “制”, which form no word; check "
            "the original and add a correction to the input file (find “行县长负制。”; replace it with the lost "
            "character inserted, or with itself if nothing is lost)",
        )
    ]
    assert ("info", "art_1", "removed □ at line 5: “府工作，制定本规□则。”") in items  # 规则 is a word
    fixed, items = _fixture(
        "lost_character.txt", [{"article": 2, "find": "县长负制", "replace": "县长负责制", "reason": "据原件补“责”字"}]
    )
    assert fixed.article(2).text() == "县政府实行县长负责制。"
    assert not [msg for lvl, _, msg in items if lvl == "warn" and msg.startswith("可能缺字")]
    assert any(msg.endswith("settled by corrections[0]") for _, _, msg in items)


def test_mixed_numbering_styles_fail_naming_the_lines():
    errors = _fail("mixed_styles.txt")
    assert errors[0] == (
        "structure: 3 lines start with X、 labels but 2 with 第X条 labels: line 5 “第一条 为规范县政府工作，制定本…”, "
        "line 13 “第二条 本规则自印发之日起施行。”; the numbering is doubtful (headings? items? two texts?): if they "
        "are items of the articles, write them as （一）… with source_fixes entries; if two texts were captured "
        "together, capture the page again"
    )


def test_an_article_twenty_times_the_median_fails():
    long = "市政府实行市长负责制。" * 150
    text = BASE + "".join(f"\n第{n}条 市政府工作。\n" for n in "三四五六") + f"\n第七条 {long}\n"
    with pytest.raises(ImportFailed) as e:
        _imp(text)
    assert e.value.errors == [
        "art_7: 第七条 (line 17) has 1650 characters, 275× the median article: line breaks between articles or "
        "chapters may be lost; " + ROUTE(17)
    ]


def test_every_bad_correction_is_reported_at_once():
    with pytest.raises(ImportFailed) as e:
        _imp(
            BASE,
            [
                {"article": 9, "find": "x", "replace": "y", "reason": "一"},
                {"article": 1, "find": "不存在", "replace": "y", "reason": "二"},
                {"article": 2, "find": "县政府实行县长负责制。", "replace": "", "reason": "三"},
            ],
        )
    assert e.value.errors == [
        "corrections[0]: article 9 does not exist (the text has 2)",
        "corrections[1]: “不存在” occurs 0 times in art_1, expected once",
        "corrections[2]: replacing “县政府实行县长负责制。” with “” would leave an empty paragraph in art_2; a "
        "paragraph cannot be deleted by a correction (quote a longer `find` that keeps some text)",
    ]


def test_a_chapter_without_articles_fails():
    with pytest.raises(ImportFailed) as e:
        _imp(BASE.replace("第二条", "第二章 会议\n\n第三章 附则\n\n第二条"))
    assert e.value.errors == ["line 7: 第二章 会议: chapter without articles; " + ROUTE(7)]


def test_the_report_shows_page_breaks_and_the_lines_after_the_last_article():
    city, report = _imp(BASE.replace("县长负责制。", "县长负\n\n责制。\n\n【分享】微信 微博"))
    assert city.article(2).paragraphs[-1].text == "【分享】微信微博"
    items = report.items
    assert ("info", "art_2", "joined lines 7 and 9 across a page break: “县政府实行县长负⏎责制。”") in items
    tail = [msg for _, where, msg in items if where == "tail"]
    assert len(tail) == 1 and "line 11 “【分享】微信微博”" in tail[0]


def test_old_name_is_the_same_exception():
    assert ImportError_ is ImportFailed and issubclass(ImportFailed, ValueError)


def test_the_city_page_shows_section_headings_with_their_anchors():
    from rulebook.views.render import city_page

    page = city_page(_fixture("sections.txt")[0])
    headings = re.findall(r'<h3 class="rb-section" id="([^"]+)">([^<]+)<', page)
    assert headings == [("chp_2__sec_1", "第一节\u3000全体会议"), ("chp_2__sec_2", "第二节\u3000常务会议")]
    assert page.index('id="chp_2__sec_1"') < page.index('id="art_3"') < page.index('id="chp_2__sec_2"')
    assert page.index('id="art_4"') < page.index('id="chp_2__sec_2"') < page.index('id="art_5"')


def test_a_possibly_incomplete_text_says_so_on_its_page():
    from rulebook.views.render import city_page

    page = city_page(_fixture("sentence_end_cut.txt")[0])
    assert '<p class="admonition-title">可能不完整</p>' in page
    assert "<strong>[可能不完整]</strong>" in page and "[原文缺失]" not in page


def test_import_city_script_reports_every_problem_of_every_city(tmp_path):
    import subprocess
    import sys

    from conftest import copy_project

    p = copy_project(tmp_path / "proj")
    inputs = p / "rules_data/inputs"
    jixi = (inputs / "jixi.yaml").read_text(encoding="utf-8")
    (inputs / "jixi.yaml").write_text(jixi.replace("  level: 地级市\n", ""), encoding="utf-8")
    liyang = (inputs / "liyang.yaml").read_text(encoding="utf-8").replace("find: 相关部部门", "find: 没有这几个字")
    liyang += "  - article: 8\n    find: 向外举债；\n    replace: ''\n    reason: 测试\n"
    (inputs / "liyang.yaml").write_text(liyang, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(p / "scripts/import_city.py"), "--check"], capture_output=True, text=True, cwd=p
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "rules_data/inputs/jixi.yaml: metadata.level: Field required",
        "rules_data/inputs/liyang.yaml: corrections[1]: “没有这几个字” occurs 0 times in art_48, expected once",
        "rules_data/inputs/liyang.yaml: corrections[2]: replacing “向外举债；” with “” would leave an empty paragraph "
        "in art_8; a paragraph cannot be deleted by a correction (quote a longer `find` that keeps some text)",
    ]


def test_a_bad_boilerplate_pattern_is_reported_once_not_once_per_city(tmp_path):
    import subprocess
    import sys

    from conftest import copy_project

    p = copy_project(tmp_path / "proj")
    bp = p / "rules_data/boilerplate.yaml"
    bp.write_text(bp.read_text(encoding="utf-8").replace("  - ^加盟电话\n", "  - ^加盟电话(\n", 1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(p / "scripts/import_city.py"), "--check"], capture_output=True, text=True, cwd=p
    )
    assert result.returncode == 1 and result.stderr.splitlines() == [
        "rules_data/boilerplate.yaml: header[0]: invalid regular expression '^加盟电话(': missing ), unterminated "
        "subpattern at position 5"
    ]


def test_a_control_character_is_removed_recorded_and_named_in_one_line():
    city, report = _imp(BASE.replace("为规范工作", "为规范\x00工作"))
    assert city.article(1).text() == "为规范工作，制定本规则。"
    [fix] = [c for c in city.corrections if "U+0000" in c.reason]
    assert (fix.where, fix.kind, fix.before, fix.after) == (
        "art_1",
        CorrectionKind.artifact,
        "第一条 为规范<U+0000>工作，制",
        "第一条 为规范工作，制",
    )
    [warn] = [(w, m) for lvl, w, m in report.items if lvl == "warn" and "control character" in m]
    assert warn == (
        "art_1",
        "line 5: control character U+0000 removed at “第一条 为规范工作，制” (a capture artefact, never text; "
        "check the original there)",
    )


def test_structure_and_title_errors_come_together():
    with pytest.raises(ImportFailed) as e:
        _imp("第一章 总则\n\n第一条 为规范工作，制定本规则。\n\n第三条 县政府实行县长负责制。\n")
    assert e.value.errors == [
        "line 5: label 第三条 out of sequence (expected article 2): “第三条 县政府实行县长负责制。”; "
        + ROUTE(5, " that corrects the label (or joins a cross-reference to the line before)"),
        "title: no title found (no line ending in 工作规则 before the first chapter) and metadata.title not set",
    ]


@pytest.mark.parametrize(
    ("caption", "meeting", "date"),
    [
        ("（2023年3月1日经县政府第5次常务会议审议通过）", "县政府第5次常务会议", "2023-03-01"),
        ("（二〇二三年三月一日县政府第5次常务会议通过）", "县政府第5次常务会议", "2023-03-01"),
        ("（二零二三年三月一日县政府第5次全体会议修订通过）", "县政府第5次全体会议", "2023-03-01"),
        ("（经二○二三年三月一日在县政府第5次常务会议上审议通过）", "县政府第5次常务会议", "2023-03-01"),
    ],
)
def test_captions_with_and_without_jing(caption, meeting, date):
    city, _ = _imp(BASE.replace("工作规则\n", f"工作规则\n{caption}\n", 1))
    assert city.subtitle == [caption]
    assert (city.adopted.meeting, city.adopted.date) == (meeting, date)
