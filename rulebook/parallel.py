"""The build's second core: the alignment and the downloads are made in a forked child while this process
builds the search index (the hooks start it in on_files and wait for it before they need either).

The child only fills cache entries (rulebook/align.py's alignment file, the .cache/downloads-<key>/
folder); the hooks then read them exactly as on a warm build, so the output is the same as a serial
build's. Should the child fail or be killed, those entries are simply missing and this process makes
them itself, reporting any error as it always does: nothing is lost and no error is hidden.
Serial when RULEBOOK_JOBS=1, on one core, or under `mkdocs serve` (its server threads make fork unsafe).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass

from .build import die_with_parent

JOBS_ENV = "RULEBOOK_JOBS"  # "1": no child, everything in this process (the test of equal output uses it)


@dataclass
class Worker:
    pid: int

    def wait(self) -> bool:
        """Wait for the child; True if it did all its work."""
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status) == 0

    def stop(self) -> None:
        """Kill the child and reap it (the build failed: what it makes is not needed)."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def enabled() -> bool:
    return os.environ.get(JOBS_ENV) != "1" and (os.cpu_count() or 1) > 1 and hasattr(os, "fork")


def start(work: Callable[[], None]) -> Worker | None:
    """Run `work` in a forked child (None: it runs nowhere, the caller's own calls will do it)."""
    if not enabled():
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return Worker(pid)
    code = 1
    try:
        die_with_parent()  # a killed build takes the child with it
        if os.getppid() != parent:  # it died before that took effect
            return
        # Quiet: an error here is made again, and reported, by the parent.
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
