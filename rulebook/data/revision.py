"""When the data last changed (数据更新于 on the home page), from the data's own history, never the clock.

The date of the last commit that touched rules_data/ (committer date, so a rebuild of one checkout gives
the same bytes); when files under rules_data/ differ from that commit, the newest of their modification
dates instead (a rebuild of the same tree still gives the same date). Without git, or outside a
repository, the date is unknown (None) and the page says so."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

from rulebook.data.layout import Layout


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout if out.returncode == 0 else None


def data_updated(root: Path) -> datetime.date | None:
    """The date the data under `root` last changed, or None when it cannot be known (see the module)."""
    data = Layout(root).data
    if _git(root, "rev-parse", "--is-inside-work-tree") is None:
        return None
    committed = (_git(root, "log", "-1", "--format=%cs", "--", str(data)) or "").strip()
    changed = _git(root, "status", "--porcelain", "--untracked-files=all", "--", str(data)) or ""
    dates = [datetime.date.fromisoformat(committed)] if committed else []
    top = Path((_git(root, "rev-parse", "--show-toplevel") or str(root)).strip())
    for line in changed.splitlines():
        path = top / line[3:].split(" -> ")[-1].strip('"')
        if path.is_file():
            stamp = path.stat().st_mtime
            dates.append(datetime.datetime.fromtimestamp(stamp, datetime.UTC).date())
    return max(dates) if dates else None
