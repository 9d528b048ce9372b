"""Run the importer: rules_data/sources/<slug>.txt + inputs/<slug>.yaml -> cities/<slug>.yaml.

Usage: python scripts/import_city.py [SLUG ...]   (no slug: every city that has an input file)
       python scripts/import_city.py --check       (exit 1 if any generated file is out of date)

Problems are printed as `file: key.path: message` lines (every one, for every city), exit 1;
--debug shows the Python traceback instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rulebook.core.settings import Settings, SettingsError
from rulebook.data.importer import ImportFailed
from rulebook.data.layout import Layout
from rulebook.data.pipeline import import_checked

ROOT = Path(__file__).resolve().parent.parent  # this project (a test's copy has its own)
LAYOUT = Layout(ROOT)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("slugs", nargs="*")
    ap.add_argument("--check", action="store_true", help="do not write; fail if a file would change")
    ap.add_argument("--quiet", action="store_true", help="do not print the review report")
    ap.add_argument("--debug", action="store_true", help="let exceptions through with their traceback")
    args = ap.parse_args(argv)
    slugs = args.slugs or sorted(p.stem for p in LAYOUT.inputs.glob("*.yaml"))
    stale: list[str] = []
    errors: list[str] = []
    try:
        settings = Settings.from_env()
    except SettingsError as e:
        slugs, errors = [], e.errors
    for slug in slugs:
        try:
            text, report = import_checked(slug, ROOT, settings)
        except ImportFailed as e:
            if args.debug:
                raise
            errors += e.errors
            continue
        except Exception as e:  # a bug, not bad data: still one line, unless --debug
            if args.debug:
                raise
            errors.append(f"rules_data/inputs/{slug}.yaml: (import): {type(e).__name__}: {e} (re-run with --debug)")
            continue
        target = LAYOUT.cities / f"{slug}.yaml"
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target.relative_to(ROOT)))
            continue
        target.write_text(text, encoding="utf-8")
        if not args.quiet:
            print(f"== {slug}: wrote {target.relative_to(ROOT)}")
            print(report.render())
    for err in dict.fromkeys(errors):  # a shared file's problem (boilerplate.yaml) once, not once per city
        print(err, file=sys.stderr)
    if stale:
        print("out of date (run scripts/import_city.py):\n  " + "\n  ".join(stale), file=sys.stderr)
    return 1 if errors or stale else 0


if __name__ == "__main__":
    sys.exit(main())
