"""Guards against bad and hostile input: each bad input gets one exact `file: key: message`, no traceback.

Unit tests feed one checker a tiny input; project tests break one file of a copy and count the lines.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, copy_project

from rulebook.core.settings import DATA, Settings
from rulebook.data import yamlio
from rulebook.data.lint import lint
from rulebook.data.load import DataError, check_rulebook, load_rulebook, validate
from rulebook.data.pipeline import import_one
from rulebook.model.schema import BoilerplateRules, City, CityInput, SearchTerms, Source, Taxonomy

SHA = "0" * 64
JIXI_SHA = "b7be1d2e5e206adfcd4c8e7cc7990f37b5c464a500ebf9fdd1bb2f700c34221c"


def _errors(model, value, name: str = "rules_data/x.yaml") -> list[str]:
    """The messages the loader reports for `value` as the content of file `name`."""
    errors: list[str] = []
    assert validate(model, value, ROOT / name, ROOT, errors) is None
    return errors


def _city(**changes) -> dict:
    d = yamlio.load((ROOT / "rules_data/cities/jixi.yaml").read_text(encoding="utf-8"))
    d.update(changes)
    return d


def _input(**changes) -> dict:
    d = yamlio.load((ROOT / "rules_data/inputs/jixi.yaml").read_text(encoding="utf-8"))
    d.update(changes)
    return d


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "p")


# --- regexes ----------------------------------------------------------------------------------


def test_a_bad_regex_names_its_file_key_and_error():
    rules = {"header": ["^加盟电话", "^精确(检索$"], "footer_start": ["^责任编辑"]}
    assert _errors(BoilerplateRules, rules, "rules_data/boilerplate.yaml") == [
        "rules_data/boilerplate.yaml: header[1]: invalid regular expression '^精确(检索$': "
        "missing ), unterminated subpattern at position 3"
    ]


def test_a_bad_regex_is_one_lint_line_and_stops_the_importer(project):
    _edit(project / "rules_data/boilerplate.yaml", "  - ^精确检索$", "  - ^精确(检索$")
    expected = (
        "rules_data/boilerplate.yaml: header[1]: invalid regular expression '^精确(检索$': "
        "missing ), unterminated subpattern at position 3"
    )
    assert lint(project) == [expected]
    with pytest.raises(DataError) as e:
        import_one("jixi", project)
    assert e.value.errors == [expected]


# --- search terms -----------------------------------------------------------------------------


def test_search_terms_must_be_a_mapping():
    assert _errors(SearchTerms, ["会议", "议题"], "rules_data/search_terms.yaml") == [
        "rules_data/search_terms.yaml: (root): Input should be a valid dictionary or instance of SearchTerms"
    ]


def test_search_terms_have_size_limits():
    assert _errors(SearchTerms, {"terms": {"meetings": ["会议", "议" * 200_000]}}) == [
        "rules_data/x.yaml: terms.meetings[1]: a term is at most 32 characters, got 200,000"
    ]
    many = {"a": [f"词{chr(0x4E00 + i)}" for i in range(3000)], "b": [f"语{chr(0x4E00 + i)}" for i in range(2001)]}
    assert _errors(SearchTerms, {"terms": many}) == ["rules_data/x.yaml: terms: 5,001 terms, over the limit of 5,000"]
    assert _errors(SearchTerms, {"terms": {"roles": ["市长", "mayor"]}}) == [
        "rules_data/x.yaml: terms.roles[1]: a term is Chinese characters only, got 'mayor'"
    ]
    assert _errors(SearchTerms, {"words": {}}) == ["rules_data/x.yaml: words: Extra inputs are not permitted"]


def test_search_terms_come_from_the_book(project):
    from rulebook.search.index import search_terms

    (project / "rules_data/search_terms.yaml").write_text("terms:\n  extra:\n    - 测试专用词\n", encoding="utf-8")
    book = load_rulebook(project)
    assert book.search_terms == SearchTerms(terms={"extra": ["测试专用词"]})
    terms = search_terms(book, project)
    assert "测试专用词" in terms and "全体会议" not in terms  # the file's terms, not the checkout's


def test_long_label_parts_are_not_search_terms(project):
    from rulebook.search.index import search_terms

    _edit(project / "rules_data/topics.yaml", "label: 总则与指导原则", f"label: 总则与{'指导' * 20_000}")
    terms = search_terms(load_rulebook(project), project)
    assert "总则" in terms and max(map(len, terms)) <= 32


def test_a_bad_search_terms_file_is_one_lint_line(project):
    (project / "rules_data/search_terms.yaml").write_text("- 会议\n", encoding="utf-8")
    assert lint(project) == [
        "rules_data/search_terms.yaml: (root): Input should be a valid dictionary or instance of SearchTerms"
    ]


# --- reserved slugs and ids -------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["index", "assets", "search", "data", "compare", "chains", "lookup", "cities"])
def test_reserved_city_slugs_are_refused(slug):
    reserved = "404, assets, chains, cities, compare, data, downloads, index, lookup, search"
    message = f"id: {slug!r} is reserved for a page or folder of the site (reserved: {reserved})"
    assert _errors(City, _city(id=slug)) == [f"rules_data/x.yaml: {message}"]
    assert _errors(CityInput, _input(id=slug)) == [f"rules_data/x.yaml: {message}"]


@pytest.mark.parametrize("slug", ["404", "x", "a" * 41, "Jixi", "ji xi", "jixi/"])
def test_slugs_must_match_the_pattern(slug):
    assert _errors(CityInput, _input(id=slug)) == [
        "rules_data/x.yaml: id: String should match pattern '^[a-z][a-z0-9_]{1,39}$'"
    ]


def test_a_topic_cannot_be_called_index():
    topics = {"topics": [{"id": "index", "label": "总则", "description": "说明"}]}
    assert _errors(Taxonomy, topics)[0].startswith("rules_data/x.yaml: topics[0].id: 'index' is reserved")


def test_a_city_slug_index_fails_lint(project):
    for kind, key in (("inputs", "id"), ("cities", "id"), ("tags", "city"), ("chains", "city")):
        path = project / f"rules_data/{kind}/jixi.yaml"
        _edit(path, f"{key}: jixi", f"{key}: index")
        path.rename(path.with_name("index.yaml"))
    for path in (project / "rules_data/comparisons").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("    jixi:\n", "    index:\n"), encoding="utf-8")
    out = lint(project)
    assert [line.split(" is reserved")[0] for line in out] == [
        "rules_data/inputs/index.yaml: id: 'index'",
        "rules_data/cities/index.yaml: id: 'index'",
    ]  # nothing cascades from them


# --- control characters -----------------------------------------------------------------------


def test_nul_and_control_characters_are_refused_in_every_string():
    city = _city(name="鸡西\x00市")
    assert _errors(City, city) == ["rules_data/x.yaml: name: control character U+0000 at position 2 is not allowed"]
    city = _city(notice=["第一行", "第二\x1b行"])
    assert _errors(City, city) == [
        "rules_data/x.yaml: notice[1]: control character U+001B at position 2 is not allowed "
        "(only newline and tab are allowed in text)"
    ]
    city = _city()
    city["chapters"][0]["articles"][0]["paragraphs"][0]["text"] = "条文\x85正文"  # C1: NEL
    assert _errors(City, city) == [
        "rules_data/x.yaml: chapters[0].articles[0].paragraphs[0].text: control character U+0085 at position 2 "
        "is not allowed (only newline and tab are allowed in text)"
    ]


def test_newline_and_tab_are_text_but_not_labels():
    city = _city()
    city["chapters"][0]["articles"][0]["paragraphs"][0]["text"] = "第一行\n第二行\t尾"
    City.model_validate(city)
    assert _errors(City, _city(issuer="鸡西市\t人民政府")) == [
        "rules_data/x.yaml: issuer: control character U+0009 at position 3 is not allowed"
    ]


def test_a_nul_in_a_city_file_is_one_lint_line(project):
    _edit(project / "rules_data/cities/jixi.yaml", "name: 鸡西市", 'name: "鸡西\\0市"')
    assert lint(project) == ["rules_data/cities/jixi.yaml: name: control character U+0000 at position 2 is not allowed"]


# --- source files -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../README.md", "/etc/passwd", "sub/jixi.txt", "..", ".env", "a\\b.txt", ""])
def test_source_file_is_a_plain_name_under_sources(name):
    source = {"file": name, "sha256": SHA, "captured_from": "测试"}
    assert _errors(Source, source) == [
        "rules_data/x.yaml: file: must be a plain file name in rules_data/sources/ "
        f"(no '/', '..' or absolute path), got {name!r}"
    ]


def test_source_outside_sources_is_not_read(project):
    _edit(project / "rules_data/inputs/jixi.yaml", "file: jixi.txt", "file: ../../README.md")
    assert lint(project) == [
        "rules_data/inputs/jixi.yaml: source.file: must be a plain file name in rules_data/sources/ "
        "(no '/', '..' or absolute path), got '../../README.md'"
    ]


def test_a_symlink_out_of_sources_is_refused(project):
    src = project / "rules_data/sources/jixi.txt"
    outside = project / "jixi-outside.txt"
    src.rename(outside)
    src.symlink_to(outside)
    assert lint(project) == [
        "rules_data/cities/jixi.yaml: source.file: rules_data/sources/jixi.txt leads outside rules_data/sources/"
    ]


def test_source_size_limit_names_the_size_and_the_setting(project, monkeypatch):
    assert Settings().max_source_bytes == Settings.from_env({}).max_source_bytes == 2 * 1024 * 1024
    monkeypatch.setenv("RULEBOOK_MAX_SOURCE_BYTES", "24000")
    size = (project / "rules_data/sources/chenzhou.txt").stat().st_size
    out = lint(project)
    assert out[0] == (
        f"rules_data/cities/chenzhou.yaml: source.file: rules_data/sources/chenzhou.txt is {size:,} bytes, "
        "over the limit of 24,000 bytes (set RULEBOOK_MAX_SOURCE_BYTES=<bytes> to raise it)"
    )
    assert len(out) == 4  # every source but jixi's (23,480 bytes); no import is tried on them
    monkeypatch.setenv("RULEBOOK_MAX_SOURCE_BYTES", "2MB")
    assert lint(project) == ["RULEBOOK_MAX_SOURCE_BYTES: (environment): must be a positive number of bytes, got '2MB'"]


def test_lint_cli_flag_raises_or_lowers_the_source_limit():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/lint.py"), "--max-source-bytes", "100"], capture_output=True, text=True
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5 and all("over the limit of 100 bytes" in line for line in lines)


# --- the real cause, all at once --------------------------------------------------------------


def _replace_source(project: Path, raw: bytes, *, update_input: bool) -> str:
    (project / "rules_data/sources/jixi.txt").write_bytes(raw)
    digest = hashlib.sha256(raw).hexdigest()
    if update_input:  # what an editor does when replacing a capture
        _edit(
            project / "rules_data/inputs/jixi.yaml",
            "b7be1d2e5e206adfcd4c8e7cc7990f37b5c464a500ebf9fdd1bb2f700c34221c",
            digest,
        )
    return digest


GBK = "鸡西市人民政府工作规则\n第一条 为了规范工作。\n".encode("gbk")
CAUSES = {
    "gbk": (
        GBK,
        "rules_data/inputs/jixi.yaml: (import): source jixi.txt is not UTF-8 ('utf-8' codec can't decode byte "
        "0xbc in position 0: invalid start byte); convert it (e.g. from GBK) first",
    ),
    "empty": (
        b"",
        "rules_data/inputs/jixi.yaml: (import): no 第一条 and no first article 一、 found: "
        "cannot find where the rules begin; if the labels are written in a form the importer does not read, add "
        "source_fixes entries that write them as 第一条 (or 一、)",
    ),
    "no articles": (
        "鸡西市人民政府\n关于印发工作规则的通知\n".encode(),
        "rules_data/inputs/jixi.yaml: (import): no 第一条 and no first article 一、 found: "
        "cannot find where the rules begin; if the labels are written in a form the importer does not read, add "
        "source_fixes entries that write them as 第一条 (or 一、)",
    ),
}


@pytest.mark.parametrize("case", CAUSES)
def test_lint_shows_why_a_replaced_source_cannot_be_imported(project, case):
    raw, cause = CAUSES[case]
    digest = _replace_source(project, raw, update_input=True)
    assert lint(project) == [
        "rules_data/cities/jixi.yaml: source: differs from rules_data/inputs/jixi.yaml (re-run the importer)",
        cause,
    ], digest


def test_lint_shows_the_cause_next_to_a_hash_mismatch(project):
    raw, cause = CAUSES["gbk"]
    digest = _replace_source(project, raw, update_input=False)
    assert lint(project) == [
        f"rules_data/cities/jixi.yaml: source.sha256: recorded {JIXI_SHA} but rules_data/sources/jixi.txt has {digest}",
        cause,
    ]


def test_import_checks_run_while_other_files_are_broken(project):
    (project / "rules_data/topics.yaml").write_text("topics: [unclosed\n", encoding="utf-8")
    _replace_source(project, CAUSES["gbk"][0], update_input=True)
    assert sorted(lint(project)) == [
        "rules_data/cities/jixi.yaml: source: differs from rules_data/inputs/jixi.yaml (re-run the importer)",
        CAUSES["gbk"][1],
        "rules_data/topics.yaml: line 2: YAML error: did not find expected ',' or ']'",
    ]


# --- no cascade -------------------------------------------------------------------------------


def test_a_broken_taxonomy_is_one_error(project):
    (project / "rules_data/topics.yaml").write_text("topics: [unclosed\n", encoding="utf-8")
    assert lint(project) == ["rules_data/topics.yaml: line 2: YAML error: did not find expected ',' or ']'"]


def test_a_schema_broken_taxonomy_is_one_error(project):
    _edit(project / "rules_data/topics.yaml", "  - id: general\n", "  - id: General\n")
    assert lint(project) == ["rules_data/topics.yaml: topics[0].id: String should match pattern '^[a-z][a-z0-9_]*$'"]


@pytest.mark.parametrize("kind", ["tags", "chains"])
def test_a_broken_file_is_not_also_missing(project, kind):
    (project / f"rules_data/{kind}/jixi.yaml").write_text("city: [x\n", encoding="utf-8")
    assert lint(project) == [f"rules_data/{kind}/jixi.yaml: line 2: YAML error: did not find expected ',' or ']'"]


def test_a_tags_file_naming_another_city_is_one_error(project):
    _edit(project / "rules_data/tags/liyang.yaml", "city: liyang", "city: jixi")
    assert lint(project) == ["rules_data/tags/liyang.yaml: city: 'jixi' does not match the file name 'liyang'"]


def test_a_duplicated_city_id_is_two_errors(project):
    (project / "rules_data/cities/jixi2.yaml").write_bytes((project / "rules_data/cities/jixi.yaml").read_bytes())
    assert lint(project) == [
        "rules_data/cities/jixi2.yaml: id: id 'jixi' does not match the file name 'jixi2'",
        "rules_data/cities/jixi2.yaml: id: no input file rules_data/inputs/jixi2.yaml",
    ]


def test_a_city_id_taken_from_another_city_is_one_error(project):
    _edit(project / "rules_data/cities/liyang.yaml", "id: liyang", "id: jixi")
    assert lint(project) == ["rules_data/cities/liyang.yaml: id: id 'jixi' does not match the file name 'liyang'"]


# --- markup in names and labels ---------------------------------------------------------------


def test_markup_in_names_and_labels_is_refused(project):
    _edit(project / "rules_data/cities/jixi.yaml", "name: 鸡西市", "name: <img src=x onerror=alert(1)>")
    _edit(project / "rules_data/topics.yaml", "label: 总则与指导原则", "label: 总则{{ config }}")
    _edit(project / "rules_data/chains/jixi.yaml", "actor: 主办部门的主要负责人", "actor: '%%{init: {}}%%`x`'")
    assert lint(project) == [
        "rules_data/cities/jixi.yaml: name: markup-like characters are not allowed in names and labels: '<', '>'",
        "rules_data/topics.yaml: topics[0].label: markup-like characters are not allowed in names and labels: "
        "'{{', '}}'",
        "rules_data/chains/jixi.yaml: chains[0].nodes[1].actor: markup-like characters are not allowed in names "
        "and labels: '}}', '%%{', '`'",
    ]


def test_free_text_may_hold_any_printable_character(project):
    text = "<b>{{ x }}</b> `%%{init}%%`"
    _edit(
        project / "rules_data/topics.yaml", "description: 制定目的与依据、指导思想、工作准则", f"description: '{text}'"
    )
    book, errors = check_rulebook(project)
    assert errors == []
    assert book.topics()[0].description == text


def test_allow_markup_switch_and_environment(project, monkeypatch):
    _edit(project / "rules_data/cities/jixi.yaml", "name: 鸡西市", "name: <b>鸡西市</b>")
    assert check_rulebook(project, Settings(allow_markup=True))[1] == []
    assert len(check_rulebook(project, Settings(allow_markup=False))[1]) == 1
    monkeypatch.setenv("RULEBOOK_ALLOW_MARKUP", "1")
    allowed = Settings.from_env()
    assert load_rulebook(project, allowed).city("jixi").name == "<b>鸡西市</b>"
    assert "allow_markup=True" in allowed.key(DATA)  # part of the cached book's and lint's keys
    monkeypatch.setenv("RULEBOOK_ALLOW_MARKUP", "0")
    with pytest.raises(DataError):
        load_rulebook(project, Settings.from_env())


def test_the_importer_refuses_a_capture_whose_title_is_markup(project):
    src = project / "rules_data/sources/jixi.txt"
    raw = src.read_bytes().replace("鸡西市人民政府工作规则".encode(), "<script>鸡西市人民政府工作规则".encode())
    _replace_source(project, raw, update_input=True)
    with pytest.raises(DataError) as e:
        import_one("jixi", project)
    assert (
        "rules_data/inputs/jixi.yaml: (import): title: markup-like characters are not allowed in names and labels: "
        "'<', '>' (from the source text; override it in metadata)"
    ) in e.value.errors
    assert [line.split(": ")[2] for line in e.value.errors] == ["name", "title", "issuer"]


# --- flowcharts ------------------------------------------------------------------------------


def test_flowchart_labels_are_text_not_markup(book):
    from rulebook.views import flowchart

    ch = book.chains["chenzhou"].chains[0]
    evil = ch.model_copy(update={"nodes": [ch.nodes[0].model_copy(update={"actor": "%%{init}%% <script>x</script>`"})]})
    text = flowchart.svg(evil.model_copy(update={"edges": []}), book.city("chenzhou"), "<a>", {})
    assert "<script>" not in text and "&lt;script&gt;x&lt;/script&gt;" in text and "%%{init}%%" in text


# --- command-line scripts ---------------------------------------------------------------------


def test_lint_cli_prints_messages_not_tracebacks(project):
    _edit(project / "rules_data/boilerplate.yaml", "  - ^精确检索$", "  - ^精确(检索$")
    result = subprocess.run(
        [sys.executable, str(project / "scripts/lint.py"), "--root", str(project)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("rules_data/boilerplate.yaml: header[1]: invalid regular expression")


def test_canonical_cli_names_the_broken_file(project):
    (project / "rules_data/tags/jixi.yaml").write_text("city: jixi\ntags: []\n", encoding="utf-8")
    cmd = [sys.executable, str(project / "scripts/canonical.py"), "--check"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == ["rules_data/tags/jixi.yaml: tags: Input should be a valid dictionary"]
    debug = subprocess.run([*cmd, "--debug"], capture_output=True, text=True)
    assert debug.returncode == 1 and "Traceback" in debug.stderr
