"""Rewrite rules_data/{tags,comparisons,chains}/*.yaml in their canonical YAML form.

Usage: python scripts/canonical.py [--check]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rulebook import paths
from rulebook.curation import canonicalize


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if a file is not canonical")
    args = ap.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(paths.DATA, Path(tmp) / "rules_data")
            changed = canonicalize(Path(tmp))
        for p in changed:
            print(f"not canonical: rules_data/{p.relative_to(Path(tmp) / 'rules_data')}")
        return 1 if changed else 0
    for p in canonicalize(paths.ROOT):
        print(f"rewrote {p.relative_to(paths.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
