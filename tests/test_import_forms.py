"""The importer on capture forms nobody tuned it on (tests/fixtures/import_forms/, made by make_forms.py from
base texts written for the set): every faithful form imports with its base text's structure and words and
no structure warning; every damaged form is refused, or published with a warning naming the damage."""

from __future__ import annotations

import hashlib
import re
from functools import cache

import pytest
from conftest import ROOT

from rulebook.data import yamlio
from rulebook.data.importer import ImportFailed, Report, import_city
from rulebook.model.numerals import cn_to_int
from rulebook.model.schema import BoilerplateRules, City, CityInput
from rulebook.model.segment import NUM, normalize

RULES = BoilerplateRules.model_validate(yamlio.load((ROOT / "rules_data/boilerplate.yaml").read_text("utf-8")))
HERE = ROOT / "tests/fixtures/import_forms"
FORMS = yamlio.load((HERE / "forms.yaml").read_text(encoding="utf-8"))
# Warnings about facts a capture may simply lack; anything else on a faithful form is a false alarm.
METADATA_WARNINGS = {"doc_number", "issued", "adopted"}


def _input(raw: bytes, source_fixes: list | None = None) -> CityInput:
    return CityInput.model_validate(
        {
            "id": "fixture",
            "source": {"file": "x.txt", "sha256": hashlib.sha256(raw).hexdigest(), "captured_from": "测试"},
            "metadata": {"province": "某某省", "level": "县（区）级"},
            "source_fixes": source_fixes or [],
        }
    )


def _import(raw: bytes, source_fixes: list | None = None) -> tuple[City, Report]:
    return import_city(raw, _input(raw, source_fixes), RULES)


@cache
def _base(name: str) -> City:
    city, _ = _import((HERE / f"base_{name}.txt").read_bytes())
    return city


def _label(label: str | None) -> str:
    """第１条, 第 一 条, 第一條 and 第1条 alike: the label's numerals read as a number."""
    return re.sub(NUM, lambda m: str(cn_to_int(m.group())), normalize(label or ""))


def _shape(city: City) -> list:
    """Structure and words, read as the importer reads labels (full-width, spaced, Traditional alike)."""
    return [
        (
            _label(c.label),
            normalize(c.title or ""),
            [normalize(s.title or "") for s in c.sections],
            [(_label(a.label), [(_label(p.item), normalize(p.text)) for p in a.paragraphs]) for a in c.articles],
        )
        for c in city.chapters
    ]


@pytest.mark.parametrize("form", FORMS, ids=[f["name"] for f in FORMS])
def test_capture_form(form):
    raw = (HERE / "forms" / f"{form['name']}.txt").read_bytes()
    if form["outcome"] == "refused":
        with pytest.raises(ImportFailed) as e:
            _import(raw)
        assert any(form["says"] in err for err in e.value.errors), e.value.errors
        assert all("source_fixes" in err for err in e.value.errors if err.startswith("line ")), e.value.errors
        return
    city, report = _import(raw)
    warnings = [(where, msg) for lvl, where, msg in report.items if lvl == "warn" and where not in METADATA_WARNINGS]
    if form["outcome"] == "warn":
        assert any(form["says"] in msg for _, msg in warnings), report.render()
        return
    assert not warnings, report.render()
    assert _shape(city) == _shape(_base(form["base"]))
    assert len(city.appendices) == form.get("appendices", 0)
    assert city.complete


def test_the_set_covers_every_kind():
    outcomes = [f["outcome"] for f in FORMS]
    assert len(FORMS) >= 30 and outcomes.count("exact") >= 20 and outcomes.count("refused") >= 5


def test_an_appendix_is_a_part_of_its_own_with_its_table():
    city, report = _import((HERE / "forms/appendix_tabs.txt").read_bytes())
    last = city.articles()[-1]
    assert last.text() == "本规则自印发之日起施行。"
    [apx] = city.appendices
    assert apx.title == "附件：清河县政府常务会议议题清单"
    assert [b.table for b in apx.blocks] == [
        [["序号", "议题", "提出部门"], ["1", "年度预算调整", "县财政局"], ["2", "国土空间规划", "县自然资源局"]]
    ]
    assert "可能不完整" not in report.render()


def test_labels_and_text_are_kept_as_written():
    city, _ = _import((HERE / "forms/fullwidth_digits.txt").read_bytes())
    assert city.articles()[0].label == "第１条" and city.chapters[0].label == "第１章"
    city, _ = _import((HERE / "forms/traditional.txt").read_bytes())
    assert city.articles()[0].label == "第一條" and city.chapters[0].title == "總則"
    city, _ = _import((HERE / "forms/spaced_labels.txt").read_bytes())
    assert (city.chapters[0].label, city.chapters[0].title, city.articles()[0].label) == ("第一章", "总则", "第一条")


def test_every_continuation_is_listed_in_the_report():
    _, report = _import((HERE / "forms/page_break_reference_all.txt").read_bytes())
    notes = [msg for lvl, _, msg in report.items if lvl == "info" and "read as text, not a label" in msg]
    assert len(notes) == 3 and any("第十条" in m and "a reference" in m for m in notes)


def test_items_inside_dun_articles():
    city, _ = _import((HERE / "forms/dun_items_arabic.txt").read_bytes())
    art = city.articles()[2]
    assert [p.item for p in art.paragraphs] == [None, "1、", "2、", "3、"]


def test_a_source_fix_imports_a_refused_form_and_is_shown_as_a_correction():
    raw = (HERE / "forms/articles_run_together.txt").read_bytes()
    lineno = (
        raw.decode("utf-8").splitlines().index(next(x for x in raw.decode("utf-8").splitlines() if "。第二十条" in x))
        + 1
    )
    fix = {"line": lineno, "find": "。第二十条", "replace": "。\n第二十条", "reason": "抓取丢失换行，据原件分行"}
    city, _ = _import(raw, [fix])
    assert _shape(city) == _shape(_base("county"))
    [c] = [c for c in city.corrections if c.reason.startswith("抓取丢失换行")]
    assert c.where == "art_19" and f"原文第{lineno}行" in c.reason


def test_a_bad_source_fix_names_itself():
    raw = (HERE / "base_county.txt").read_bytes()
    with pytest.raises(ImportFailed) as e:
        _import(
            raw,
            [
                {"line": 999, "find": "x", "replace": "y", "reason": "r"},
                {"line": 1, "find": "无此字", "replace": "y", "reason": "r"},
            ],
        )
    assert e.value.errors[0] == "source_fixes[0]: line 999 does not exist (the source has 75 lines)"
    assert e.value.errors[1].startswith("source_fixes[1]: “无此字” occurs 0 times in line 1")


def test_possibly_incomplete_states_its_evidence():
    _, report = _import((HERE / "forms/cut_after_sentence.txt").read_bytes())
    [msg] = [m for lvl, _, m in report.items if lvl == "warn" and m.startswith("可能不完整")]
    for evidence in (
        "the last chapter is 第七章 “政务公开”, not 附则",
        "no 施行/解释 clause",
        "no 版记",
        "articles numbered 1–20",
    ):
        assert evidence in msg, msg


def test_the_city_page_shows_an_appendix_after_the_text_with_its_table():
    from rulebook.views.render import city_page

    city, _ = _import((HERE / "forms/appendix_tabs.txt").read_bytes())
    page = city_page(city)
    head = page.index("## 附件：清河县政府常务会议议题清单 {#appendix_1}")
    assert page.index("第二十四条") < head < page.index("## 校勘记")
    assert "<tr><td>1</td><td>年度预算调整</td><td>县财政局</td></tr>" in page[head:]


def test_an_article_ending_without_punctuation_is_still_followed_by_the_next_article():
    text = (HERE / "base_county.txt").read_text(encoding="utf-8").replace("副县长协助县长工作。", "副县长协助县长工作")
    city, _ = _import(text.encode("utf-8"))
    assert [a.label for a in city.articles()][2:4] == ["第三条", "第四条"]
    assert city.article(3).text().endswith("副县长协助县长工作")
