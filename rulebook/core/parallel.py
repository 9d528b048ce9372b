"""The build's second core: the alignment and the downloads are made in a forked child while this process
configures the build and builds the search index (the hooks start it in on_config, wait for it in on_files).

The child only fills cache entries (rulebook/analysis/align.py's alignment file, the .cache/downloads-<key>/
folder); the hooks then read them exactly as on a warm build, so the output is the same as a serial
build's. Should the child fail or be killed, those entries are simply missing and this process makes
them itself, reporting any error as it always does: nothing is lost and no error is hidden.
Serial when the caller says so (RULEBOOK_JOBS=1, or `mkdocs serve`, whose server threads make fork
unsafe: rulebook/build/context.py decides), on one core, or when fork fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rulebook.core.process import die_with_parent, pid_alive

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Worker:
    pid: int
    scratch: Path | None = None  # where the child writes (temporary names end in .<pid>.tmp)

    def wait(self) -> bool:
        """Wait for the child; True if it did all its work."""
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status) == 0

    def stop(self) -> None:
        """Kill the child, reap it and remove what it was writing (the build failed: it is not needed)."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:  # reaped already
            pass
        # A killed child cannot clean up: its half-written files (cache.write_cache_file, store_files)
        # carry its pid, which no later build has, so they would stay.
        if self.scratch is not None and self.scratch.is_dir():
            for path in self.scratch.rglob(f".*.{self.pid}.tmp"):
                _remove(path)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def clean_stale(scratch: Path) -> list[Path]:
    """Remove the temporary files (`.<name>.<pid>.tmp`) that processes no longer alive left in `scratch`
    and the folders directly in it: a build killed with SIGKILL takes its worker with it mid-write."""
    removed = []
    folders = [scratch, *(p for p in scratch.iterdir() if p.is_dir())] if scratch.is_dir() else []
    for folder in folders:
        for path in folder.glob(".*.tmp"):
            pid = path.name[: -len(".tmp")].rsplit(".", 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
                _remove(path)
                removed.append(path)
    return removed


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may run on (a pinned build: fewer)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def available() -> bool:
    """Whether this machine can run work beside this process (more than one core, and fork)."""
    return cores() > 1 and hasattr(os, "fork")


def start(work: Callable[[], None], scratch: Path | None = None) -> Worker | None:
    """Run `work` in a forked child (None: it runs nowhere, the caller's own calls will do it). Call it only
    where fork is safe (no threads) and parallel work is wanted.
    `scratch`: the folder the work writes into, cleaned of the child's temporary files by Worker.stop()."""
    if not available():
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:  # no memory or process slot for a child: build serially
        return None
    if pid:
        return Worker(pid, scratch)
    code = 1
    try:
        die_with_parent()  # a killed build takes the child with it
        if os.getppid() != parent:  # it died before that took effect
            return None
        # Quiet: an error here is made again, and reported, by the parent. Only the report of a damaged
        # cache entry it repairs is kept (the parent then finds the entry whole and cannot report it).
        _keep_cache_reports(os.dup(2))
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        sys.stdout = sys.stderr = open(os.devnull, "w")  # also streams not on fd 1/2
        work()
        code = 0
    except BaseException:  # the parent redoes the work and reports its errors
        pass
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _keep_cache_reports(fd: int) -> None:
    """In a quiet child: cachefiles' reports still go to the build's log (the stream on `fd`), formatted as
    MkDocs formats its own lines."""
    import logging

    from rulebook.core.cachefiles import log

    handler = logging.StreamHandler(os.fdopen(fd, "w", buffering=1, encoding="utf-8"))
    formats = [h.formatter for name in ("mkdocs", "") for h in logging.getLogger(name).handlers if h.formatter]
    if formats:
        handler.setFormatter(formats[0])
    log.addHandler(handler)
    log.propagate = False


_shared: list[Callable[..., object]] = []  # map_forked's function, inherited by its forked workers


def _call(item: object) -> object:
    return _shared[0](item)


def map_forked(
    fn: Callable[[T], R], items: Iterable[T], allowed: bool, min_items: int = 16, chunksize: int | None = None
) -> Iterator[R]:
    """fn over items, in order: in forked workers (one per core) when `allowed` (the caller's process has
    no threads: not under `mkdocs serve`, and RULEBOOK_JOBS is not 1), available() and there are at least
    `min_items`; else here.
    The workers inherit fn and everything it reads (a loaded book, the jieba dictionary) instead of
    receiving it pickled; only the items and results are. Closing the iterator early cancels what is
    not started. `chunksize`: items per task (default: four tasks per worker)."""
    todo = list(items)
    if not (allowed and available() and len(todo) >= min_items):
        yield from map(fn, todo)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    n = cores()
    _shared[:] = [fn]
    pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"))
    try:
        yield from pool.map(_call, todo, chunksize=chunksize or max(1, len(todo) // (4 * n)))  # type: ignore[misc]
    finally:
        pool.shutdown(cancel_futures=True)
        _shared.clear()
