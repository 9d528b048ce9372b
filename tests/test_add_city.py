"""Adding an unseen city in one command, end to end: import, report, data files, site, search."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT, add_city, copy_project, mkdocs_build

pytestmark = pytest.mark.build
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


def test_the_importer_report_says_what_it_found(project):
    qs = project["reports"]["qingshi"]
    assert "dropped" in qs and "当前位置" in qs and "索引号" in qs  # portal header and metadata dropped
    assert "扫一扫" in qs  # footer dropped
    bh = project["reports"]["baihe"]
    assert "no 文号" in bh and "marked incomplete" in bh and "no issue date" in bh


def test_the_data_files_are_written_and_lint_clean(project):
    root = project["root"]
    assert project["lint"].returncode == 0, project["lint"].stdout
    city = (root / "rules_data/cities/qingshi.yaml").read_text(encoding="utf-8")
    assert "doc_number: 青政发〔2024〕3号" in city and "issued: '2024-03-01'" in city
    assert "doc_number: 青政发〔2019〕8号" in city  # supersedes
    assert "curated: false" in (root / "rules_data/tags/qingshi.yaml").read_text(encoding="utf-8")
    comparisons = (root / "rules_data/comparisons/meetings.yaml").read_text(encoding="utf-8")
    assert re.search(r"qingshi:\n\s+status: 待整理", comparisons)


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
    assert row[: row.index("</tr>")].count("待整理") == table.count('<th scope="col" data-attr=')
    chains = (site / "chains/outgoing/index.html").read_text(encoding="utf-8")
    assert re.search(r'data-city="qingshi"[^>]*data-chain="outgoing"', chains)
    assert "待整理" in chains
    shard = (site / "lookup/shards/qingshi.js").read_text(encoding="utf-8")
    assert "每月召开两次" in shard
    meta = (site / "lookup/meta.js").read_text(encoding="utf-8")
    assert '"path":"cities/qingshi"' in meta  # the header box finds the new city by name
