"""Pre-fill a new city's tags and comparison cells with machine suggestions (status 待核), from the curated cities.

Usage: python scripts/suggest.py SLUG [--debug]

Suggestions are labelled everywhere as 机器建议，待核 and never counted as 有规定. Confirm a cell by setting
`status: 有规定` and writing its `value` (drop `score`), or `status: 未规定` with a note; move a suggested
topic from `suggested` into `tags`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rulebook.analysis.curation import add_suggestions
from rulebook.data.layout import Layout
from rulebook.data.load import DataError, load_rulebook

ROOT = Path(__file__).resolve().parent.parent  # this project (a test's copy has its own)
LAYOUT = Layout(ROOT)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("slug")
    ap.add_argument("--debug", action="store_true", help="show tracebacks")
    args = ap.parse_args(argv)
    try:
        book = load_rulebook(ROOT)
        if args.slug not in book.cities:
            print(
                f"rules_data/cities/{args.slug}.yaml: (file): missing; run scripts/add_city.py first", file=sys.stderr
            )
            return 1
        changed = add_suggestions(ROOT, book, args.slug)
    except DataError as e:
        if args.debug:
            raise
        print("\n".join(e.errors), file=sys.stderr)
        return 1
    for path in changed:
        print(f"wrote {path.relative_to(ROOT)}")
    print(f"== {args.slug}: {len(changed)} file(s) with machine suggestions (待核); review them before curating")
    return 0


if __name__ == "__main__":
    sys.exit(main())
