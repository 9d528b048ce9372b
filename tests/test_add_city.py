"""Adding an unseen city in one command, end to end: import, report, data files, site, search."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT, add_city, copy_project, mkdocs_build

FIX = ROOT / "tests/fixtures"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project copy with two imaginary counties added the way an editor would."""
    p = copy_project(tmp_path_factory.mktemp("proj"))
    reports = {
        "qingshi": add_city(
            p, "qingshi", (FIX / "county_dunhao.txt").read_text(encoding="utf-8"), "某某省", "县（区）级"
        ),
        "baihe": add_city(
            p, "baihe", (FIX / "county_tiao_truncated.txt").read_text(encoding="utf-8"), "某某省", "县（区）级"
        ),
    }
    lint = subprocess.run([sys.executable, str(p / "scripts/lint.py")], capture_output=True, text=True)
    site = p / "site"
    build = mkdocs_build(p, site)
    return {"root": p, "reports": reports, "lint": lint, "build": build, "site": site}


@pytest.mark.build
def test_the_importer_report_says_what_it_found(project):
    qs = project["reports"]["qingshi"]
    assert "dropped" in qs and "当前位置" in qs and "索引号" in qs  # portal header and metadata dropped
    assert "扫一扫" in qs  # footer dropped
    bh = project["reports"]["baihe"]
    assert "no 文号" in bh and "marked incomplete" in bh and "no issue date" in bh


@pytest.mark.build
def test_the_data_files_are_written_and_lint_clean(project):
    root = project["root"]
    assert project["lint"].returncode == 0, project["lint"].stdout
    city = (root / "rules_data/cities/qingshi.yaml").read_text(encoding="utf-8")
    assert "doc_number: 青政发〔2024〕3号" in city and "issued: '2024-03-01'" in city
    assert "doc_number: 青政发〔2019〕8号" in city  # supersedes
    assert "curated: false" in (root / "rules_data/tags/qingshi.yaml").read_text(encoding="utf-8")
    comparisons = (root / "rules_data/comparisons/meetings.yaml").read_text(encoding="utf-8")
    assert re.search(r"qingshi:\n\s+status: 待整理", comparisons)


@pytest.mark.build
def test_the_site_shows_the_new_cities_everywhere(project):
    assert project["build"].returncode == 0, project["build"].stderr[-2000:]
    site = project["site"]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "青石县" in home and "白河县" in home
    page = (site / "cities/qingshi/index.html").read_text(encoding="utf-8")
    assert len(re.findall(r'id="art_\d+"', page)) == 5
    assert "会议纪要由县长签发。" in page  # page break repaired
    baihe = (site / "cities/baihe/index.html").read_text(encoding="utf-8")
    assert "原文缺失" in baihe and "rb-truncated" in baihe
    table = (site / "compare/meetings/index.html").read_text(encoding="utf-8")
    row = table[table.index('<tr data-city="qingshi"') :]
    row = row[: row.index("</tr>")]
    # Every cell is 待整理 or a labelled machine suggestion (待核), never a plain value.
    assert row.count("待整理") + row.count("机器建议，待核") == table.count('<th scope="col" data-attr=')
    assert "机器建议，待核" in row and "rb-value" not in row
    # Downloads flag the suggestion; it is never 有规定.
    rows = json.loads((site / "data/comparisons.json").read_text(encoding="utf-8"))["rows"]
    new = [r for r in rows if r["city"] == "qingshi"]
    assert any(r["machine_suggestion"] and r["status"] == "待核" for r in new)
    assert all(r["status"] in ("待整理", "待核") for r in new)
    chains = (site / "chains/outgoing/index.html").read_text(encoding="utf-8")
    assert re.search(r'data-city="qingshi"[^>]*data-chain="outgoing"', chains)
    assert "待整理" in chains
    shard = (site / "lookup/shards/qingshi.js").read_text(encoding="utf-8")
    assert "每月召开两次" in shard
    meta = (site / "lookup/meta.js").read_text(encoding="utf-8")
    assert '"city":"qingshi"' in meta  # the header box finds the new city by name


# --- the recovery path: failures keep the files and say how to go on -------------------------


def _run(project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(project / "scripts/add_city.py"), *args], capture_output=True, text=True, cwd=project
    )


@pytest.fixture
def bare_project(tmp_path):
    """A project copy to add cities to, without building the site."""
    return copy_project(tmp_path / "proj")


NO_TITLE = "第一章 总则\n\n第一条 为规范县政府工作，制定本规则。\n\n第二条 本规则自印发之日起施行。\n"


@pytest.mark.slow  # add_city.py three times and a lint: each imports and checks every city
def test_a_failed_import_keeps_the_files_and_resume_finishes_it(bare_project):
    p = bare_project
    raw = p / "dongshan.raw.txt"
    raw.write_text(NO_TITLE, encoding="utf-8")
    first = _run(p, "dongshan", str(raw), "--province", "某某省", "--level", "县（区）级")
    assert first.returncode == 1 and "Traceback" not in first.stderr
    assert first.stderr.splitlines()[:3] == [
        "rules_data/inputs/dongshan.yaml: title: no title found (no line ending in 工作规则 before the first "
        "chapter) and metadata.title not set",
        "kept the source and the input file in rules_data/pending/dongshan/ (dongshan.txt, dongshan.yaml), out "
        "of the way of other cities; nothing else was written.",
        "no title: re-run with the title given: python scripts/add_city.py dongshan --resume --title "
        "某某市人民政府工作规则",
    ]
    assert (p / "rules_data/pending/dongshan/dongshan.txt").read_text(encoding="utf-8") == NO_TITLE
    assert (p / "rules_data/pending/dongshan/dongshan.yaml").exists()
    assert not (p / "rules_data/sources/dongshan.txt").exists() and not (p / "rules_data/inputs/dongshan.yaml").exists()
    assert not (p / "rules_data/cities/dongshan.yaml").exists() and not (p / "rules_data/tags/dongshan.yaml").exists()
    second = _run(p, "dongshan", "--resume", "--title", "东山县人民政府工作规则")
    assert second.returncode == 0, second.stderr
    city = (p / "rules_data/cities/dongshan.yaml").read_text(encoding="utf-8")
    assert "title: 东山县人民政府工作规则" in city and "name: 东山县" in city
    assert "title: 东山县人民政府工作规则" in (p / "rules_data/inputs/dongshan.yaml").read_text(encoding="utf-8")
    assert (p / "rules_data/tags/dongshan.yaml").exists() and not (p / "rules_data/pending").exists()
    again = _run(p, "dongshan", str(raw))  # the same raw file again: idempotent
    assert again.returncode == 0, again.stderr
    assert (p / "rules_data/cities/dongshan.yaml").read_text(encoding="utf-8") == city
    lint = subprocess.run([sys.executable, str(p / "scripts/lint.py")], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_an_existing_slug_with_another_text_is_refused(bare_project):
    raw = bare_project / "other.txt"
    raw.write_text("某县人民政府工作规则\n\n第一条 本规则自印发之日起施行。\n", encoding="utf-8")
    result = _run(bare_project, "zhuzhou", str(raw), "--province", "湖南省", "--level", "地级市")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("rules_data/sources/zhuzhou.txt: (file): exists with different content")


def test_a_capture_that_cannot_be_imported_names_the_source_fixes_route(bare_project):
    raw = ROOT / "tests/fixtures/one_line.txt"
    result = _run(bare_project, "yixian", str(raw), "--province", "某某省", "--level", "县级市")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("rules_data/sources/yixian.txt: structure: no line starts with an article label")
    assert any(
        line.startswith("the capture cannot be imported as it reads: where a line is faithful") for line in lines
    )


@pytest.mark.slow  # two add_city.py runs and a lint
def test_a_failed_add_never_blocks_adding_another_city(bare_project):
    p = bare_project
    bad = p / "bad.txt"
    bad.write_text(
        "第一章 总则\n\n第一条 为规范县政府工作，制定本规则。第二条 本规则自印发之日起施行。\n", encoding="utf-8"
    )
    first = _run(
        p, "huaixian", str(bad), "--province", "某某省", "--level", "县（区）级", "--title", "某县人民政府工作规则"
    )
    assert first.returncode == 1
    assert first.stderr.splitlines()[0].startswith(
        "rules_data/sources/huaixian.txt: line 3: articles run together on one line: 第二条 starts inside it"
    )
    assert "source_fixes entry for line 3" in first.stderr
    second = _run(p, "jiexian", str(ROOT / "tests/fixtures/sections.txt"), "--province", "某某省", "--level", "地级市")
    assert second.returncode == 0, second.stderr
    lint = subprocess.run([sys.executable, str(p / "scripts/lint.py")], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    # the route the message names: a source fix in the kept input file, then --resume
    kept = p / "rules_data/pending/huaixian/huaixian.yaml"
    kept.write_text(
        kept.read_text(encoding="utf-8")
        + 'source_fixes:\n- line: 3\n  find: 。第二条\n  replace: "。\\n第二条"\n  reason: 抓取丢失换行\n',
        encoding="utf-8",
    )
    done = _run(p, "huaixian", "--resume")
    assert done.returncode == 0, done.stderr
    city = (p / "rules_data/cities/huaixian.yaml").read_text(encoding="utf-8")
    assert "label: 第二条" in city and "抓取丢失换行（原文第3行，解析前校正）" in city


def test_missing_level_is_a_message(bare_project):
    raw = ROOT / "tests/fixtures/sections.txt"
    result = _run(bare_project, "jiexian", str(raw), "--province", "某某省")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "rules_data/inputs/jiexian.yaml: metadata.level: Field required",
        "nothing written; pass --province and --level and re-run",
    ]
    assert not (bare_project / "rules_data/sources/jiexian.txt").exists()


@pytest.mark.slow
def test_the_manual_route_in_the_readme_works(bare_project):
    """Source and input written by hand, then import_city.py and add_city.py --resume: lint-clean."""
    p = bare_project
    raw = (ROOT / "tests/fixtures/sections.txt").read_bytes()
    (p / "rules_data/sources/jiexian.txt").write_bytes(raw)
    (p / "rules_data/inputs/jiexian.yaml").write_text(
        "id: jiexian\nsource:\n  file: jiexian.txt\n  sha256: "
        + hashlib.sha256(raw).hexdigest()
        + "\n  captured_from: 测试\nmetadata:\n  province: 某某省\n",
        encoding="utf-8",
    )
    imp = subprocess.run(
        [sys.executable, str(p / "scripts/import_city.py"), "jiexian"], capture_output=True, text=True, cwd=p
    )
    assert imp.returncode == 1 and imp.stderr == "rules_data/inputs/jiexian.yaml: metadata.level: Field required\n"
    done = _run(p, "jiexian", "--resume", "--level", "地级市")
    assert done.returncode == 0, done.stderr
    lint = subprocess.run([sys.executable, str(p / "scripts/lint.py")], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
