"""Rewrite rules_data/{tags,comparisons,chains}/*.yaml in their canonical YAML form.

Usage: python scripts/canonical.py [--check] [--debug]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from rulebook.analysis.curation import canonicalize
from rulebook.data.layout import Layout
from rulebook.data.load import DataError, LoadOptions, load_file
from rulebook.model.schema import CityChains, CityTags, TopicFacts

ROOT = Path(__file__).resolve().parent.parent  # this project (a test's copy has its own)
LAYOUT = Layout(ROOT)

KINDS = {"tags": CityTags, "comparisons": TopicFacts, "chains": CityChains}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if a file is not canonical")
    ap.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    args = ap.parse_args(argv)
    try:
        _loadable(ROOT)
        return _run(args.check)
    except (DataError, OSError, ValueError, yaml.YAMLError) as e:
        if args.debug:
            raise
        for line in e.errors if isinstance(e, DataError) else [f"error: {e} (run with --debug for the traceback)"]:
            print(line, file=sys.stderr)
        return 1


def _loadable(root: Path) -> None:
    """Raise DataError (`file: key: message` lines) unless every curated file loads through its model."""
    errors: list[str] = []
    for kind, model in KINDS.items():
        for path in sorted((root / "rules_data" / kind).glob("*.yaml")):
            # markup is lint's question, not form's
            load_file(model, path, root, errors, LoadOptions(allow_markup=True))
    if errors:
        raise DataError(errors)


def _run(check: bool) -> int:
    if check:
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(LAYOUT.data, Path(tmp) / "rules_data")
            changed = canonicalize(Path(tmp))
        for p in changed:
            print(f"not canonical: rules_data/{p.relative_to(Path(tmp) / 'rules_data')}")
        return 1 if changed else 0
    for p in canonicalize(ROOT):
        print(f"rewrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
