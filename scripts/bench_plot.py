"""Plot scripts/bench.py's JSON: build time and output size against the number of cities, as an SVG.

Usage: python scripts/bench_plot.py results.json [more.json …] [-o docs/assets/performance.svg]

Two panels, log-log: build time (ours cold, plain Material, each after one city is edited) and output size
(du of the built site, ours and plain). Several JSON files are merged by size (a later file's size replaces
an earlier one's), so a single 10,000-document run joins the others; plain Material's lines are left out
where a run had no twin (scripts/bench.py --no-plain). Text is drawn as paths (svg.fonttype 'path'), so the
SVG needs no Chinese font on the reader's machine; the font used to draw it is Noto Sans CJK when installed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: the SVG is written at benchmark time

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei"]


def cjk_font() -> str | None:
    """The first installed font that has Chinese glyphs, by family name."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def _num(x: float, _pos: object = None) -> str:
    return f"{x:g}"


def _plain(r: dict, *keys: str) -> float | None:
    """A plain-Material figure, or None when the run built ours only (--no-plain)."""
    value: object = r
    for key in keys:
        if not isinstance(value, dict) or value.get(key) is None:
            return None
        value = value[key]
    return float(value)  # type: ignore[arg-type]


def _mb(n: float | None) -> float | None:
    return None if n is None else n / 1e6


# (panel, line style, legend, SVG group id, the figure in MB or seconds from one size's results)
SERIES = [
    ("time", "o-", "本站冷构建", "rb-build-ours", lambda r: r["build"]["ours"]["cold_s"]),
    ("time", "s--", "纯 Material", "rb-build-plain", lambda r: _plain(r, "build", "plain", "cold_s")),
    ("time", "^-", "本站改一市后重建", "rb-rebuild-ours", lambda r: r["rebuild"]["ours_s"]),
    ("time", "v:", "纯 Material 改一市后重建", "rb-rebuild-plain", lambda r: _plain(r, "rebuild", "plain_s")),
    ("size", "o-", "本站", "rb-size-ours", lambda r: r["output"]["ours"]["du_bytes"] / 1e6),
    ("size", "s--", "纯 Material", "rb-size-plain", lambda r: _mb(_plain(r, "output", "plain", "du_bytes"))),
]


def plot(results: dict, out: Path) -> None:
    """Write the two-panel SVG of `results` (scripts/bench.py --json) to `out`."""
    font = cjk_font()
    rc = {"svg.fonttype": "path", "svg.hashsalt": "rulebook", "font.size": 10, "axes.unicode_minus": False}
    if font:
        rc["font.family"] = [font]
    rows = sorted(results["sizes"], key=lambda r: r["cities"])
    n = [r["cities"] for r in rows]
    with plt.rc_context(rc):
        fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.8))
        for ax, style, label, gid, figure in SERIES:
            # a run with --no-plain has no plain figures: its lines are left out, not drawn as zero
            points = [(size, v) for size, r in zip(n, rows, strict=True) if (v := figure(r)) is not None]
            if points:
                (left if ax == "time" else right).plot(*zip(*points, strict=True), style, label=label, gid=gid)
        left.set_title("构建时间")
        left.set_ylabel("秒")
        right.set_title("输出大小")
        right.set_ylabel("MB")
        for ax in (left, right):
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xticks(n)
            ax.xaxis.set_major_formatter(FuncFormatter(_num))
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))  # 1-2-5 steps: readable at any range
            ax.yaxis.set_major_formatter(FuncFormatter(_num))
            ax.yaxis.set_minor_formatter(NullFormatter())
            ax.set_xlabel("城市数")
            ax.grid(True, which="major", alpha=0.3)
            ax.legend(frameon=False)
        started = results.get("meta", {}).get("started", "")[:10]
        fig.suptitle(f"构建时间与输出大小随城市数的变化（scripts/bench.py，{started}）", fontsize=10)
        fig.tight_layout()
        out.parent.mkdir(parents=True, exist_ok=True)
        # No date in the SVG's metadata: the same numbers give the same file.
        fig.savefig(out, format="svg", metadata={"Date": None})
        plt.close(fig)


def merge(runs: list[dict]) -> dict:
    """One results dict from several runs: every size once (the last run's), the first run's meta."""
    by_size = {r["cities"]: r for run in runs for r in run.get("sizes", [])}
    return {"meta": runs[0].get("meta", {}) if runs else {}, "sizes": [by_size[n] for n in sorted(by_size)]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", type=Path, nargs="+")
    ap.add_argument("-o", "--out", type=Path, default=Path("docs/assets/performance.svg"))
    args = ap.parse_args(argv)
    results = merge([json.loads(path.read_text(encoding="utf-8")) for path in args.results])
    if not results["sizes"]:
        print(f"{', '.join(map(str, args.results))}: no sizes measured", file=sys.stderr)
        return 1
    plot(results, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.1f} kB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
