"""Process helpers for builds and their workers: is a pid alive, and a child that dies with its parent."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed build not yet reaped by its parent is a zombie: as dead as it gets
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def die_with_parent() -> None:
    """Runs in a child (between fork and exec, or in a forked worker): SIGKILL it when this process dies."""
    if sys.platform.startswith("linux"):
        # PR_SET_PDEATHSIG: a build killed with SIGKILL takes its step with it, so nothing writes into
        # a temporary folder the next build may be removing.
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
