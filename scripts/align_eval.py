"""Leave-one-city-out evaluation of the curation suggestions (rulebook/analysis/suggest.py) on the curated cities.

Hides each curated city's tags and comparison cells, suggests them from the others, and compares.
Usage: python scripts/align_eval.py [--root DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rulebook.analysis.suggest import Scores, Suggester, leave_one_out
from rulebook.data.load import load_rulebook


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=None)
    args = ap.parse_args(argv)
    book = load_rulebook(args.root)
    start = time.perf_counter()
    per_city = leave_one_out(book, Suggester(book))
    total = Scores()
    keys = list(Scores().summary())
    print("| city | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for slug, sc in per_city.items():
        total.add(sc)
        print(f"| {slug} | " + " | ".join(f"{v:.3f}" for v in sc.summary().values()) + " |")
    print("| **all** | " + " | ".join(f"**{v:.3f}**" for v in total.summary().values()) + " |")
    print(
        f"\n{total.cells} 有规定 cells, {total.unregulated} 未规定 cells, {total.numeric} numeric; "
        f"{time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
