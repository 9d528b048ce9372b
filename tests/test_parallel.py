"""The build's second core (rulebook/core/parallel.py): the alignment and the downloads made in a forked worker
give the same site as a serial build; a worker that fails or is stopped loses nothing and prints nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import copy_project, mkdocs_build
from test_incremental import _same

from rulebook.build.context import Build
from rulebook.core import parallel
from rulebook.core.settings import Settings
from rulebook.devtools.synthetic import make_synthetic

WAITED = "[phase] waited for the alignment and downloads worker (done, cache ready)"


def _project(dest: Path) -> Path:
    root = copy_project(dest)
    make_synthetic(root, 10)  # 15 cities: similar articles across cities, every download kind
    return root


@pytest.mark.build
@pytest.mark.skipif(not parallel.available(), reason="one core: builds are serial")
def test_parallel_build_equals_serial_build(tmp_path: Path) -> None:
    # Two copies, each with its own empty .cache: the worker's entries cannot come from the other build.
    par, ser = _project(tmp_path / "par"), _project(tmp_path / "ser")
    a = mkdocs_build(par, tmp_path / "site-par", env={"RULEBOOK_PHASES": "1"})
    assert a.returncode == 0, a.stderr[-3000:]
    b = mkdocs_build(ser, tmp_path / "site-ser", env={"RULEBOOK_PHASES": "1", "RULEBOOK_JOBS": "1"})
    assert b.returncode == 0, b.stderr[-3000:]
    assert WAITED in a.stderr  # the worker made the alignment and the downloads …
    assert "[phase] waited for the alignment and downloads worker" not in b.stderr  # … the serial build had none
    # … into the cache, where the parent read them: both kinds of entry exist after the parallel build.
    assert list((par / ".cache" / "align").glob("align-*.json"))
    assert list((par / ".cache").glob("downloads-*/.files.json"))
    assert list((par / ".cache").glob("words-*.json"))  # 两市对照's tokens (views/wordiff.py)
    _same(tmp_path / "site-par", tmp_path / "site-ser")


def test_worker_does_its_work(tmp_path: Path) -> None:
    out = tmp_path / "made.txt"
    worker = parallel.start(lambda: out.write_text("已生成", encoding="utf-8"))
    if worker is None:
        pytest.skip("one core: no worker")
    assert worker.wait() is True
    assert out.read_text(encoding="utf-8") == "已生成"


def test_failing_worker_reports_failure_and_prints_nothing(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    def work() -> None:
        print("from the worker")
        raise RuntimeError("bad data")

    worker = parallel.start(work)
    if worker is None:
        pytest.skip("one core: no worker")
    assert worker.wait() is False  # the caller then makes the entries itself and reports the error
    out, err = capfd.readouterr()
    assert "from the worker" not in out and "bad data" not in err and "Traceback" not in err


def test_stopped_worker_is_killed_and_reaped(tmp_path: Path) -> None:
    worker = parallel.start(lambda: time.sleep(60))
    if worker is None:
        pytest.skip("one core: no worker")
    t0 = time.perf_counter()
    worker.stop()
    assert time.perf_counter() - t0 < 10
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(worker.pid, 0)


def test_serial_when_asked() -> None:
    # RULEBOOK_JOBS=1 and `mkdocs serve` (threads) build without forking: the build context decides
    serial = Build(Path("."), Settings.from_env({"RULEBOOK_JOBS": "1"}))
    assert serial.forks is False
    assert Build(Path("."), Settings(), command="serve").forks is False
    assert Build(Path("."), Settings(), command="build").forks is True


@pytest.mark.build
@pytest.mark.skipif(not parallel.available(), reason="one core: builds are serial")
def test_failed_build_stops_the_worker_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    # The vendor check (npm files) fails after the worker has started, while it is still aligning.
    (root / "node_modules").unlink()
    (root / "node_modules").mkdir()
    r = mkdocs_build(root, tmp_path / "site", env={"RULEBOOK_PHASES": "1"})
    assert r.returncode != 0
    assert "npm ci" in r.stderr and "Traceback" not in r.stderr
    assert not list((root / ".cache").rglob("*.tmp"))  # stop() removed what the killed worker was writing


def test_stale_temporary_files_of_dead_processes_are_removed(tmp_path: Path) -> None:
    cache = tmp_path / ".cache"
    (cache / "align").mkdir(parents=True)
    dead = 2**22 + 12345  # above any pid this machine hands out (pid_max is at most 2**22)
    stale = [cache / f".downloads-abc.{dead}.tmp", cache / "align" / f".align-abc.json.{dead}.tmp"]
    stale[0].mkdir()
    (stale[0] / "articles.json").write_text("{}", encoding="utf-8")
    stale[1].write_text("[]", encoding="utf-8")
    mine = cache / f".lint-abc.ok.{os.getpid()}.tmp"  # a live process's: kept
    mine.write_text("", encoding="utf-8")
    assert sorted(parallel.clean_stale(cache)) == sorted(stale)
    assert not any(p.exists() for p in stale) and mine.exists()


def test_stop_removes_what_the_worker_was_writing(tmp_path: Path) -> None:
    def work() -> None:  # killed mid-write, as cache.store_files would be
        half = tmp_path / "lookup" / f".terms-abc.{os.getpid()}.tmp"
        half.mkdir(parents=True)
        (half / "0.js").write_text("rbTerms(", encoding="utf-8")
        time.sleep(60)

    worker = parallel.start(work, scratch=tmp_path)
    if worker is None:
        pytest.skip("one core: no worker")
    half = tmp_path / "lookup" / f".terms-abc.{worker.pid}.tmp"
    for _ in range(200):  # until the child has written it
        if (half / "0.js").exists():
            break
        time.sleep(0.05)
    assert (half / "0.js").exists()
    worker.stop()
    assert not half.exists()


def _whose(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_map_forked_keeps_order_and_runs_in_workers() -> None:
    out = list(parallel.map_forked(_whose, range(40), allowed=True))
    assert [sq for sq, _ in out] == [x * x for x in range(40)]
    pids = {pid for _, pid in out}
    if parallel.available():
        assert os.getpid() not in pids  # forked workers did it
    assert list(parallel.map_forked(_whose, range(40), allowed=False)) == [(x * x, os.getpid()) for x in range(40)]
    assert [pid for _, pid in parallel.map_forked(_whose, range(3), allowed=True)] == [os.getpid()] * 3  # few: here


def test_forked_lint_reports_what_a_serial_lint_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rulebook.data import lint as lint_module
    from rulebook.data.lint import check_and_load, lint

    monkeypatch.setattr(lint_module, "FORK_MIN_CITIES", 8)  # fork at this test's size
    root = copy_project(tmp_path / "p")
    make_synthetic(root, 20)  # 25 cities: enough for the import checks to be forked
    for slug in ("ziyang", "syn007"):  # stale city files, one curated and one synthetic
        path = root / "rules_data" / "cities" / f"{slug}.yaml"
        text = path.read_text(encoding="utf-8")
        line = next(x for x in text.splitlines() if x.strip().startswith("- text: ") and len(x) > 20)
        path.write_text(text.replace(line, line + "多出的字", 1), encoding="utf-8")
    serial = lint(root)
    assert [e for e in serial if "stale" in e] == [
        "rules_data/cities/syn007.yaml: (file): stale; run scripts/import_city.py syn007",
        "rules_data/cities/ziyang.yaml: (file): stale; run scripts/import_city.py ziyang",
    ]
    assert lint(root, forks=True) == serial
    assert check_and_load(root, tmp_path / "cache", forks=True)[0] == serial
