"""The linter reports every error at once, as `file: key.path: message`, and exits non-zero."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, copy_project


def _lint(project) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(project / "scripts/lint.py"), "--root", str(project)], capture_output=True, text=True
    )


def test_clean_data_lints_ok():
    result = subprocess.run([sys.executable, str(ROOT / "scripts/lint.py")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout


def test_lint_reports_several_seeded_errors_at_once(tmp_path):
    project = copy_project(tmp_path)
    cities = project / "rules_data/cities"
    # 1. a YAML syntax error
    (cities / "jixi.yaml").write_text("id: jixi\nname: [unclosed\nissuer: x\n", encoding="utf-8")
    # 2. an unknown key and 3. a bad enum value in another file
    zz = (cities / "zhuzhou.yaml").read_text(encoding="utf-8")
    zz = zz.replace("level: 地级市", "level: 直辖市").replace("numbering: 第X条", "numbering: 第X条\ncolour: red")
    (cities / "zhuzhou.yaml").write_text(zz, encoding="utf-8")
    # 4. an id that does not match its file name
    ly = (cities / "liyang.yaml").read_text(encoding="utf-8").replace("id: liyang", "id: liyang2")
    (cities / "liyang.yaml").write_text(ly, encoding="utf-8")
    # 5. a tampered source file
    src = project / "rules_data/sources/ziyang.txt"
    src.write_bytes(src.read_bytes() + b"\n")

    result = _lint(project)
    out = result.stdout
    assert result.returncode == 1
    assert "rules_data/cities/jixi.yaml: line 3: YAML error" in out
    assert "rules_data/cities/zhuzhou.yaml: level: Input should be" in out
    assert "rules_data/cities/zhuzhou.yaml: colour: Extra inputs are not permitted" in out
    assert "rules_data/cities/liyang.yaml: id: id 'liyang2' does not match the file name 'liyang'" in out
    assert "rules_data/cities/ziyang.yaml: source.sha256: recorded" in out
    assert len(out.strip().splitlines()) == 5


def test_lint_catches_a_stale_generated_file(tmp_path):
    project = copy_project(tmp_path)
    path = project / "rules_data/cities/ziyang.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("结构优化", "结构优化呀"), encoding="utf-8")
    result = _lint(project)
    assert result.returncode == 1
    assert "rules_data/cities/ziyang.yaml: (file): stale" in result.stdout


def test_lint_reports_broken_comparisons_tags_and_chains_at_once(tmp_path):
    project = copy_project(tmp_path)
    data = project / "rules_data"
    meetings = data / "comparisons/meetings.yaml"
    text = meetings.read_text(encoding="utf-8")
    # 1. a quote that is not in its article, 2. a number the quote does not state
    text = text.replace("quote: 市人民政府常务会议一般每月召开两次", "quote: 市人民政府常务会议一般每周召开一次", 1)
    text = text.replace("number: 24.0", "number: 25.0", 1)
    meetings.write_text(text, encoding="utf-8")
    # 3. 原文缺失 for a city whose source is complete
    docs = data / "comparisons/documents.yaml"
    d = docs.read_text(encoding="utf-8")
    d = d.replace(
        "    jixi:\n      status: 有规定\n      value: 《国家行政机关公文处理办法》\n      article: 49\n"
        "      quote: 应当符合《国家行政机关公文处理办法》的规定\n",
        "    jixi:\n      status: 原文缺失\n      note: 测试用的错误状态\n",
        1,
    )
    docs.write_text(d, encoding="utf-8")
    # 4. an unknown topic id in the tags
    tags = data / "tags/ziyang.yaml"
    tags.write_text(
        tags.read_text(encoding="utf-8").replace("art_1:\n  - general", "art_1:\n  - weather", 1), encoding="utf-8"
    )
    # 5. a chain quote that is not in its article
    chains = data / "chains/jixi.yaml"
    c = chains.read_text(encoding="utf-8")
    first_quote = next(line for line in c.splitlines() if line.strip().startswith("quote:"))
    chains.write_text(c.replace(first_quote, first_quote + "（伪造）", 1), encoding="utf-8")
    # 6. a duplicate key
    tl = data / "tags/liyang.yaml"
    tl.write_text(tl.read_text(encoding="utf-8") + "city: liyang\n", encoding="utf-8")

    result = _lint(project)
    out = result.stdout
    assert result.returncode == 1
    assert "rules_data/comparisons/meetings.yaml: attributes[2].cells.chenzhou.quote: not found verbatim" in out
    assert "number: 25 次/年 is not what the quote says" in out
    assert (
        "rules_data/comparisons/documents.yaml: attributes[0].cells.jixi.status: 原文缺失 but jixi's source is complete"
        in out
    )
    assert "rules_data/tags/ziyang.yaml: tags.art_1: unknown topic id 'weather'" in out
    assert "rules_data/chains/jixi.yaml: chains[0].nodes[0].quote: not found verbatim" in out
    assert "rules_data/tags/liyang.yaml: line" in out and "duplicate key 'city'" in out


def test_cached_lint_after_an_edit_reports_what_a_fresh_lint_does(tmp_path):
    # The build's lint reuses parsed files and import checks of unchanged cities (data.file_memo,
    # lint._import_key): an edit to one file must still be found, and a fixed file found clean.
    from rulebook.data.lint import check_and_load, lint
    from rulebook.data.load import load_rulebook

    project = copy_project(tmp_path)
    cache = project / ".cache"
    assert check_and_load(project, cache)[0] == []
    city = project / "rules_data/cities/liyang.yaml"
    good = city.read_text(encoding="utf-8")
    first = next(line for line in good.splitlines() if line.strip().startswith("text: ") and len(line) > 30)
    city.write_text(good.replace(first, first + "多出的字", 1), encoding="utf-8")  # stale: not what the importer makes
    errors = check_and_load(project, cache)[0]
    assert errors == lint(project) != []
    assert any("liyang.yaml" in e and "stale" in e for e in errors), errors
    city.write_text(good, encoding="utf-8")
    assert check_and_load(project, cache)[0] == []
    # A clean state not seen before: the memo's book is the one a fresh load makes, and the memo wrote
    # only the edited file's entry (one cache file per data file, not one pickle of them all).
    (memo,) = cache.glob("models-*")
    before = {f.name: f.stat().st_mtime_ns for f in memo.iterdir()}
    assert len(before) > 40
    (project / "rules_data/tags/liyang.yaml").write_text(
        (project / "rules_data/tags/liyang.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    errors, book = check_and_load(project, cache)
    assert errors == [] and book is not None
    assert book == load_rulebook(project)
    after = {f.name: f.stat().st_mtime_ns for f in memo.iterdir()}
    assert sorted(after) == sorted(before)
    # liyang's tags, and its city file: restored above on a cached clean pass, so its entry was the stale one
    from rulebook.data.load import _memo_name

    edited = [project / "rules_data/tags/liyang.yaml", city]
    assert {n for n in after if after[n] != before[n]} == {_memo_name(str(p)) + x for p in edited for x in ("", ".sum")}
