"""docs/reliability.md stays true: each bad input's message appears in the real output; each named test exists."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, copy_project

from rulebook.data import yamlio
from rulebook.data.lint import lint

# The last column: the message (or the test that checks the case), in backticks, after plain words if any.
ROW = re.compile(r"^\| (R\d+) \|.*\| [^|`]*`([^`]+)` \|$", re.M)
ROWS = dict(ROW.findall((ROOT / "docs/reliability.md").read_text(encoding="utf-8")))


def _edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    data = yamlio.load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yamlio.dump(data), encoding="utf-8")


def _input(project: Path, change: Callable[[dict], None]) -> None:
    _edit_yaml(project / "rules_data/inputs/jixi.yaml", change)


def _bad_regex(p: Path) -> None:
    _edit_yaml(p / "rules_data/boilerplate.yaml", lambda d: d["header"].insert(0, "^精确(检索$"))


def _terms_list(p: Path) -> None:
    (p / "rules_data/search_terms.yaml").write_text("- 常务会议\n", encoding="utf-8")


def _long_term(p: Path) -> None:
    _edit_yaml(p / "rules_data/search_terms.yaml", lambda d: d["terms"]["meetings"].append("会" * 200_000))


def _markup_name(p: Path) -> None:
    _input(p, lambda d: d["metadata"].update(name="鸡西市<img src=x onerror=alert(1)>"))


def _escape_source(p: Path) -> None:
    _input(p, lambda d: d["source"].update(file="../../README.md"))


def _nul(p: Path) -> None:
    _input(p, lambda d: d["metadata"].update(status_note="未核实\x00"))


def _broken_taxonomy(p: Path) -> None:
    (p / "rules_data/topics.yaml").write_text("topics:\n  - id: general\n   label: [\n", encoding="utf-8")


def _correction(find: str, replace: str) -> Callable[[Path], None]:
    def edit(p: Path) -> None:
        _input(p, lambda d: d.update(corrections=[{"article": 1, "find": find, "replace": replace, "reason": "测试"}]))

    return edit


def _jixi_article_1(p: Path) -> str:
    data = yamlio.load((p / "rules_data/cities/jixi.yaml").read_text(encoding="utf-8"))
    return data["chapters"][0]["articles"][0]["paragraphs"][0]["text"]


def _stale(p: Path) -> None:
    first = _jixi_article_1(p)[:6]
    _correction(first, first)(p)  # a valid correction the committed city file does not have yet


def _emptied(p: Path) -> None:
    _correction(_jixi_article_1(p), "")(p)


def _source(raw: bytes) -> Callable[[Path], None]:
    def edit(p: Path) -> None:
        (p / "rules_data/sources/jixi.txt").write_bytes(raw)

    return edit


CASES: dict[str, Callable[[Path], None]] = {
    "R1": _bad_regex,
    "R2": _terms_list,
    "R3": _long_term,
    "R4": _markup_name,
    "R5": _escape_source,
    "R6": _nul,
    "R7": _broken_taxonomy,
    "R8": _stale,
    "R9": _correction("这段文字不在条文里", "x"),
    "R10": _emptied,
    "R11": _source("鸡西市人民政府工作规则\n第一条 为了规范工作。\n".encode("gbk")),
    "R12": _source(("第一条 " + "规" * 1_000_000 + "\n").encode()),
}
BUILD_CASES = {"R28"}  # checked by a build below
TESTED_ELSEWHERE = {k: v for k, v in ROWS.items() if v.startswith("tests/")}


def test_every_row_is_checked():
    assert len(ROWS) >= 20
    assert set(ROWS) == set(CASES) | set(TESTED_ELSEWHERE) | BUILD_CASES


@pytest.mark.parametrize("case", sorted(CASES, key=lambda k: int(k[1:])))
def test_the_message_in_the_table_is_what_lint_prints(tmp_path, case):
    project = copy_project(tmp_path / "p")
    CASES[case](project)
    errors = lint(project)
    assert errors, f"{case}: lint found nothing"
    assert any(ROWS[case] in e for e in errors), errors
    if case == "R7":
        assert len(errors) == 1, errors  # one broken taxonomy, one message: no cascade


@pytest.mark.parametrize("case", sorted(TESTED_ELSEWHERE, key=lambda k: int(k[1:])))
def test_the_named_test_exists(case):
    path, name = ROWS[case].split("::")
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    assert name in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_a_full_disk_stops_the_build_with_one_line_naming_the_file(built_site, tmp_path):
    """R28: a write the disk refuses (ENOSPC: here the page 404.html is /dev/full) stops the build with one
    line naming the file, the cause and the way out, not MkDocs' traceback."""
    import os
    import shutil
    import subprocess
    import sys

    out = tmp_path / "site"
    shutil.copytree(built_site, out)
    (out / "404.html").unlink()
    (out / "404.html").symlink_to("/dev/full")  # every write to it fails with ENOSPC
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--dirty", "-d", str(out)]  # --dirty: the folder is kept
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 1
    log = result.stdout + result.stderr
    assert "Traceback" not in log and "OSError" not in log
    stopped = [line for line in log.splitlines() if "ENOSPC" in line]
    assert stopped == [f"build stopped: {out / '404.html'}: {ROWS['R28']}"], log[-2000:]
