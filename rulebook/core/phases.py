"""Build phases for profiling a big build: with RULEBOOK_PHASES=1 the hooks print each phase's seconds and
the process's memory to stderr (scripts/bench.py sets it and reports the phases of each size)."""

from __future__ import annotations

import resource
import sys
import time


def _rss_mb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return int(next(line for line in f if line.startswith("VmRSS:")).split()[1]) // 1024
    except (OSError, StopIteration, ValueError):
        return -1


class Phases:
    """One build's phase clock (silent unless `enabled`). `start`: when the first phase began."""

    def __init__(self, enabled: bool, start: float | None = None) -> None:
        self.enabled = enabled
        self._last = time.perf_counter() if start is None else start
        self._seen: set[str] = set()

    def mark(self, name: str, once: bool = False) -> None:
        """End the current phase under `name` (printed as `[phase] name: 1.2 s, rss 300 MB, peak 310 MB`)."""
        if not self.enabled or (once and name in self._seen):
            return
        self._seen.add(name)
        now = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(
            f"[phase] {name}: {now - self._last:.1f} s, rss {_rss_mb()} MB, peak {peak} MB", file=sys.stderr, flush=True
        )
        self._last = now
