"""Atomic builds (scripts/build.py) and the build's refusal of bad or stale data (on_config runs lint).

One project copy and one target site for the module; every failing or killed build must leave the
target byte-identical (path -> sha256 of every file) and no temporary folder behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, copy_project

from rulebook.build import atomic
from rulebook.data import lint

DEAD_PID = 99_999_999  # above Linux's largest pid_max (2**22): never a live process
FIXTURE_MARKS = {"site": "build"}  # the tests on the built site build again (conftest marks them)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(target: Path) -> list[str]:
    atomic.wait_removed(target)  # a finished rebuild's old site is deleted by a detached process
    return sorted(p.name for p in target.parent.iterdir() if p.name.startswith(f"{target.name}."))


def run(cmd: list[str], project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(cmd, capture_output=True, text=True, cwd=project, env=env, timeout=600)


def build_py(project: Path, target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, str(project / "scripts/build.py"), "-d", str(target), *extra], project)


def mkdocs_build(project: Path, target: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(target)], project)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = copy_project(tmp_path_factory.mktemp("atomic") / "project")
    if (ROOT / ".cache").is_dir():  # warm caches (keyed by content, so sharing them is safe): a faster suite
        shutil.copytree(ROOT / ".cache", p / ".cache", ignore=shutil.ignore_patterns("lint-*"))
    return p


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    """The previous site: the first atomic build into a folder that does not exist yet."""
    target = project.parent / "www" / "site"
    result = build_py(project, target, "-q")
    assert result.returncode == 0, result.stderr[-3000:]
    return target


@pytest.fixture
def edit(project: Path):
    """Change a project file for one test; restored afterwards."""
    saved: dict[Path, bytes] = {}

    def change(rel: str, old: str, new: str) -> None:
        path = project / rel
        saved.setdefault(path, path.read_bytes())
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    yield change
    for path, data in saved.items():
        path.write_bytes(data)


def test_first_build_creates_the_site(site: Path) -> None:
    assert "<title>市政府工作规则汇编</title>" in (site / "index.html").read_text(encoding="utf-8")
    assert "第四十八条" in (site / "cities/liyang/index.html").read_text(encoding="utf-8")
    assert (site / "lookup/shards/liyang.js").is_file() and (site / "data").is_dir()
    assert leftovers(site) == []


def test_late_failure_leaves_the_site_identical(project: Path, site: Path) -> None:
    before = snapshot(site)
    # A broken link fails the strict build at its very end, after every page was written.
    page = project / "docs/broken.md"
    page.write_text("# 坏链接\n\n[缺失](missing.md)\n", encoding="utf-8")
    try:
        result = build_py(project, site)
    finally:
        page.unlink()
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "Building documentation to directory" in out  # MkDocs had cleaned its folder and was writing
    assert "'missing.md'" in out and "warnings in strict mode!" in out
    assert f"build failed: mkdocs build failed (exit 1); {site} was left unchanged" in result.stderr
    assert "Traceback" not in out
    assert snapshot(site) == before
    assert leftovers(site) == []


def test_missing_node_modules_leaves_the_site_identical(project: Path, site: Path) -> None:
    before = snapshot(site)
    link = project / "node_modules"
    target = link.readlink()
    link.unlink()
    try:
        result = build_py(project, site, "-q")
    finally:
        link.symlink_to(target)
    assert result.returncode == 1
    assert "node_modules/lunr/lunr.min.js is missing: run `npm ci`" in result.stderr
    assert "was left unchanged" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(site) == before
    assert leftovers(site) == []


def test_failing_pdf_step_leaves_the_site_identical(project: Path, site: Path) -> None:
    """--pdf runs the project's scripts/pdf.py on the new site; here a stand-in for it (no Chromium needed)
    writes a partial PDF into the folder it is given, then fails: the last step of a build."""
    before = snapshot(site)
    pdf_py = project / "scripts/pdf.py"
    real = pdf_py.read_bytes()
    pdf_py.write_text(
        "import sys, pathlib\n"
        "site = pathlib.Path(sys.argv[sys.argv.index('--site') + 1])\n"
        "assert (site / 'cities/liyang/index.html').is_file()\n"
        "(site / 'downloads').mkdir()\n"
        "(site / 'downloads/rulebook.pdf').write_bytes(b'%PDF-1.7 half')\n"
        "sys.exit(3)\n",
        encoding="utf-8",
    )
    try:
        result = build_py(project, site, "-q", "--pdf")
    finally:
        pdf_py.write_bytes(real)
    assert result.returncode == 1
    assert f"build failed: PDF step failed (exit 3); {site} was left unchanged" in result.stderr
    assert snapshot(site) == before
    assert leftovers(site) == []


BAD_DATA = {
    # an input correction the importer cannot apply: the error names the input file and the correction
    "failed-import": (
        "rules_data/inputs/liyang.yaml",
        "find: 相关部部门",
        "find: 相关部部部门",
        ("rules_data/inputs/liyang.yaml: ", "相关部部部门"),
    ),
    # an input changed without re-running the importer: stale, and the command that fixes it
    "stale-input": (
        "rules_data/inputs/liyang.yaml",
        "province: 江苏省",
        "province: 浙江省",
        ("rules_data/cities/liyang.yaml: ", "stale", "scripts/import_city.py liyang"),
    ),
    # a schema-valid hand edit of a generated file (it used to fail only while pages were written)
    "hand-edited-city": (
        "rules_data/cities/liyang.yaml",
        "- where: art_2\n",
        "- where: chp_99\n",
        ("rules_data/cities/liyang.yaml: ", "stale", "scripts/import_city.py liyang"),
    ),
}


@pytest.mark.parametrize("case", BAD_DATA)
def test_bad_or_stale_data_is_refused_before_anything_is_written(project: Path, site: Path, edit, case: str) -> None:
    rel, old, new, (prefix, *words) = BAD_DATA[case]
    edit(rel, old, new)
    before = snapshot(site)
    lint_out = run([sys.executable, str(project / "scripts/lint.py")], project)
    assert lint_out.returncode == 1
    lint_lines = lint_out.stdout.splitlines()
    assert [line for line in lint_lines if line.startswith(prefix) and all(w in line for w in words)], lint_lines
    for result in (mkdocs_build(project, site), build_py(project, site, "-q")):
        assert result.returncode == 1
        out = result.stdout + result.stderr
        assert "nothing was built" in out and "Traceback" not in out
        for line in lint_lines:  # the very messages of scripts/lint.py
            assert line in out.splitlines()
        assert snapshot(site) == before
    assert leftovers(site) == []


def _start_and_wait_for_pages(project: Path, target: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """Start a build and return once its temporary folder holds some of the new site's files.

    Its first entry, not a page: a full build (--full) copies the static files before it writes the pages,
    which it does in well under a second for the five cities (the interrupt must land while it still
    runs); an incremental one would link the unchanged files from the previous site only at its end."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, str(project / "scripts/build.py"), "-q", "--full", "-d", str(target)]
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tmp = target.with_name(f"{target.name}.tmp-{proc.pid}")
    deadline = time.monotonic() + 120
    while not (tmp.is_dir() and any(tmp.iterdir())):  # cheap: a walk of the growing folder lost the race
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the build wrote no file within 120 s"
        time.sleep(0.02)
    return proc, tmp


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_build_leaves_the_site_identical(project: Path, site: Path, sig: signal.Signals) -> None:
    before = snapshot(site)
    proc, tmp = _start_and_wait_for_pages(project, site)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert b"build interrupted; it was left unchanged" in err and b"Traceback" not in err
    assert not tmp.exists()
    assert snapshot(site) == before
    assert leftovers(site) == []


def test_killed_build_leaves_the_site_identical_and_the_next_build_cleans_up(project: Path, site: Path, edit) -> None:
    before = snapshot(site)
    proc, tmp = _start_and_wait_for_pages(project, site)
    proc.kill()
    proc.wait()
    time.sleep(0.5)  # the mkdocs child dies with its parent (PR_SET_PDEATHSIG) ...
    files = snapshot(tmp)
    time.sleep(0.5)
    assert snapshot(tmp) == files  # ... so nothing writes into the stale folder any more
    assert snapshot(site) == before
    assert leftovers(site) == [tmp.name]
    # The next build, even one that fails early (here: stale data), removes the dead build's folder.
    edit("rules_data/inputs/liyang.yaml", "province: 江苏省", "province: 浙江省")
    result = build_py(project, site, "-q")
    assert result.returncode == 1 and "stale" in result.stderr
    assert snapshot(site) == before
    assert leftovers(site) == []


def test_rebuild_replaces_the_site(project: Path, site: Path, edit) -> None:
    (site / "old-only.txt").write_text("left by the previous site", encoding="utf-8")
    stale = site.with_name(f"{site.name}.tmp-{DEAD_PID}")
    stale.mkdir()
    (stale / "index.html").write_text("half a site", encoding="utf-8")
    edit("docs/index.md", "\n", "\n\n重建后的首页。\n")
    result = build_py(project, site, "-q")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == f"built {site}"
    assert not (site / "old-only.txt").exists()
    assert "重建后的首页。" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "cities/liyang/index.html").is_file()
    assert leftovers(site) == []


# --- the pieces, without MkDocs ------------------------------------------------------------------


def _tree(folder: Path, text: str) -> Path:
    (folder / "sub").mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    (folder / "sub/page.html").write_text(text * 2, encoding="utf-8")
    return folder


def test_the_replaced_site_is_removed_after_the_build_returns(tmp_path: Path) -> None:
    target = _tree(tmp_path / "site", "0")
    old = atomic.swap(_tree(atomic.temp_dir(target), "1"), target)  # as atomic_build names it
    assert old is not None and (old / "index.html").read_text(encoding="utf-8") == "0"
    atomic.remove_later(old, target)  # returns at once; a detached process renames and deletes it
    atomic.wait_removed(target, timeout=30)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (target / "index.html").read_text(encoding="utf-8") == "1"


@pytest.mark.parametrize("exc", [atomic.BuildFailed("step failed"), KeyboardInterrupt(), atomic.Interrupted("TERM")])
def test_atomic_build_removes_its_folder_on_any_failure(tmp_path: Path, exc: BaseException) -> None:
    target = _tree(tmp_path / "site", "旧")
    before = snapshot(target)
    seen = []

    def steps(tmp: Path) -> None:
        _tree(tmp, "新")
        seen.append(tmp)
        raise exc

    with pytest.raises(type(exc)):
        atomic.atomic_build(target, steps)
    assert seen == [tmp_path / f"site.tmp-{os.getpid()}"]
    assert snapshot(target) == before
    assert leftovers(target) == []


def test_atomic_build_refuses_a_target_that_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "site").symlink_to(tmp_path / "real")
    with pytest.raises(atomic.BuildFailed, match="is not a folder"):
        atomic.atomic_build(tmp_path / "site", lambda tmp: None)
    assert leftovers(tmp_path / "site") == []


def test_clean_stale_keeps_live_builds(tmp_path: Path) -> None:
    target = tmp_path / "site"
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        names = [f"site.tmp-{DEAD_PID}", f"site.old-{DEAD_PID}", f"site.tmp-{live.pid}", "site.tmp-x", "other.tmp-1"]
        for name in names:
            (tmp_path / name).mkdir()
        removed = atomic.clean_stale(target)
    finally:
        live.kill()
        live.wait()
    assert sorted(p.name for p in removed) == [f"site.old-{DEAD_PID}", f"site.tmp-{DEAD_PID}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[2:])
    # once that build is dead, its folder is stale too
    assert [p.name for p in atomic.clean_stale(target)] == [f"site.tmp-{live.pid}"]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2-exchange", "two-renames"])
def test_swap_replaces_the_site_and_a_reader_always_finds_one(tmp_path: Path, monkeypatch, exchange: bool) -> None:
    if not exchange:
        monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    target = _tree(tmp_path / "site", "0")
    missing = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            if not (target / "index.html").exists():
                missing.append(time.monotonic())

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(1, 51):
            new = _tree(tmp_path / f"new{i}", str(i))
            old = atomic.swap(new, target)
            assert (target / "index.html").read_text(encoding="utf-8") == str(i)
            shutil.rmtree(old)
    finally:
        stop.set()
        thread.join()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    if exchange:
        assert missing == []  # one system call: the target path never goes missing


def test_lint_check_caches_a_clean_result_by_content(project: Path, edit, monkeypatch) -> None:
    cache = project.parent / "lint-cache"
    assert lint.check(project, cache) == []
    (marker,) = cache.glob("lint-*.ok")
    # a second check with unchanged content does not lint again
    monkeypatch.setattr(lint, "lint", lambda root: pytest.fail("linted again"))
    assert lint.check(project, cache) == []
    monkeypatch.undo()
    edit("rules_data/inputs/liyang.yaml", "province: 江苏省", "province: 浙江省")
    errors = lint.check(project, cache)
    assert errors == lint.lint(project)
    assert "rules_data/cities/liyang.yaml: (file): stale; run scripts/import_city.py liyang" in errors
    assert list(cache.glob("lint-*.ok")) == [marker]  # errors are never cached


def test_run_step_reports_the_exit_status(tmp_path: Path) -> None:
    atomic.run_step([sys.executable, "-c", "open('ran', 'w').write('yes')"], tmp_path, "step")
    assert (tmp_path / "ran").read_text() == "yes"
    with pytest.raises(atomic.BuildFailed, match=r"^PDF step failed \(exit 4\)$"):
        atomic.run_step([sys.executable, "-c", "raise SystemExit(4)"], tmp_path, "PDF step")
    kill_self = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    with pytest.raises(atomic.BuildFailed, match=r"^mkdocs build was killed by SIGKILL$"):
        atomic.run_step([sys.executable, "-c", kill_self], tmp_path, "mkdocs build")
