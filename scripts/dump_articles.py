"""Print a city's articles, one per line: n, label, chapter, text (newlines shown as ⏎).

Usage: python scripts/dump_articles.py SLUG   — a reading aid for curators.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rulebook.data import yamlio
from rulebook.data.layout import Layout
from rulebook.model.schema import City

ROOT = Path(__file__).resolve().parent.parent  # this project (a test's copy has its own)
LAYOUT = Layout(ROOT)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    city = City.model_validate(yamlio.load((LAYOUT.cities / f"{argv[0]}.yaml").read_text(encoding="utf-8")))
    for ch in city.chapters:
        for a in ch.articles:
            print(f"{a.n}\t{a.label}\t{ch.title or ''}\t{a.text().replace(chr(10), '⏎')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
