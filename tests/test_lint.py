"""The linter reports every error at once, as `file: key.path: message`, and exits non-zero."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, copy_project


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

    result = subprocess.run(
        [sys.executable, str(project / "scripts/lint.py"), "--root", str(project)], capture_output=True, text=True
    )
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
    result = subprocess.run(
        [sys.executable, str(project / "scripts/lint.py"), "--root", str(project)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "rules_data/cities/ziyang.yaml: (file): stale" in result.stdout
