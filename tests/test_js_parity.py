"""The browser's twins of Python logic answer as the Python does: Chinese numerals and 第X条 labels, the
quantities, the sentence split, the draft split (against the importer), the term index's bucket hash and
term weights. rulebook.devtools.js_cases writes the Python's answers; tests/js/ (Node's own test runner,
no browser) checks docs/assets/rb-common.js, search-engine.js and check-engine.js against them, case by case.

Standalone: python -m rulebook.devtools.js_cases /tmp/cases && RB_JS_CASES=/tmp/cases node --test tests/js/
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from rulebook.devtools.js_cases import write_cases

TABLES = {
    "tables.json",
    "check.json",
    "numerals.json",
    "article_labels.json",
    "quantities.json",
    "sentences.json",
    "split.json",
    "fnv1a.json",
    "term_weights.json",
}


def _node_tests(cases: Path) -> tuple[int, str, int, int]:
    """Run tests/js/ on the tables in `cases`: (exit code, output, tests passed, tests failed)."""
    node = shutil.which("node")
    assert node, "node (20 or later) is required: tests/js/ run under Node's built-in test runner"
    run = subprocess.run(
        [node, "--test", "--test-reporter=tap", "tests/js/"],
        cwd=ROOT,
        env={**os.environ, "RB_JS_CASES": str(cases)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = run.stdout + run.stderr
    counts = {k: int(v) for k, v in re.findall(r"^# (pass|fail) (\d+)$", out, re.M)}
    return run.returncode, out, counts.get("pass", 0), counts.get("fail", -1)


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The case tables, written once for this module (the check's cases take seconds)."""
    out = tmp_path_factory.mktemp("js-cases")
    return out, write_cases(out)


def test_the_javascript_twins_answer_as_the_python(cases):
    folder, files = cases
    assert {p.name for p in files} == TABLES and all(p.stat().st_size > 100 for p in files)
    code, out, passed, failed = _node_tests(folder)
    print(out)
    assert code == 0 and passed > 0 and failed == 0, out


def test_a_disagreement_fails_naming_its_input(cases, tmp_path):
    shutil.copytree(cases[0], tmp_path, dirs_exist_ok=True)
    numerals = json.loads((tmp_path / "numerals.json").read_text(encoding="utf-8"))
    case = next(c for c in numerals["cn_to_int"] if c["input"] == "一百零二")
    case["output"] = 120
    (tmp_path / "numerals.json").write_text(json.dumps(numerals, ensure_ascii=False), encoding="utf-8")
    code, out, passed, failed = _node_tests(tmp_path)
    assert code != 0 and failed >= 1 and passed > 0, out
    assert 'input "一百零二": JavaScript 102, Python 120' in out, out


def test_the_tables_are_written_from_the_command_line(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "rulebook.devtools.js_cases", str(tmp_path / "cases")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert {Path(line).name for line in run.stdout.split()} == TABLES
    split = json.loads((tmp_path / "cases" / "split.json").read_text(encoding="utf-8"))
    names = {c["name"] for c in split}
    assert {f"sources/{slug}.txt" for slug in ("chenzhou", "jixi", "liyang", "zhuzhou", "ziyang")} <= names
    assert len([n for n in names if n.startswith("tests/fixtures/")]) == len(
        [*(ROOT / "tests/fixtures").glob("*.txt"), *(ROOT / "tests/fixtures/import_forms").glob("**/*.txt")]
    )
