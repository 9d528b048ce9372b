"""Build phases for profiling a big build: with RULEBOOK_PHASES=1 the hooks print each phase's seconds and
the process's memory to stderr (scripts/bench.py sets it and reports the phases of each size)."""

from __future__ import annotations

import os
import resource
import sys
import time

_last = [time.perf_counter()]
_seen: set[str] = set()


def enabled() -> bool:
    return os.environ.get("RULEBOOK_PHASES") == "1"


def _rss_mb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return int(next(line for line in f if line.startswith("VmRSS:")).split()[1]) // 1024
    except (OSError, StopIteration, ValueError):
        return -1


def mark(name: str, once: bool = False) -> None:
    """End the current phase under `name` (printed as `[phase] name: 1.2 s, rss 300 MB, peak 310 MB`)."""
    if not enabled() or (once and name in _seen):
        return
    _seen.add(name)
    now = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"[phase] {name}: {now - _last[0]:.1f} s, rss {_rss_mb()} MB, peak {peak} MB", file=sys.stderr, flush=True)
    _last[0] = now
