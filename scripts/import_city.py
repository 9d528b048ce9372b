"""Run the importer: rules_data/sources/<slug>.txt + inputs/<slug>.yaml -> cities/<slug>.yaml.

Usage: python scripts/import_city.py [SLUG ...]   (no slug: every city that has an input file)
       python scripts/import_city.py --check       (exit 1 if any generated file is out of date)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rulebook import paths
from rulebook.pipeline import import_one


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("slugs", nargs="*")
    ap.add_argument("--check", action="store_true", help="do not write; fail if a file would change")
    ap.add_argument("--quiet", action="store_true", help="do not print the review report")
    args = ap.parse_args(argv)
    slugs = args.slugs or sorted(p.stem for p in paths.INPUTS.glob("*.yaml"))
    stale = []
    for slug in slugs:
        text, report = import_one(slug)
        target = paths.CITIES / f"{slug}.yaml"
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target.relative_to(paths.ROOT)))
            continue
        target.write_text(text, encoding="utf-8")
        if not args.quiet:
            print(f"== {slug}: wrote {target.relative_to(paths.ROOT)}")
            print(report.render())
    if stale:
        print("out of date (run scripts/import_city.py):\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
