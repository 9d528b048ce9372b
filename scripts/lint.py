"""Lint rules_data/: print every error as `file: key.path: message`; exit 1 if there are any.

Usage: python scripts/lint.py [--root DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rulebook.lint import lint


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=None, help="repository root (default: this checkout)")
    args = ap.parse_args(argv)
    errors = lint(args.root)
    for e in errors:
        print(e)
    if errors:
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1
    print("rules_data: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
